"""The extraction stages: sections, quantities, measures, metadata, gazetteer, sentences."""
