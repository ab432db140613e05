"""`extract compare --changed`, reports named by an agency fragment or a sha256 prefix, and
the findings of `compare` and `check` in Chinese and English (issue 18). Records of digital
samples stored in a database: no OCR, a few seconds."""

from __future__ import annotations

import subprocess
import sys

import pytest
from exportlib import derived_record, write_records

EARLIER, LATER = "r2021-labels-typos-01", "r2022-landscape-review-01"


def _run(*args):
    proc = subprocess.run([sys.executable, "-m", "extract.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=180)
    assert "Traceback" not in proc.stderr
    return proc


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    earlier = derived_record(EARLIER, agency="江川市北塘区住房和城乡建设局")
    # 17 where 2021 carried 15 forward: a cross-year error
    later = derived_record(LATER, agency="北塘区住房和城乡建设局", values={"applications.carried_over.natural_person": 17})
    other = derived_record(LATER, tag="south", agency="江川市南塘区住房和城乡建设局")
    path = write_records(tmp_path_factory.mktemp("conv") / "r.sqlite", [earlier, later, other])
    return {"db": path, "later_sha": later["source"]["sha256"], "other_sha": other["source"]["sha256"]}


def _body(stdout):
    """The table rows of plain output: key -> the line."""
    return {line.split()[0]: line for line in stdout.splitlines()
            if line and "." in line.split()[0] and not line.startswith((" ", "note", "cross-year", "A:", "B:"))}


def test_changed_prints_only_rows_that_differ(db):
    full = _run("compare", "北塘:2021", db["later_sha"][:8], "--db", db["db"])
    changed = _run("compare", "北塘:2021", db["later_sha"][:8], "--db", db["db"], "--changed")
    assert full.returncode == changed.returncode == 0, changed.stderr
    every, some = _body(full.stdout), _body(changed.stdout)
    assert "applications.new_received.total" in some  # 238 -> 173
    assert "applications.carried_over.natural_person" in some  # 24 -> 17, and named by the error
    unchanged = [k for k, line in every.items() if " +0 " in line and "cross_year" not in line]
    assert unchanged and not set(unchanged) & set(some)
    assert "proactive.regulations.issued" in unchanged  # 0 in both
    assert len(some) < len(every) / 2
    assert "[error] cross_year.carried_over" in changed.stdout  # the findings are all there
    assert f"--changed: {len(every) - len(some)} of {len(every)} rows with equal values not shown" in changed.stdout
    assert "--changed" in _run("compare", "--help").stdout


def test_changed_filters_the_csv_too(db, tmp_path):
    out = tmp_path / "c.csv"
    _run("compare", "北塘:2021", "北塘:2022", "--db", db["db"], "--changed", "--csv", out)
    keys = {line.split(",")[0] for line in out.read_text(encoding="utf-8-sig").splitlines()[1:]}
    assert "applications.new_received.total" in keys and "proactive.regulations.issued" not in keys
    assert "report.agency" in keys


def test_an_agency_fragment_and_a_sha_prefix_select_reports(db, tmp_path):
    out = tmp_path / "c.csv"
    # a fragment naming one agency, written in both of its spellings' years; a sha256 prefix
    proc = _run("compare", "北塘区住房:2021", db["other_sha"][:7], "--db", db["db"], "--csv", out)
    assert proc.returncode == 0, proc.stderr
    rows = {line.split(",")[0]: line.split(",") for line in out.read_text(encoding="utf-8-sig").splitlines()}
    assert rows["report.agency"][2:4] == ["江川市北塘区住房和城乡建设局", "江川市南塘区住房和城乡建设局"]
    # the fragment covers 北塘区… and 江川市北塘区… (one agency for `check`): 2022 is found
    assert _run("compare", "北塘:2021", "北塘:2022", "--db", db["db"], "--strict").returncode == 1
    assert _run("compare", "南塘:2022", "北塘:2022", "--db", db["db"]).returncode == 0


def test_an_ambiguous_fragment_is_one_line_naming_the_agencies(db):
    proc = _run("compare", "住房:2021", db["later_sha"][:8], "--db", db["db"])
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and proc.stderr.startswith("extract: ")
    assert "江川市北塘区住房和城乡建设局" in proc.stderr and "江川市南塘区住房和城乡建设局" in proc.stderr
    assert "2 agencies" in proc.stderr
    for ref in ("西塘:2021", "北塘:2019", "ffffff"):  # no agency, no such year, no such sha
        proc = _run("compare", ref, db["later_sha"][:8], "--db", db["db"])
        assert proc.returncode == 2 and "no report of the database matches" in proc.stderr, ref


def test_compare_and_check_print_both_languages(db):
    for proc in (_run("compare", "北塘:2021", "北塘:2022", "--db", db["db"]), _run("check", db["db"])):
        lines = proc.stdout.splitlines()
        i = next(i for i, x in enumerate(lines) if x.startswith("  [error] cross_year.carried_over: "))
        assert "应等于" in lines[i]  # Chinese, then the English under it
        assert lines[i + 1].startswith("   ") and "carried_forward of 2021 is 15" in lines[i + 1]
    zh = _run("check", db["db"], "--lang", "zh").stdout
    en = _run("compare", "北塘:2021", "北塘:2022", "--db", db["db"], "--lang", "en").stdout
    assert "应等于" in zh and "carried_forward of 2021" not in zh
    assert "carried_forward of 2021 is 15" in en and "应等于" not in en
