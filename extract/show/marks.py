"""What a reader should notice about each cell: the findings that name it, repairs, low
confidence; and the value as it is shown. Shared by the terminal tables, the static HTML
page and the review app, so all three flag the same cells the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..records import Finding, Report, flatten_tables

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
LOW_CONFIDENCE_RULE = "cell.low_confidence"
REPAIRED_RULE = "cell.repaired"


@dataclass(frozen=True)
class CellMark:
    """`severity` is the worst finding naming the cell (None when none does); `findings`
    are the indexes into `report.findings` of those findings, worst first."""

    severity: Optional[str]
    findings: tuple[int, ...]
    repaired: bool
    low_confidence: bool


def cell_marks(report: Report) -> dict[str, CellMark]:
    """Cell key -> its mark, for every cell that a finding names or that was repaired."""
    named: dict[str, list[int]] = {}
    for index, finding in enumerate(report.findings):
        for key in finding.cells:
            named.setdefault(key, []).append(index)
    keys = set(named) | {k for k, c in report.cells.items() if c.repair is not None}
    marks = {}
    for key in keys:
        indexes = sorted(named.get(key, ()), key=lambda i: SEVERITY_ORDER[report.findings[i].severity])
        rules = {report.findings[i].rule for i in indexes}
        severities = [report.findings[i].severity for i in indexes if report.findings[i].severity != "info"]
        record = report.cells.get(key)
        marks[key] = CellMark(
            severity=severities[0] if severities else None,
            findings=tuple(indexes),
            repaired=REPAIRED_RULE in rules or (record is not None and record.repair is not None),
            low_confidence=LOW_CONFIDENCE_RULE in rules,
        )
    return marks


def report_values(report: Report) -> dict:
    """Cell key -> value of every value the report holds: its template tables' cells, and a
    pre-2019 report's indicator cells (`indicators.<row>.<column>`)."""
    values = flatten_tables(report.tables)
    values.update({ind.cell: ind.value for ind in report.indicators})
    return values


def shown_value(report: Report, key: str, values: Optional[dict] = None) -> str:
    """The value of a cell as a person reads it: the number (integers without a decimal
    point), a unit-bearing amount as printed, the printed text of a null ("/", "—"), and
    "" for a cell that was not read at all. `values` is `report_values(report)`, passed in
    when many cells are shown."""
    values = report_values(report) if values is None else values
    value = values.get(key)
    record = report.cells.get(key)
    if value is None:
        return record.text if record is not None else ""
    if isinstance(value, float) and value.is_integer() and record is not None and "." not in record.text:
        return str(int(value))
    return str(value)


def finding_label(finding: Finding) -> str:
    """`[severity] rule: message` — one line per finding."""
    return f"[{finding.severity}] {finding.rule}: {finding.message}"
