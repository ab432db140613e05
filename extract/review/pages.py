"""What the report page shows, as plain data: the tables as printed (show/layout.py) with
each value cell's value in effect and highlight classes, the findings, and the doubtful
cells with the rules that involve them. The browser gets the same data as JSON (`state`)
and redraws from it after each decision; every string reaches the page escaped (Jinja's
autoescape in the HTML, `tojson` in the embedded JSON, `textContent` in the script)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ..records import CellValue
from ..show.layout import TableLayout, indicator_layouts, table_layouts
from . import rules
from .data import LOW_CONFIDENCE, Decision, ReportData, cell_label, doubtful_keys


def format_value(value: CellValue) -> str:
    """A value as a reviewer reads it: integers without '.0', blanks as an empty string."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)


def cell_classes(key: str, data: ReportData, severities: dict[str, set[str]], decided: dict[str, dict]) -> list[str]:
    """Highlight classes of one value cell: the findings that name it, doubt, what a person did."""
    cell = data.cells.get(key)
    record_cell = data.record.get("cells", {}).get(key, {})
    classes = sorted(severities.get(key, ()))
    if cell is None:
        classes.append("blank")
    elif cell["source"] == "ocr" and (cell["confidence"] or 0) < LOW_CONFIDENCE:
        classes.append("low")
    if record_cell.get("repair"):
        classes.append("repaired")
    if cell is not None and cell["corrected"]:
        classes.append("corrected")
    elif key in decided:
        classes.append("confirmed")
    return classes


def _severities(data: ReportData) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for f in data.findings:
        if f.severity in ("error", "warning"):
            for key in f.cells:
                found.setdefault(key, set()).add(f.severity)
    return found


def _last_decisions(data: ReportData) -> dict[str, dict]:
    """The latest decision on each cell (the audit trail keeps every one)."""
    return {c["key"]: c for c in data.corrections}


def _status_json(status: rules.RuleStatus) -> dict[str, Any]:
    return {**asdict(status), "expected_text": format_value(status.expected)}


def state(data: ReportData, source: dict[str, Any]) -> dict[str, Any]:
    """Everything the page script needs to draw and redraw one report."""
    severities = _severities(data)
    decided = _last_decisions(data)
    values = data.values()
    record_cells = data.record.get("cells", {})
    keys = [c.key for layout in layouts(data) for c in layout.value_cells]
    cells: dict[str, Any] = {}
    for key in keys:
        cell = data.cells.get(key)
        decision = decided.get(key)
        cells[key] = {
            "label": data.cell_label(key),
            "value": format_value(values.get(key)),
            "read": format_value(cell["read"]) if cell else "",
            "printed": (cell["printed"] or "") if cell else "",
            "confidence": cell["confidence"] if cell else None,
            "source": cell["source"] if cell else None,
            "has_crop": bool(cell and cell["page"] and cell["bbox"]),
            "page": cell["page"] if cell else None,
            "repair": record_cells.get(key, {}).get("repair"),
            "classes": cell_classes(key, data, severities, decided),
            "decision": None if decision is None else {
                "reviewer": decision["reviewer"], "at": decision["at"], "note": decision["note"],
                "changed": decision["old_value"] != decision["new_value"]},
        }
    doubtful = []
    for key in doubtful_keys(data):
        statuses = data.rules_for(key)
        doubtful.append({
            "key": key,
            "rules": [_status_json(s) for s in statuses],
            "findings": [i for i, f in enumerate(data.findings) if key in f.cells and f.severity != "info"],
            "expected": format_value(data.expected(key, statuses)),
        })
    row = data.row
    rule_errors = [f for f in data.findings if f.severity == "error"]
    return {
        "report": {
            "sha256": row["sha256"], "first_page": row["first_page"], "last_page": row["last_page"],
            "agency": row["agency"] or "", "year": row["year"], "template": data.version, "kind": row["kind"] or "",
            "path": row["path"], "errors": row["errors"], "warnings": row["warnings"],
            "reviewed_by": row["reviewed_by"], "reviewed_at": row["reviewed_at"],
        },
        "source": source,
        "cells": cells,
        "findings": [
            {"rule": f.rule, "severity": f.severity, "message": f.message, "message_en": f.message_en,
             "cells": [k for k in f.cells if k in cells]}
            for f in data.findings
        ],
        "doubtful": doubtful,
        "rules_hold": not rule_errors,
        "corrections": [
            {"key": c["key"], "label": data.cell_label(c["key"]), "old": c["old_value"], "new": c["new_value"],
             "reviewer": c["reviewer"], "at": c["at"], "note": c["note"]}
            for c in data.corrections
        ],
    }


def layouts(data: ReportData) -> tuple[TableLayout, ...]:
    """The tables as printed: the template's, or a pre-2019 report's statistics tables."""
    if data.pre2019:
        return indicator_layouts(data.indicators)
    return table_layouts(data.version, data.layout)


def sections(data: ReportData) -> list[dict[str, Any]]:
    """The report's sections as stored in its record (number, heading, pages, text)."""
    return [{"number": s.get("number") or "", "heading": s.get("heading") or "", "text": s.get("text") or "",
             "first_page": s.get("first_page"), "last_page": s.get("last_page")}
            for s in data.record.get("sections") or ()]


def decision_json(decision: Decision) -> dict[str, Any]:
    statuses = [_status_json(s) for s in decision.statuses]
    return {
        "key": decision.key, "label": decision.label or cell_label(decision.key),
        "old": format_value(decision.old_value), "new": format_value(decision.new_value),
        "changed": decision.changed, "rules": statuses,
        "rules_hold": all(s["state"] == "holds" for s in statuses),
        "errors": decision.errors, "warnings": decision.warnings,
    }


def cell_rules(data: ReportData, key: str) -> dict[str, Any]:
    """The rules involving one cell and the value they expect of it (any cell, doubtful or not)."""
    statuses = data.rules_for(key)
    return {"key": key, "rules": [_status_json(s) for s in statuses],
            "expected": format_value(data.expected(key, statuses)), "findings": []}

