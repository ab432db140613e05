"""`extract eval`'s comparison and failure classes: synthetic expected/output dicts for the
pure comparison, and one real sample with a tampered expected JSON end to end."""

import json
import subprocess
import sys
from pathlib import Path

from conftest import SAMPLES

from extract.evaluate import compare, format_results, results_json

PDF = Path("x.pdf")


def _expected(**tables):
    return {"report": {"agency": "甲", "year": 2022, "template": "2021"}, "tables": tables, "findings": []}


def _record(tables, findings=()):
    return {
        "report": {"agency": "甲", "year": 2022, "template": "2021"},
        "tables": {"template": "2021", **tables},
        "findings": [
            {"rule": rule, "severity": severity, "message": "", "message_en": message, "cells": list(cells)}
            for rule, severity, message, cells in findings
        ],
    }


def _finding(rule, severity="error", message="", cells=()):
    return (rule, severity, message, cells)


APPS = {"granted": {"natural_person": 5, "total": 7}, "rejected": {"natural_person": None, "total": 2}}


def test_exact_match_has_no_failures():
    r = compare(PDF, _expected(applications=APPS), _record({"applications": APPS}))
    assert r.perfect
    assert r.classes == dict.fromkeys(r.classes, 0)
    assert sum(r.cells.values()) == sum(r.correct.values()) == 4


def test_wrong_and_null_versus_value_both_directions():
    got = {"granted": {"natural_person": 6, "total": None}, "rejected": {"natural_person": 3, "total": 2}}
    r = compare(PDF, _expected(applications=APPS), _record({"applications": got}))
    assert r.classes["wrong_values"] == 1
    assert r.classes["null_vs_value"] == 2
    assert sum(r.correct.values()) == 1 and not r.perfect
    text = format_results([r], verbose=True)
    assert "applications.granted.natural_person: expected 5, got 6" in text
    assert "applications.granted.total: null, printed 7" in text
    assert "applications.rejected.natural_person: got 3, expected null" in text
    assert "(wrong 1, null-vs-value 2)" in text
    assert "failure classes: tables missing 0, rows unmatched 0, values unplaced 0, wrong 1, null-vs-value 2" in text


def test_numeric_type_difference_is_a_wrong_value():
    got = {"granted": {"natural_person": 5.0, "total": 7}, "rejected": {"natural_person": None, "total": 2}}
    r = compare(PDF, _expected(applications=APPS), _record({"applications": got}))
    assert r.classes["wrong_values"] == 1


def test_key_only_in_output_counts_as_expected_null():
    got = {**APPS, "other": {"natural_person": None, "total": None}}
    r = compare(PDF, _expected(applications=APPS), _record({"applications": got}))
    assert r.perfect and sum(r.cells.values()) == 4  # a null there is right and not counted
    got = {**APPS, "other": {"natural_person": 4, "total": None}}
    r = compare(PDF, _expected(applications=APPS), _record({"applications": got}))
    assert r.classes["null_vs_value"] == 1 and r.classes["wrong_values"] == 0
    assert "applications.other.natural_person: got 4, expected null" in format_results([r], verbose=True)


def test_key_only_in_expected_counts_as_got_null():
    got = {"granted": {"natural_person": 5, "total": 7}, "rejected": {"total": 2}}  # rejected.natural_person absent
    r = compare(PDF, _expected(applications=APPS), _record({"applications": got}))
    assert r.perfect  # expected null, key absent: same thing
    got = {"rejected": {"natural_person": None, "total": 2}}  # the granted row absent
    r = compare(PDF, _expected(applications=APPS), _record({"applications": got}))
    assert r.classes["null_vs_value"] == 2
    assert "applications.granted.total: absent from output, printed 7" in format_results([r], verbose=True)


def test_table_absent_from_output_or_expected_does_not_crash():
    r = compare(PDF, _expected(applications=APPS), _record({}, [_finding("table.missing", message="table not found: applications")]))
    assert r.classes["tables_missing"] == 1 and r.classes["null_vs_value"] == 3
    # a table the expected JSON does not list is not compared
    r = compare(PDF, _expected(applications=APPS), _record({"applications": APPS, "proactive": {"x": {"y": 1}}}))
    assert r.perfect


def test_table_missing_counts_only_tables_with_expected_values():
    findings = [
        _finding("table.missing", message="table not found: proactive"),
        _finding("table.unread", message="the review_litigation table was found but none of its cells could be read"),
    ]
    expected = _expected(
        applications=APPS, proactive={"rules": {"made": 1}}, review_litigation={"review": {"total": None}}
    )
    r = compare(PDF, expected, _record({"applications": APPS}, findings))
    assert r.tables_missing == ["proactive"]
    assert r.classes["tables_missing"] == 1


def test_unmatched_rows_and_unplaced_values_any_severity():
    findings = [
        _finding("applications.unmatched_row", "error", "a row of the section 三 table matches no template row: X"),
        _finding("proactive.unmatched_row", "warning", "a row of 二 matches no template row: Y"),
        _finding("table.unplaced_value", "warning", "printed 12 placed nowhere"),
        _finding("table.unplaced_value", "info", "printed 13 placed nowhere"),
        _finding("cell.missing", "warning", "not a class"),
    ]
    r = compare(PDF, _expected(applications=APPS), _record({"applications": APPS}, findings))
    assert r.classes == {
        "tables_missing": 0, "rows_unmatched": 2, "values_unplaced": 2, "wrong_values": 0, "null_vs_value": 0,
    }
    line = format_results([r]).splitlines()[0]
    assert "(rows unmatched 2, values unplaced 2)" in line
    assert "wrong" not in line  # only the non-zero classes on the file's line
    summary = results_json([r, r])
    assert summary["totals"]["classes"]["rows_unmatched"] == 4
    assert summary["files"][0]["classes"]["values_unplaced"] == 2


def test_eval_end_to_end_on_a_tampered_expected(tmp_path):
    name = "r2022-error-leaf-01"
    expected = json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    cells = expected["tables"]["applications"]
    changed, nulled = cells["new_received"], cells["granted"]
    assert isinstance(changed["total"], int) and isinstance(nulled["enterprise"], int)
    changed["total"] += 1
    nulled["enterprise"] = None
    (tmp_path / f"{name}.expected.json").write_text(json.dumps(expected, ensure_ascii=False), encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"  # beside the tampered JSON (an expected JSON beside the PDF wins)
    pdf.write_bytes((SAMPLES / f"{name}.pdf").read_bytes())

    proc = subprocess.run(
        [sys.executable, "-m", "extract.cli", "eval", str(pdf), "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["totals"]["classes"] == {
        "tables_missing": 0, "rows_unmatched": 0, "values_unplaced": 0, "wrong_values": 1, "null_vs_value": 1,
    }
    mismatches = {m["cell"]: m["kind"] for m in summary["files"][0]["mismatches"]}
    assert mismatches == {"applications.new_received.total": "wrong", "applications.granted.enterprise": "null_expected"}

    proc = subprocess.run(
        [sys.executable, "-m", "extract.cli", "eval", str(pdf), "-v"],
        capture_output=True, text=True, timeout=120,
    )
    assert "(wrong 1, null-vs-value 1)" in proc.stdout
    assert "applications.granted.enterprise: got " in proc.stdout and ", expected null" in proc.stdout
