"""`extract.load(db)`: a batch database as pandas DataFrames, each report counted once.

A batch over one agency's two years, the second year saved twice (a re-crawled page: other
bytes, same report), and a template report: the frames hold three reports by default and
four with copies; the cells carry the values in effect after a reviewer's correction, and
the research query of the README (申请总数 per agency and year) comes out once per year."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pd = pytest.importorskip("pandas")

import extract  # noqa: E402
from extract.batch.store import apply_correction, open_store  # noqa: E402
from pre2019lib import (  # noqa: E402
    YEAR_2012_CUMULATIVE, YEAR_2012_THIS, YEAR_2013_CUMULATIVE, YEAR_2013_THIS, report_html,
)

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
AGENCY = "云川市交通运输局"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("frames")
    report_html(folder / "2012.html", AGENCY, 2012, YEAR_2012_THIS, YEAR_2012_CUMULATIVE)
    second = report_html(folder / "2013.html", AGENCY, 2013, YEAR_2013_THIS, YEAR_2013_CUMULATIVE)
    (folder / "2013-recrawled.html").write_text(second.read_text(encoding="utf-8") + "<!-- crawled again -->",
                                                encoding="utf-8")
    template = SAMPLES / "r2019-basic-procurement-01.pdf"
    path = folder / "results.sqlite"
    proc = subprocess.run([sys.executable, "-m", "extract.cli", "batch", str(folder), str(template), "--db", str(path),
                           "--workers", "1"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return path


def test_each_report_once_and_copies_on_request(db):
    frames = extract.load(db)
    assert len(frames.reports) == 3
    assert frames.reports.groupby(["agency", "year"]).size().max() == 1
    assert frames.reports.loc[frames.reports["year"] == 2013, "n_copies"].tolist() == [2]
    everything = extract.load(db, with_copies=True)
    assert len(everything.reports) == 4
    assert everything.reports["canonical"].sum() == 3
    # Frames hold only the reports kept: no cell of the left-out copy.
    assert set(frames.cells["sha256"]) == set(frames.reports["sha256"])
    assert len(everything.cells) > len(frames.cells)


def test_the_research_query_and_values_in_effect(db):
    frames = extract.load(db)
    received = frames.indicators[(frames.indicators["key"] == "applications_received")
                                 & (frames.indicators["column_key"] == "this_year")]
    by_year = received.merge(frames.reports, on=["sha256", "first_page"]).set_index("year")["value_num"]
    assert by_year.to_dict() == {2012: YEAR_2012_THIS["applications_received"],
                                 2013: YEAR_2013_THIS["applications_received"]}
    assert all(isinstance(p, list) for p in received["path"])
    # A reviewer's correction is the value in effect in the frames.
    row = received[received["sha256"] == received["sha256"].iloc[0]].iloc[0]
    con = open_store(db)
    with con:
        apply_correction(con, row["sha256"], int(row["first_page"]), row["cell"], 999)
    con.close()
    after = extract.load(db).cells.set_index(["sha256", "key"]).loc[(row["sha256"], row["cell"])]
    assert after["value_num"] == 999 and bool(after["corrected"])


def test_findings_name_their_cells_as_lists(db):
    findings = extract.load(db).findings
    assert {"rule", "severity", "cells"} <= set(findings.columns)
    assert all(isinstance(c, list) for c in findings["cells"])
