"""OCR for PDF pages without a text layer (placeholder until the engine is wired)."""
from __future__ import annotations


def ocr_pages(data, src, raw_pages, mode, password=None) -> list:
    return []
