"""A pre-2019 report's findings decided again with the values in effect (after a reviewer's
correction), as `review.rules.revalidated_findings` does for template reports.

The rules `check_indicators` decides (parts_sum, part_exceeds_parent, cumulative_below_year)
are run again over the report's indicators with the corrected values; findings about a cell's
reading (low confidence, unreadable, repaired) are dropped once a person confirmed or
corrected that cell; every other finding (unplaced numbers, prose, pages) is kept as it was.
Used by the batch store (`review.data.revalidate`) and the exports (`export.stored`).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from ..records import CellValue, Finding, Indicator
from .indicator_rules import check_indicators

INDICATOR_RULES = frozenset({"indicators.parts_sum", "indicators.part_exceeds_parent",
                             "indicators.cumulative_below_year"})
# As review.rules.READING_RULES (kept here so that checks does not import review).
READING_RULES = frozenset({"cell.low_confidence", "cell.unreadable", "cell.repaired", "cell.split_from_label"})


def indicators_of(record: Mapping[str, Any]) -> list[Indicator]:
    """The record's indicators as models (a JSON record's `indicators`)."""
    return [Indicator.model_validate(i) for i in record.get("indicators") or ()]


def revalidated_indicator_findings(
    original: Sequence[Finding],
    indicators: Sequence[Indicator],
    values: Mapping[str, CellValue],
    reviewed_cells: Iterable[str],
) -> list[Finding]:
    reviewed = set(reviewed_cells)
    kept = [
        f for f in original
        if f.rule not in INDICATOR_RULES
        and not (f.rule in READING_RULES and f.cells and set(f.cells) <= reviewed)
    ]
    # check_indicators takes `values or {}` and falls back on the value read per cell: give
    # it every indicator's value in effect (a correction to null stays null).
    effective = {i.cell: values.get(i.cell, i.value) for i in indicators}
    return kept + check_indicators(indicators, effective)
