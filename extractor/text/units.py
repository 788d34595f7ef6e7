"""The unit table of ``data/quantities/units.yaml`` as the stages read it (a leaf: no other extractor import):
the prose finder (``stages.quantities``) and the table reader (``stages.tables``) build it here, the same way."""
from __future__ import annotations

from decimal import Decimal


def unit_table(u: dict) -> tuple[dict, dict]:
    """``(units, multipliers)`` of the parsed units.yaml: ``{surface: (canonical, kind)}`` (kind ``reject`` for
    dates and durations) and ``{surface: Decimal}``."""
    units: dict = {}
    for kind in ("count", "amount", "rate", "change"):
        for surface, canon in (u.get(kind) or {}).items():
            units[str(surface)] = (str(canon) if canon is not None else str(surface), kind)
    for surface in u.get("reject") or []:
        units[str(surface)] = (str(surface), "reject")
    return units, {str(k): Decimal(str(v)) for k, v in u["multipliers"].items()}
