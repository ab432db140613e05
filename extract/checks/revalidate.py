"""A report decided again with the values in effect, after a reviewer's decision:
`decided_again` (findings and rule accounting, as the pipeline decides them) and
`revalidate_stored`, which does it for a report stored in a batch database (its `findings`
rows, counts, cell flags and `reports.rules`). Below both the batch store (which applies
corrections again to a new reading) and the review app (a decision): neither imports the
other for it.

Every rule is decided again: the template's equations and value rules, or a pre-2019 report's
indicator rules (parts_sum, part_exceeds_parent, cumulative_below_year); the soft checks (the
prose figures against the corrected table, plausibility); the cause of each broken rule; the
rule accounting, so that a decision leaving a rule unchecked says so. Findings about a cell's
reading (low confidence, unreadable, repaired) are dropped once a person confirmed or
corrected that cell; every other finding (unplaced numbers, pages) is kept as it was.
Used by the batch store, the review app (`review.data.revalidate`) and the exports
(`export.stored`).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable, Mapping, Optional

from .. import template as tpl
from ..records import CellValue, Finding, Indicator, ProseFigure, RuleAccounting
from .accounting import account, attribute, template_outcomes
from .indicator_rules import check_indicators
from .soft_checks import run_soft_checks
from .validate import Outcome, equations, validate

INDICATOR_RULES = frozenset({"indicators.parts_sum", "indicators.part_exceeds_parent",
                             "indicators.cumulative_below_year"})
# Rule ids `validate` decides beside the equations: replaced when a report is validated again.
VALUE_RULES = frozenset({"value.negative", "value.not_integer"})
# Findings about one cell's reading: settled once a person has confirmed or corrected the cell.
READING_RULES = frozenset({"cell.low_confidence", "cell.unreadable", "cell.repaired", "cell.split_from_label",
                           "cell.blank_doubtful"})
# The soft checks (checks.soft_checks): decided again against the values in effect.
SOFT_RULES = frozenset({"prose.contradicts_table", "plausibility.regulations"})
# A decision in effect (an SQL condition on `corrections`, schema 6): not an undo, and not taken
# back by one (`corrections.undoes` names the decision an undo row takes back).
LIVE_DECISION = "undoes IS NULL AND id NOT IN (SELECT undoes FROM corrections WHERE undoes IS NOT NULL)"


def indicators_of(record: Mapping[str, Any]) -> list[Indicator]:
    """The record's indicators as models (a JSON record's `indicators`)."""
    return [Indicator.model_validate(i) for i in record.get("indicators") or ()]


def decided_again(
    record: Mapping[str, Any],
    values: Mapping[str, CellValue],
    version: str,
    layout: Optional[tpl.OtherLayout],
    reviewed: Iterable[str],
) -> tuple[list[Finding], Optional[RuleAccounting]]:
    """A report's findings and rule accounting with the values in effect, as the pipeline
    decides them: every table rule, the soft checks (each prose figure against the corrected
    table: a contradiction a correction resolves is gone, one that stays quotes the current
    sum), the reading doubts of cells a person decided on dropped, other findings kept, and
    the cause of each broken rule decided again (a reviewed cell counts as read with
    certainty). `values`: a template report's every cell, or a pre-2019 report's indicator
    cells. The accounting is None when the record has none (unknown, not zero)."""
    reviewed = set(reviewed)
    original = [Finding.model_validate(f) for f in record.get("findings") or ()]
    figures = [ProseFigure.model_validate(f) for f in record.get("prose_figures") or ()]
    agency = (record.get("report") or {}).get("agency")
    outcomes: list[Outcome] = []
    if version == tpl.PRE2019:
        indicators = indicators_of(record)
        effective = {i.cell: values.get(i.cell, i.value) for i in indicators}
        decided = INDICATOR_RULES | SOFT_RULES
        new = check_indicators(indicators, effective, outcomes)
        in_effect = [i.model_copy(update={"value": effective[i.cell]}) for i in indicators]
        new += run_soft_checks(figures, {}, agency, tpl.PRE2019, in_effect, outcomes=outcomes)
    else:
        decided = {eq.rule for eq in equations(version, layout)} | VALUE_RULES | SOFT_RULES  # type: ignore[arg-type]
        new = validate(values, version, layout)  # type: ignore[arg-type]
        outcomes += template_outcomes(values, version, layout)  # type: ignore[arg-type]
        new += run_soft_checks(figures, values, agency, version, outcomes=outcomes)
    kept = [f.model_copy(update={"cause": None, "suspect_cell": None}) if f.cause else f
            for f in original
            if f.rule not in decided and not (f.rule in READING_RULES and f.cells and set(f.cells) <= reviewed)]
    findings = attribute(kept + new, outcomes, record.get("cells") or {}, reviewed=reviewed)
    return findings, account(outcomes) if isinstance(record.get("rules"), Mapping) else None


def _stored_value(num: Optional[float], text: Optional[str]) -> CellValue:
    """A cell's value from its REAL/TEXT columns: counts come back as integers."""
    if text is not None:
        return text
    if num is None:
        return None
    return int(num) if float(num).is_integer() else float(num)


def revalidate_stored(db: sqlite3.Connection, sha: str, first_page: int) -> Optional[tuple[int, int]]:
    """Replace a stored report's `findings` rows (and its error/warning counts, cell flags
    and rule accounting `reports.rules`) with those of the values in effect
    (`decided_again`, inside the caller's transaction); the record JSON keeps the findings
    and accounting of the reading. (errors, warnings), or None when there is no such
    report."""

    row = db.execute("SELECT template, record FROM reports WHERE sha256 = ? AND first_page = ?",
                     (sha, first_page)).fetchone()
    if row is None:
        return None
    template, record = row[0], json.loads(row[1])
    # bbox stays JSON text until a finding names the cell (a report has ~200 cells, few named).
    cells = {key: {"value": _stored_value(num, text), "page": page, "bbox": bbox}
             for key, num, text, page, bbox in db.execute(
                 "SELECT key, value_num, value_text, page, bbox FROM cells WHERE sha256 = ? AND first_page = ?",
                 (sha, first_page))}
    # Cells a person decided on (a decision taken back by an undo no longer counts).
    reviewed = {k for (k,) in db.execute("SELECT key FROM corrections WHERE sha256 = ? AND first_page = ? AND "
                                         + LIVE_DECISION, (sha, first_page))}
    version = template or record.get("tables", {}).get("template") or "2021"
    if version == tpl.PRE2019:
        layout = None
        values: dict[str, CellValue] = {k: c["value"] for k, c in cells.items()}
    else:
        layout = tpl.printed_other_layout(version, {f.get("rule") for f in record.get("findings", [])})
        values = {k: None for k in tpl.all_cell_keys(version)}
        values.update({k: c["value"] for k, c in cells.items()})
    findings, accounting = decided_again(record, values, version, layout, reviewed)
    db.execute("DELETE FROM findings WHERE sha256 = ? AND first_page = ?", (sha, first_page))
    db.executemany("INSERT INTO findings (sha256, first_page, rule, severity, message, message_en, cells, locations,"
                   " table_name, cause, suspect_cell) VALUES (?,?,?,?,?,?,?,?,?,?,?)", [
        (sha, first_page, f.rule, f.severity, f.message, f.message_en, json.dumps(list(f.cells)),
         json.dumps([{"cell": k, "page": cells[k]["page"], "bbox": json.loads(cells[k]["bbox"]) if cells[k]["bbox"] else None}
                     for k in f.cells if k in cells and cells[k]["page"] is not None],
                    ensure_ascii=False),
         tpl.finding_table(f.rule, f.cells), f.cause, f.suspect_cell)
        for f in findings])
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    db.execute("UPDATE reports SET errors = ?, warnings = ?, rules = ? WHERE sha256 = ? AND first_page = ?",
               (errors, warnings, None if accounting is None else accounting.model_dump_json(), sha, first_page))
    flagged = {k for f in findings if f.severity in ("error", "warning") for k in f.cells}
    flagged |= {k for k, c in record.get("cells", {}).items() if c.get("repair")}
    db.execute("UPDATE cells SET flagged = 0 WHERE sha256 = ? AND first_page = ?", (sha, first_page))
    db.executemany("UPDATE cells SET flagged = 1 WHERE sha256 = ? AND first_page = ? AND key = ?",
                   [(sha, first_page, k) for k in flagged])
    return errors, warnings
