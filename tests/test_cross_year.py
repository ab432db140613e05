"""`extract check`: one agency's consecutive years in a batch database.

The pair: r2021-labels-typos-01 (2021) and r2022-landscape-review-01 (2022) were generated
independently, yet the 2022 report's 上年结转 (15, 0, 0, 0, 0, 0, 15) equals the 2021
report's 结转下年度继续办理. Given one agency's name in two spellings they stand for two years
of one agency; a mismatch is planted by changing one value of the later record.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from exportlib import correct, derived_record, write_records

from extract.checks.cross_year import (
    CARRIED_RULE,
    IN_FORCE_RULE,
    YearReport,
    agency_groups,
    check_reports,
    same_agency,
)
from extract.cli import main

EARLIER, LATER = "r2021-labels-typos-01", "r2022-landscape-review-01"
AGENCY_LONG, AGENCY_SHORT = "江川市北塘区住房和城乡建设局", "北塘区住房和城乡建设局"
# 2022's 现行有效件数 of 行政规范性文件 that follows from 2021's 187 + 24 issued - 2 repealed.
IN_FORCE_2022 = 209


def _pair(later_values=None, later_agency=AGENCY_SHORT):
    earlier = derived_record(EARLIER, agency=AGENCY_LONG)
    later = derived_record(LATER, agency=later_agency,
                           values={"proactive.normative_documents.in_force": IN_FORCE_2022, **(later_values or {})})
    return earlier, later


def _cross_rows(db_path):
    with sqlite3.connect(db_path) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM cross_findings")]


def _check(db_path, *extra):
    proc = subprocess.run([sys.executable, "-m", "extract.cli", "check", str(db_path), *extra],
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr
    return proc


def test_consistent_pair_gives_nothing(tmp_path):
    earlier, later = _pair()
    db = write_records(tmp_path / "r.sqlite", [earlier, later])
    proc = _check(db, "--strict")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 pairs of consecutive years: 0 error, 0 warning" in proc.stdout
    assert _cross_rows(db) == []


def test_planted_carried_over_mismatch_names_both_reports(tmp_path):
    earlier, later = _pair({"applications.carried_over.natural_person": 17})
    db = write_records(tmp_path / "r.sqlite", [earlier, later])
    proc = _check(db)
    assert proc.returncode == 0  # findings are data; --strict makes them an exit code
    rows = _cross_rows(db)
    assert [(r["rule"], r["severity"]) for r in rows] == [(CARRIED_RULE, "error")]
    row = rows[0]
    assert (row["sha256_a"], row["first_page_a"]) == (earlier["source"]["sha256"], 1)
    assert (row["sha256_b"], row["first_page_b"]) == (later["source"]["sha256"], 1)
    assert json.loads(row["cells"]) == ["applications.carried_forward.natural_person",
                                        "applications.carried_over.natural_person"]
    assert "17" in row["message"] and "15" in row["message"]
    for record in (earlier, later):  # the message and the summary name both reports
        assert record["source"]["sha256"][:12] in row["message"]
        assert record["source"]["sha256"][:12] in proc.stdout
    assert _check(db, "--strict").returncode == 1

    # A reviewer corrects the misread value: the check uses the value in effect and
    # replaces its earlier findings.
    correct(db, later["source"]["sha256"], "applications.carried_over.natural_person", 17, 15)
    assert _check(db, "--strict").returncode == 0
    assert _cross_rows(db) == []


def test_in_force_moving_unlike_issued_and_repealed_is_a_warning(tmp_path):
    earlier, later = _pair({"proactive.normative_documents.in_force": 136})  # as generated
    db = write_records(tmp_path / "r.sqlite", [earlier, later])
    assert _check(db, "--strict").returncode == 0  # a warning never fails --strict
    rows = _cross_rows(db)
    assert [(r["rule"], r["severity"]) for r in rows] == [(IN_FORCE_RULE, "warning")]
    assert "209" in rows[0]["message"] and "136" in rows[0]["message"]
    assert json.loads(rows[0]["cells"])[0] == "proactive.normative_documents.in_force"


def test_different_districts_and_distant_years_are_not_paired(tmp_path):
    mismatch = {"applications.carried_over.natural_person": 17}
    earlier, other_district = _pair(mismatch, later_agency="南塘区住房和城乡建设局")
    two_years_on = derived_record(LATER, agency=AGENCY_SHORT, year=2023, values=mismatch, tag="2023")
    db = write_records(tmp_path / "r.sqlite", [earlier, other_district, two_years_on])
    proc = _check(db, "--strict")
    assert proc.returncode == 0 and "0 pairs" in proc.stdout
    assert _cross_rows(db) == []


def test_export_carries_the_cross_findings(tmp_path):
    pd = pytest.importorskip("pandas")
    earlier, later = _pair({"applications.carried_over.natural_person": 17})
    db = write_records(tmp_path / "r.sqlite", [earlier, later])
    _check(db)
    assert main(["export", str(db), "--format", "csv-wide", "-q"]) == 0
    wide = pd.read_csv(tmp_path / "r.wide.csv", dtype={"sha256": str}).set_index("sha256")
    assert wide.loc[[earlier["source"]["sha256"], later["source"]["sha256"]], "cross_errors"].tolist() == [1, 1]


@pytest.mark.parametrize("a, b, same", [
    ("淮安市洪泽区人民政府", "洪泽区人民政府", True),
    ("江苏省淮安市洪泽区人民政府", "洪泽区政府", True),
    ("淮安市洪泽区人民政府办公室", "洪泽区政府办公室", True),
    ("淮安市洪泽区　人民政府", "洪泽区人民政府", True),   # ideographic space
    ("徐州市沛县人民政府", "沛县人民政府", True),
    ("苏州市昆山市人民政府", "昆山市人民政府", True),
    ("淮安市洪泽区人民政府", "淮安市清江浦区人民政府", False),
    ("南京市鼓楼区人民政府", "徐州市鼓楼区人民政府", False),
    ("洪泽区人民政府", "洪泽县人民政府", False),
    ("淮安市洪泽区人民政府", "淮安市人民政府", False),
    ("淮安市人民政府", "人民政府", False),
    ("南岭市人民政府办公室", "南岭市人民政府", False),
    ("安平市住房和城乡建设局", "住房和城乡建设局", False),  # no place of its own: could be anyone's
])
def test_agency_names(a, b, same):
    assert same_agency(a, b) is same and same_agency(b, a) is same


def test_a_short_name_matching_two_agencies_stays_apart():
    groups = agency_groups(["鼓楼区人民政府", "南京市鼓楼区人民政府", "徐州市鼓楼区人民政府"])
    assert len(set(groups.values())) == 3
    groups = agency_groups(["洪泽区人民政府", "淮安市洪泽区人民政府", "江苏省淮安市洪泽区人民政府"])
    assert set(groups.values()) == {"江苏省淮安市洪泽区人民政府"}


def test_null_sides_are_not_checked():
    forward = {"applications.carried_forward.total": None, "applications.carried_forward.natural_person": 3}
    earlier = YearReport("a" * 64, 1, "洪泽区人民政府", 2021, forward)
    later = YearReport("b" * 64, 1, "洪泽区人民政府", 2022, {"applications.carried_over.total": 9,
                                                          "applications.carried_over.natural_person": 4})
    result = check_reports([earlier, later])
    assert [f.cells[1] for f in result.findings] == ["applications.carried_over.natural_person"]


def test_template_change_between_the_years(tmp_path):
    """2020 on the 2019 template, 2021 on the 2021 one: 上年结转 is checked (both templates
    print it); 现行有效件数 is not (the 2019 template has none)."""
    earlier = derived_record("r2020-split-withheld-repeat-01", agency="临江县人民政府办公室")
    forward = earlier["tables"]["applications"]["carried_forward"]
    carried = {f"applications.carried_over.{c}": v for c, v in forward.items()}
    carried["applications.carried_over.total"] = forward["total"] + 1
    later = derived_record("r2021-split-unable-norepeat-01", agency="江川市临江县政府办公室", values=carried)
    db = write_records(tmp_path / "r.sqlite", [earlier, later])
    assert _check(db, "--strict").returncode == 1
    assert [(r["rule"], json.loads(r["cells"])[1]) for r in _cross_rows(db)] == [
        (CARRIED_RULE, "applications.carried_over.total")]


def test_names_equal_once_normalised_are_one_agency():
    groups = agency_groups(["洪泽区政府", "洪泽区人民政府", "淮安市洪泽区人民政府", "淮安市清江浦区人民政府"])
    assert groups["洪泽区政府"] == groups["洪泽区人民政府"] == groups["淮安市洪泽区人民政府"]
    assert groups["淮安市清江浦区人民政府"] != groups["洪泽区人民政府"]
