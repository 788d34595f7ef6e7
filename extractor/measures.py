"""Policy measures (to be filled by the measures stage)."""
from __future__ import annotations

from .document import Document


def find_measures(doc: Document, sections: list) -> list:
    return []
