"""What the report page shows, as plain data: the tables as printed (table_layout.py) with
each value cell's value in effect and highlight classes, the findings, and the doubtful
cells with the rules that involve them. The browser gets the same data as JSON (`state`)
and redraws from it after each decision; every string reaches the page escaped (Jinja's
autoescape in the HTML, `tojson` in the embedded JSON, `textContent` in the script)."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any, Optional

from ..checks.accounting import PROSE_RULES
from ..records import CellValue
from ..table_layout import TableLayout, indicator_layouts, table_layouts
from . import rules
from .copies import MATCH_WORDS, Copy
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
    """The latest decision in effect on each cell (the audit trail keeps every one, undos too)."""
    return {c["key"]: c for c in data.corrections if c.get("live", True)}


def _status_json(status: rules.RuleStatus) -> dict[str, Any]:
    # Shallow (its fields are plain values): dataclasses.asdict deep-copies, slowly.
    return {**{f.name: getattr(status, f.name) for f in fields(status)}, "expected_text": format_value(status.expected)}


SEVERITY_WORDS = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info")}
KIND_WORDS = {"digital": ("数字版 PDF", "digital PDF"), "scanned": ("扫描件", "scanned"),
              "mixed": ("数字版与扫描混合", "mixed digital and scanned"), "html": ("网页", "web page"),
              "docx": ("Word 文档", "Word file")}
# The note an accept leaves in the audit row (data.decide_cell), shown in words.
ACCEPT_NOTE = "accepted as read"


def _bilingual(words: tuple[str, str]) -> str:
    return f"{words[0]} {words[1]}"


def kind_words(kind: Optional[str]) -> str:
    """A report's kind (digital, scanned …) in Chinese and English, for the pages."""
    return _bilingual(KIND_WORDS[kind]) if kind in KIND_WORDS else (kind or "")


def _json_value(raw: Optional[str]) -> CellValue:
    """An audit row's stored JSON value (a number, a text or null); the raw text when it is
    not JSON (never shown as JSON)."""
    try:
        value = json.loads(raw) if raw is not None else None
    except ValueError:
        return raw
    return value if isinstance(value, (int, float, str)) or value is None else str(value)


def _shown(value: CellValue) -> tuple[str, str]:
    text = format_value(value)
    return (text, text) if text else ("空白", "blank")


def audit_words(old: CellValue, new: CellValue, read: CellValue, note: Optional[str]) -> tuple[str, str]:
    """One decision in words (Chinese, English): 接受读数 / accepted the reading, 由 空白 改为 59
    / changed from blank to 59, 改回读数 / set back to the reading, 确认为 / confirmed as."""
    (old_zh, old_en), (new_zh, new_en) = _shown(old), _shown(new)
    if old == new:
        if note == ACCEPT_NOTE or new == read:
            return f"接受读数 {new_zh}", f"accepted the reading {new_en}"
        return f"确认为 {new_zh}", f"confirmed as {new_en}"
    if new == read:
        return f"由 {old_zh} 改回读数 {new_zh}", f"set back from {old_en} to the reading {new_en}"
    return f"由 {old_zh} 改为 {new_zh}", f"changed from {old_en} to {new_en}"


def report_status(data: ReportData, findings_errors: int) -> dict[str, Any]:
    """The report's state in one line: broken rules and errors; else rules left unchecked (a
    blank or unreadable cell, a text in a count cell), its own state, never taken for holding;
    else every rule holds. From the rule accounting in effect (None: not recorded)."""
    accounting = data.rule_accounting
    by_rule = (accounting or {}).get("by_rule") or {}
    prose = sum((counts or {}).get("broken") or 0 for rule, counts in by_rule.items() if rule in PROSE_RULES)
    broken = ((accounting or {}).get("broken") or 0) - prose  # the tables' own rules
    unchecked = (accounting or {}).get("unchecked")
    parts_zh, parts_en = [], []
    if findings_errors or broken:
        state = "broken"
        parts_zh.append("勾稽关系有不成立")
        parts_en.append("Some rules do not hold")
    elif unchecked:
        state = "unchecked"
    elif accounting is None:
        state = "unknown"
        parts_zh.append("规则核验情况未记录")
        parts_en.append("Rule accounting not recorded")
    else:
        state = "holds"
        parts_zh.append("勾稽关系全部成立")
        parts_en.append("All rules hold")
    if unchecked:
        parts_zh.append(f"{unchecked} 条规则未核验")
        parts_en.append(f"{unchecked} rules unchecked")
    if prose:
        parts_zh.append(f"正文与表格 {prose} 处不符")
        parts_en.append(f"the text contradicts the table {prose}×")
    return {"state": state, "unchecked": unchecked, "broken": broken, "prose_broken": prose,
            "checked": (accounting or {}).get("checked"), "held": (accounting or {}).get("held"),
            "zh": "，".join(parts_zh), "en": "; ".join(parts_en)}


def doubtful_reading(data: ReportData, key: str) -> bool:
    """The cell's reading is in doubt (OCR below the confidence bar, or repaired) and no person
    has decided on it: a hint among candidates the arithmetic cannot tell apart."""
    if key in data.reviewed_cells():
        return False
    cell = data.cells.get(key)
    low = cell is not None and cell["source"] == "ocr" and (cell["confidence"] or 0) < LOW_CONFIDENCE
    return low or bool(data.record.get("cells", {}).get(key, {}).get("repair"))


def suggestion_json(data: ReportData, suggestion: rules.Suggestion) -> dict[str, Any]:
    zh, en = suggestion.describe()
    return {
        "certainty": suggestion.certainty,
        "value": format_value(suggestion.value) if suggestion.certainty == "determined" else "",
        "zh": zh, "en": en,
        "candidates": [{"key": f.key, "label": data.cell_label(f.key), "value": format_value(f.value),
                        "doubtful_reading": doubtful_reading(data, f.key)}
                       for f in suggestion.candidates],
    }


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
                "reviewer": decision["reviewer"], "at": decision["at"],
                "note": "" if decision["note"] == ACCEPT_NOTE else decision["note"],
                "changed": bool(cell and cell["corrected"])},
        }
    copies = copies_json(data)
    for item in (copies or {}).get("disagreements", ()):
        if item["key"] in cells and "copy-disagree" not in cells[item["key"]]["classes"]:
            cells[item["key"]]["classes"].append("copy-disagree")
    doubtful = []
    for key in doubtful_keys(data):
        statuses = data.rules_for(key)
        suggestion = suggestion_json(data, data.suggestion(key))
        doubtful.append({
            "key": key,
            "rules": [_status_json(s) for s in statuses],
            "findings": [i for i, f in enumerate(data.findings) if key in f.cells and f.severity != "info"],
            "expected": suggestion["value"],
            "suggestion": suggestion,
        })
    row = data.row
    rule_errors = [f for f in data.findings if f.severity == "error"]
    status = report_status(data, len(rule_errors))
    kind = row["kind"] or ""
    return {
        "report": {
            "sha256": row["sha256"], "first_page": row["first_page"], "last_page": row["last_page"],
            "agency": row["agency"] or "", "year": row["year"], "template": data.version, "kind": kind,
            "kind_words": kind_words(kind),
            "path": row["path"], "errors": row["errors"], "warnings": row["warnings"],
            "reviewed_by": row["reviewed_by"], "reviewed_at": row["reviewed_at"],
        },
        "source": source,
        "cells": cells,
        "findings": [
            {"rule": f.rule, "severity": f.severity, "severity_words": _bilingual(SEVERITY_WORDS[f.severity]),
             "message": f.message, "message_en": f.message_en,
             "cells": [k for k in f.cells if k in cells]}
            for f in data.findings
        ],
        "doubtful": doubtful,
        "rules_hold": status["state"] == "holds",
        "status": status,
        "corrections": [_audit_json(data, c) for c in data.corrections],
        "copies": copies,
    }


def _copy_json(copy: Copy) -> dict[str, Any]:
    return {"sha256": copy.sha256, "first_page": copy.first_page, "path": copy.path, "kind": copy.kind or "",
            "kind_words": kind_words(copy.kind), "canonical": copy.canonical, "match": copy.match,
            "match_words": _bilingual(MATCH_WORDS.get(copy.match, (copy.match, copy.match))),
            "url": f"/report/{copy.sha256}/{copy.first_page}"}


def _label(data: ReportData, key: str) -> str:
    try:
        return data.cell_label(key)
    except ValueError:  # not a key of the template's form: shown as stored
        return key


def copies_json(data: ReportData) -> Optional[dict[str, Any]]:
    """The report's other copies (source path, kind, link) and the values it and a copy
    disagree in, with both values and sources; None when the report has no copy."""
    group = data.copies
    if group is None:
        return None
    values = data.values()
    return {
        "count": group.count, "canonical": group.canonical,
        "match": group.match, "match_words": _bilingual(MATCH_WORDS.get(group.match, (group.match, group.match))),
        "match_zh": MATCH_WORDS.get(group.match, (group.match,))[0],
        "match_en": MATCH_WORDS.get(group.match, (group.match, group.match))[1],
        "others": [_copy_json(c) for c in group.others],
        "disagreements": [
            {"key": d.key, "label": _label(data, d.key),
             "here": format_value(d.value_here), "there": format_value(d.value_there),
             "source_here": d.source_here or "", "source_there": d.source_there or "",
             "confidence_here": d.confidence_here, "confidence_there": d.confidence_there,
             "confident": d.confident, "message": d.message, "message_en": d.message_en,
             # A decision here since the comparison: this report's value now (the comparison
             # itself is made again by `extract check`).
             "now": format_value(values.get(d.key)),
             "changed_since": format_value(values.get(d.key)) != format_value(d.value_here),
             "other": _copy_json(d.other), "other_url": f"/report/{d.other.sha256}/{d.other.first_page}#cell-{d.key}"}
            for d in group.disagreements],
    }


def _audit_json(data: ReportData, row: dict[str, Any]) -> dict[str, Any]:
    """One audit row for the page: the decision in words, never its stored JSON."""
    cell = data.cells.get(row["key"])
    old, new = _json_value(row["old_value"]), _json_value(row["new_value"])
    zh, en = audit_words(old, new, cell["read"] if cell else None, row["note"])
    note = "" if row["note"] == ACCEPT_NOTE else (row["note"] or "")
    return {"key": row["key"], "label": data.cell_label(row["key"]), "old": format_value(old),
            "new": format_value(new), "what_zh": zh, "what_en": en,
            "reviewer": row["reviewer"], "at": row["at"], "note": note}


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
        "unchecked": sum(s["state"] == "unchecked" for s in statuses),
        "errors": decision.errors, "warnings": decision.warnings,
    }


def cell_rules(data: ReportData, key: str) -> dict[str, Any]:
    """The rules involving one cell and what they say its value should be (any cell,
    doubtful or not)."""
    statuses = data.rules_for(key)
    suggestion = suggestion_json(data, data.suggestion(key))
    return {"key": key, "rules": [_status_json(s) for s in statuses],
            "expected": suggestion["value"], "suggestion": suggestion, "findings": []}

