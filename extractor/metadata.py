"""Document metadata: title, genre, year, issuers, region (to be filled by the metadata stage)."""
from __future__ import annotations

from .document import Document


def detect(doc: Document) -> dict:
    return {"title": doc.title, "genre": None, "year": None, "region": None, "issuers": []}
