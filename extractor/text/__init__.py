"""Text leaves: normalisation with its offset map, numerals, segmentation, sentence bounds."""
