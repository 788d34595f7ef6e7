"""Quantities (to be filled by the quantities stage)."""
from __future__ import annotations

from .document import Document


def extract_quantities(doc: Document, sections: list) -> list:
    return []
