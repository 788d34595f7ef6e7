"""The base layer: errors, facts, the Document and settings."""
