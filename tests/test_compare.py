"""`extract compare A B`: two sample files extracted on the fly, and two reports of a database."""

from __future__ import annotations

import csv
import subprocess
import sys

from conftest import SAMPLES
from exportlib import correct, derived_record, sample_record, write_records

from extract.checks.cross_year import CARRIED_RULE, IN_FORCE_RULE
from extract.export.stored import record_values

EARLIER, LATER = "r2021-labels-typos-01", "r2022-landscape-review-01"


def _compare(*args):
    proc = subprocess.run([sys.executable, "-m", "extract.cli", "compare", *map(str, args)],
                          capture_output=True, text=True, timeout=180)
    assert "Traceback" not in proc.stderr
    return proc


def _csv_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {row["key"]: row for row in csv.DictReader(f)}


def test_two_files_side_by_side(tmp_path):
    out = tmp_path / "cmp.csv"
    proc = _compare(SAMPLES / f"{EARLIER}.pdf", SAMPLES / f"{LATER}.pdf", "--csv", out, "--strict")
    assert proc.returncode == 0, proc.stderr  # carried over matches: no cross-year error
    rows = _csv_rows(out)
    a, b = record_values(sample_record(EARLIER)), record_values(sample_record(LATER))
    printed = {k for k in (*a, *b) if a.get(k) is not None or b.get(k) is not None}
    assert {k for k in rows if not k.startswith("report.")} == printed  # every number of both
    for key in printed:
        row = rows[key]
        assert (row["a"], row["b"]) == tuple("" if v is None else f"{v:g}" if isinstance(v, float) else str(v)
                                              for v in (a.get(key), b.get(key))), key
        if isinstance(a.get(key), int) and isinstance(b.get(key), int):
            assert float(row["change"]) == b[key] - a[key]
    assert (rows["report.year"]["a"], rows["report.year"]["b"]) == ("2021", "2022")
    assert rows["applications.carried_over.total"]["cross_year"] == ""
    assert IN_FORCE_RULE in rows["proactive.normative_documents.in_force"]["cross_year"]  # 187 + 24 - 2 != 136
    # the terminal shows the same numbers (plain: stdout is not a terminal here)
    assert "applications.new_received.total" in proc.stdout and "the agencies differ" in proc.stdout
    line = next(x for x in proc.stdout.splitlines() if x.startswith("applications.new_received.total "))
    assert line.split()[1:4] == [str(a["applications.new_received.total"]), str(b["applications.new_received.total"]),
                                 f"{b['applications.new_received.total'] - a['applications.new_received.total']:+d}"]


def test_two_reports_of_a_database(tmp_path):
    earlier = derived_record(EARLIER, agency="江川市北塘区住房和城乡建设局")
    later = derived_record(LATER, agency="北塘区住房和城乡建设局", values={"applications.carried_over.natural_person": 17})
    db = write_records(tmp_path / "r.sqlite", [earlier, later])
    out = tmp_path / "cmp.csv"
    # by agency (spelled otherwise) and year, and by sha256 prefix
    proc = _compare("北塘区住房和城乡建设局:2021", later["source"]["sha256"][:10], "--db", db, "--csv", out, "--strict")
    assert proc.returncode == 1, proc.stderr
    rows = _csv_rows(out)
    assert rows["report.agency"]["a"] == "江川市北塘区住房和城乡建设局"
    assert (rows["applications.carried_over.natural_person"]["b"], rows["applications.carried_forward.natural_person"]["a"]) == ("17", "15")
    assert CARRIED_RULE in rows["applications.carried_over.natural_person"]["cross_year"]
    assert "[error] cross_year.carried_over" in proc.stdout

    correct(db, later["source"]["sha256"], "applications.carried_over.natural_person", 17, 15)
    assert _compare("北塘区住房和城乡建设局:2021", "北塘区住房和城乡建设局:2022", "--db", db, "--strict").returncode == 0
    assert _compare("北塘区住房和城乡建设局:2021", "北塘区住房和城乡建设局:2022", "--db", db, "--strict",
                    "--original").returncode == 1


def test_names_matching_no_report_or_several_are_one_line(tmp_path):
    twin = derived_record(LATER, tag="twin")
    # Two districts of one name in two cities: a bare 鼓楼区… names both (copies of one report
    # are no longer "several": the canonical copy is taken, tests/test_copies.py).
    south = derived_record(LATER, tag="south", agency="南京市鼓楼区人民政府")
    north = derived_record(LATER, tag="north", agency="徐州市鼓楼区人民政府")
    db = write_records(tmp_path / "r.sqlite", [sample_record(LATER), twin, south, north])
    for a in ("鼓楼区人民政府:2022", "淮安市人民政府:2022", "2022"):
        proc = _compare(a, twin["source"]["sha256"][:8], "--db", db)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and proc.stderr.startswith("extract: "), proc.stderr
    assert "2 reports match" in _compare("鼓楼区人民政府:2022", "x:1", "--db", db).stderr
    assert _compare(SAMPLES / "missing.pdf", SAMPLES / f"{LATER}.pdf").returncode == 3
