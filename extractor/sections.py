"""Section tree of a report (to be filled by the sections stage)."""
from __future__ import annotations

from .document import Document


def find_sections(doc: Document) -> list:
    return []
