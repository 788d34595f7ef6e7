"""Outputs: the Report, the long indicator table, terminal display, the review page."""
