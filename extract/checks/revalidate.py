"""A report's findings decided again with the values in effect, after a reviewer's
correction: `revalidated_findings` (template reports), `revalidated_indicator_findings`
(pre-2019 reports) and `revalidate_stored`, which does it for a report stored in a batch
database (its `findings` rows, counts and cell flags). Below both the batch store (which
applies corrections again to a new reading) and the review app (a decision): neither
imports the other for it.

The rules `check_indicators` decides (parts_sum, part_exceeds_parent, cumulative_below_year)
are run again over the report's indicators with the corrected values; findings about a cell's
reading (low confidence, unreadable, repaired) are dropped once a person confirmed or
corrected that cell; every other finding (unplaced numbers, prose, pages) is kept as it was.
Used by the batch store, the review app (`review.data.revalidate`) and the exports
(`export.stored`).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable, Mapping, Optional, Sequence

from .. import template as tpl
from ..records import CellValue, Finding, Indicator
from ..template import TemplateVersion
from .indicator_rules import check_indicators
from .validate import equations, validate

INDICATOR_RULES = frozenset({"indicators.parts_sum", "indicators.part_exceeds_parent",
                             "indicators.cumulative_below_year"})
# Rule ids `validate` decides beside the equations: replaced when a report is validated again.
VALUE_RULES = frozenset({"value.negative", "value.not_integer"})
# Findings about one cell's reading: settled once a person has confirmed or corrected the cell.
READING_RULES = frozenset({"cell.low_confidence", "cell.unreadable", "cell.repaired", "cell.split_from_label"})
# A decision in effect (an SQL condition on `corrections`, schema 6): not an undo, and not taken
# back by one (`corrections.undoes` names the decision an undo row takes back).
LIVE_DECISION = "undoes IS NULL AND id NOT IN (SELECT undoes FROM corrections WHERE undoes IS NOT NULL)"


def revalidated_findings(
    original: Sequence[Finding],
    values: Mapping[str, CellValue],
    version: TemplateVersion,
    layout: Optional[tpl.OtherLayout],
    reviewed_cells: set[str],
) -> list[Finding]:
    """The report's findings with the values in effect: every rule `validate` decides is
    decided again; findings about a cell's reading are dropped once a person confirmed or
    corrected that cell; the others (tables, pages, prose) are kept as they were."""
    decided = {eq.rule for eq in equations(version, layout)} | VALUE_RULES
    kept = [
        f for f in original
        if f.rule not in decided
        and not (f.rule in READING_RULES and f.cells and set(f.cells) <= reviewed_cells)
    ]
    return kept + validate(values, version, layout)


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


def _stored_value(num: Optional[float], text: Optional[str]) -> CellValue:
    """A cell's value from its REAL/TEXT columns: counts come back as integers."""
    if text is not None:
        return text
    if num is None:
        return None
    return int(num) if float(num).is_integer() else float(num)


def revalidate_stored(db: sqlite3.Connection, sha: str, first_page: int) -> Optional[tuple[int, int]]:
    """Replace a stored report's `findings` rows (and its error/warning counts and cell
    flags) with those of the values in effect (inside the caller's transaction); the record
    JSON keeps the findings of the reading. (errors, warnings), or None when there is no
    such report."""
    from ..show.layout import printed_other_layout  # pure: the template's layouts

    row = db.execute("SELECT template, record FROM reports WHERE sha256 = ? AND first_page = ?",
                     (sha, first_page)).fetchone()
    if row is None:
        return None
    template, record = row[0], json.loads(row[1])
    cells = {key: {"value": _stored_value(num, text), "page": page, "bbox": json.loads(bbox) if bbox else None}
             for key, num, text, page, bbox in db.execute(
                 "SELECT key, value_num, value_text, page, bbox FROM cells WHERE sha256 = ? AND first_page = ?",
                 (sha, first_page))}
    # Cells a person decided on (a decision taken back by an undo no longer counts).
    reviewed = {k for (k,) in db.execute("SELECT key FROM corrections WHERE sha256 = ? AND first_page = ? AND "
                                         + LIVE_DECISION, (sha, first_page))}
    version = template or record.get("tables", {}).get("template") or "2021"
    original = [Finding.model_validate(f) for f in record.get("findings", [])]
    if version == tpl.PRE2019:
        layout = None
        values: dict[str, CellValue] = {k: c["value"] for k, c in cells.items()}
        findings = revalidated_indicator_findings(original, indicators_of(record), values, reviewed)
    else:
        layout = printed_other_layout(version, {f.get("rule") for f in record.get("findings", [])})
        values = {k: None for k in tpl.all_cell_keys(version)}
        values.update({k: c["value"] for k, c in cells.items()})
        findings = revalidated_findings(original, values, version, layout, reviewed)
    from .accounting import redecide  # the cause of each broken rule, reviewed cells certain

    findings, _ = redecide(findings, record, values, version, layout, reviewed)
    db.execute("DELETE FROM findings WHERE sha256 = ? AND first_page = ?", (sha, first_page))
    db.executemany("INSERT INTO findings (sha256, first_page, rule, severity, message, message_en, cells, locations,"
                   " table_name, cause, suspect_cell) VALUES (?,?,?,?,?,?,?,?,?,?,?)", [
        (sha, first_page, f.rule, f.severity, f.message, f.message_en, json.dumps(list(f.cells)),
         json.dumps([{"cell": k, "page": cells[k]["page"], "bbox": cells[k]["bbox"]}
                     for k in f.cells if k in cells and cells[k]["page"] is not None],
                    ensure_ascii=False),
         tpl.finding_table(f.rule, f.cells), f.cause, f.suspect_cell)
        for f in findings])
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    db.execute("UPDATE reports SET errors = ?, warnings = ? WHERE sha256 = ? AND first_page = ?",
               (errors, warnings, sha, first_page))
    flagged = {k for f in findings if f.severity in ("error", "warning") for k in f.cells}
    flagged |= {k for k, c in record.get("cells", {}).items() if c.get("repair")}
    db.execute("UPDATE cells SET flagged = 0 WHERE sha256 = ? AND first_page = ?", (sha, first_page))
    db.executemany("UPDATE cells SET flagged = 1 WHERE sha256 = ? AND first_page = ? AND key = ?",
                   [(sha, first_page, k) for k in flagged])
    return errors, warnings
