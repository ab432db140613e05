"""Research-ready exports (issue 18): the findings table's `table`, `cause` and `suspect_cell`;
per-cell flags; findings, sections and prose figures in every tabular format with the same
columns and types; the XLSX colouring only the cells a finding singles out, and its legend.

One database: a digital report whose own arithmetic is wrong (the publication's error), a
second copy of it, and a scan-like reading of a report printing blanks (无, —; its cells OCR'd,
one blank read with low confidence, one digit misread with low confidence: a possible
misreading that names the cell)."""

from __future__ import annotations

import csv
import shutil
import sqlite3

import pytest
from exportlib import derived_record, sample_record, write_records

from extract.batch.store import SCHEMA_VERSION, open_store
from extract.checks.revalidate import revalidate_stored
from extract.cli import main
from extract.export.stored import CELL_FLAG_NAMES
from extract.export.tables import CELLS, COMPANIONS, csv_dtypes

ERROR_LEAF = "r2022-error-leaf-01"    # 2021 template; granted.natural_person printed 1 too many
BLANKS = "r2023-nulls-dash-01"        # 2021 template; many cells printed "无" or "—"
PLANTED = "applications.granted.natural_person"
LOW_BLANK = "proactive.regulations.issued"  # printed "无", in no equation


def _scan_of_slash() -> tuple[dict, str]:
    """The blanks report as a scan would give it: every cell OCR'd (confident), one blank read
    with low confidence (and its warning), one number misread by 10 with low confidence.
    Returns the record and the misread cell's key."""
    record = derived_record(BLANKS, tag="scan")
    record["source"]["kind"] = "scanned"
    for cell in record["cells"].values():
        cell["source"], cell["confidence"] = "ocr", 0.97
    record["cells"][LOW_BLANK]["confidence"] = 0.55
    record["findings"].append({"rule": "cell.low_confidence", "severity": "warning", "cells": [LOW_BLANK],
                               "message": f"{LOW_BLANK} 识别置信度低（0.55），读作“无”，请核对原件",
                               "message_en": f"{LOW_BLANK} was recognised with low confidence (0.55) as “无”"})
    # a text layer's stray control character and a section longer than an Excel cell holds
    record["sections"][-1]["text"] += "\x01" + "报" * 33000
    apps = record["tables"]["applications"]
    row = next(r for r, cols in apps.items() if r not in ("new_received", "carried_over", "total_handled", "carried_forward")
               and all(isinstance(v, int) for v in cols.values()) and cols["total"] > 0)
    misread = f"applications.{row}.natural_person"
    apps[row]["natural_person"] += 10
    cell = record["cells"][misread]
    cell["value"] += 10
    cell["text"], cell["confidence"] = str(cell["value"]), 0.62
    return record, misread


@pytest.fixture(scope="module")
def research(tmp_path_factory):
    folder = tmp_path_factory.mktemp("research")
    db = folder / "results.sqlite"
    leaf = sample_record(ERROR_LEAF)
    copy = derived_record(ERROR_LEAF, tag="copy")
    scan, misread = _scan_of_slash()
    write_records(db, [leaf, copy, scan])
    store = open_store(db)
    with store:  # the findings of the scan's values, as a re-validation decides them
        revalidate_stored(store, scan["source"]["sha256"], 1)
    canonical = store.execute("SELECT sha256 FROM copies WHERE canonical = 1 AND n_copies = 2").fetchone()[0]
    store.close()
    if canonical == copy["source"]["sha256"]:  # "leaf": the copy that counts
        leaf, copy = copy, leaf
    outs = {}
    for fmt, name in (("csv", "x.csv"), ("csv-wide", "x.wide.csv"), ("parquet", "x.parquet"), ("xlsx", "x.xlsx")):
        outs[fmt] = folder / name
        assert main(["export", str(db), "--format", fmt, "--out", str(outs[fmt]), "-q"]) == 0
    return {"db": db, "folder": folder, "leaf": leaf, "copy": copy, "scan": scan, "misread": misread, "out": outs}


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _db_findings(db, sha):
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("SELECT * FROM findings WHERE sha256 = ? ORDER BY rowid", (sha,))]
    finally:
        con.close()


def test_the_findings_table_says_which_table_and_whose_error(research):
    leaf = _db_findings(research["db"], research["leaf"]["source"]["sha256"])
    broken = [f for f in leaf if f["severity"] == "error"]
    assert {f["rule"] for f in broken} == {"applications.row_total", "applications.column_total"}
    assert {(f["table_name"], f["cause"], f["suspect_cell"]) for f in broken} == {
        ("applications", "publication", PLANTED)}
    scan = _db_findings(research["db"], research["scan"]["source"]["sha256"])
    broken = [f for f in scan if f["severity"] == "error"]
    assert broken and {(f["table_name"], f["cause"], f["suspect_cell"]) for f in broken} == {
        ("applications", "reading", research["misread"])}
    reading = [f for f in scan if f["rule"] == "cell.low_confidence"]
    assert [(f["table_name"], f["cause"]) for f in reading] == [("proactive", None)]
    # the unchecked notes of the blank rows belong to their table too
    assert {f["table_name"] for f in scan if f["severity"] == "info" and f["rule"].startswith("applications.")} == \
        {"applications"}


def test_a_schema_4_database_gets_the_columns_in_place(research, tmp_path):
    db = tmp_path / "old.sqlite"
    shutil.copy(research["db"], db)
    with sqlite3.connect(db) as con:  # what the previous release wrote
        con.executescript("ALTER TABLE findings DROP COLUMN table_name; ALTER TABLE findings DROP COLUMN cause;"
                          " ALTER TABLE findings DROP COLUMN suspect_cell;"
                          " UPDATE meta SET value = '4' WHERE key = 'schema_version';")
    open_store(db).close()  # opened for writing: upgraded
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    sha = research["leaf"]["source"]["sha256"]
    assert _db_findings(db, sha) == _db_findings(research["db"], sha)
    # the scan's rows are filled from its record (the fixture's re-validation is not a review)
    scan = research["scan"]
    assert [(f["rule"], f["table_name"], f["cause"]) for f in _db_findings(db, scan["source"]["sha256"])] == [
        (f["rule"], "proactive" if f["rule"] == "cell.low_confidence" else f["rule"].split(".")[0], f.get("cause"))
        for f in scan["findings"]]


def test_every_tabular_export_has_the_same_columns_and_types(research):
    pd = pytest.importorskip("pandas")
    pq = pytest.importorskip("pyarrow.parquet")
    openpyxl = pytest.importorskip("openpyxl")
    folder = research["folder"]
    arrow_kinds = {"string": "str", "int64": "int", "double": "float", "bool": "bool", "list<element: string>": "list"}
    wb = openpyxl.load_workbook(research["out"]["xlsx"], read_only=True)
    for table in (CELLS, *COMPANIONS):
        infix = "" if table is CELLS else f".{table.name}"
        parquet = pq.read_table(folder / f"x{infix}.parquet")
        declared = {c.name: c.kind for c in table.columns}
        assert {f.name: arrow_kinds[str(f.type)] for f in parquet.schema} == declared, table.name
        for path in (folder / f"x{infix}.csv", folder / f"x.wide{infix}.csv") if infix else (folder / "x.csv",):
            frame = pd.read_csv(path, encoding="utf-8-sig", dtype=csv_dtypes(table.name))
            assert list(frame.columns) == list(table.column_names), path.name
            from_parquet = parquet.to_pandas(types_mapper=pd.ArrowDtype)
            assert len(frame) == len(from_parquet) > 0, path.name
            # the same values, typed alike (lists are joined text in CSV)
            for name, kind in declared.items():
                if kind == "list":
                    continue
                # CSV cannot tell an empty text from a null: both read back as null
                left = [None if pd.isna(v) else v for v in frame[name]]
                right = [None if pd.isna(v) or v == "" else v for v in from_parquet[name]]
                assert left == right, (table.name, name)
        if table is not CELLS:
            header = next(wb[table.sheet].iter_rows(max_row=1, values_only=True))
            assert list(header) == list(table.column_names)
            assert wb[table.sheet].max_row - 1 == parquet.num_rows
            # the sheet's cells are typed as the columns are ("2021" stays text)
            python_types = {"str": (str,), "list": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}
            for row in wb[table.sheet].iter_rows(min_row=2, values_only=True):
                for column, value in zip(table.columns, row):
                    assert value is None or isinstance(value, python_types[column.kind]), (table.name, column.name)
    # template is the record's string everywhere, also where every row is "2021"
    cells = pd.read_csv(folder / "x.csv", encoding="utf-8-sig", dtype=csv_dtypes())
    assert set(cells["template"]) == {"2021"}
    assert set(pq.read_table(folder / "x.parquet").column("template").to_pylist()) == {"2021"}
    assert {"kind", "errors", "warnings", "flags", "copy_of"} <= set(cells.columns)
    assert set(cells["kind"]) == {"digital", "scanned"}


def test_cells_carry_their_flags(research):
    misread, scan = research["misread"], research["scan"]["source"]["sha256"]
    leaf = research["leaf"]["source"]["sha256"]
    rows = {(r["sha256"], r["key"]): r for r in _rows(research["out"]["csv"])}
    assert rows[(scan, misread)]["flags"] == "error suspect low_confidence"
    assert rows[(scan, LOW_BLANK)]["flags"] == "warning low_confidence blank"
    assert rows[(scan, "applications.new_received.total")]["flags"] == ""  # read plainly
    assert rows[(leaf, PLANTED)]["flags"] == "error suspect"
    assert rows[(leaf, "applications.granted.total")]["flags"] == "error"
    assert rows[(leaf, "applications.other.total")]["flags"] == "not_printed"  # the other （六） layout
    for row in rows.values():
        assert set(row["flags"].split()) <= set(CELL_FLAG_NAMES)
    wide = {r["sha256"]: r for r in _rows(research["out"]["csv-wide"])}
    assert wide[scan][misread + "__flags"] == "error suspect low_confidence"
    assert wide[scan][LOW_BLANK + "__flags"] == "warning low_confidence blank" and wide[scan][LOW_BLANK] == ""
    assert wide[leaf]["rules_broken"] == "2" and wide[leaf]["n_copies"] == "2"


def test_findings_sections_and_figures_are_exported(research):
    findings = _rows(research["folder"] / "x.findings.csv")
    scan = research["scan"]
    mine = [f for f in findings if f["sha256"] == scan["source"]["sha256"] and f["severity"] == "error"]
    assert mine and {(f["table"], f["cause"], f["suspect_cell"]) for f in mine} == {
        ("applications", "reading", research["misread"])}
    assert all(research["misread"] in f["cells"].split() for f in mine)
    sections = _rows(research["folder"] / "x.sections.csv")
    figures = _rows(research["folder"] / "x.prose_figures.csv")
    for record in (research["leaf"], scan):
        sha = record["source"]["sha256"]
        assert [s["heading"] for s in sections if s["sha256"] == sha] == [s["heading"] for s in record["sections"]]
        assert [f["text"] for f in figures if f["sha256"] == sha] == [f["text"] for f in record["prose_figures"]]


def test_copies_are_marked_when_included(research, tmp_path):
    leaf, copy = research["leaf"]["source"]["sha256"], research["copy"]["source"]["sha256"]
    assert main(["export", str(research["db"]), "--format", "csv", "--out", str(tmp_path / "c.csv"), "-q",
                 "--with-copies"]) == 0
    marked = {r["sha256"]: r["copy_of"] for r in _rows(tmp_path / "c.csv")}
    assert sorted([marked[leaf], marked[copy]]) == sorted(["", leaf if marked[copy] else copy])
    default = {r["sha256"] for r in _rows(research["out"]["csv"])}
    assert len(default & {leaf, copy}) == 1 and all(not r["copy_of"] for r in _rows(research["out"]["csv"]))


def test_xlsx_colours_only_the_cells_a_finding_singles_out(research):
    openpyxl = pytest.importorskip("openpyxl")
    from extract.export.stored import load_reports
    from extract.export.xlsx import ERROR_FILL, INDEX_SHEET, LEGEND_SHEET, find_value_cell

    wb = openpyxl.load_workbook(research["out"]["xlsx"])
    index = wb[INDEX_SHEET]
    header = [c.value for c in index[1]]
    sheets = {r[header.index("sha256")].value: r[header.index("sheet")].value for r in index.iter_rows(min_row=2)}
    reports = {r.sha256: r for r in load_reports(research["db"])}

    def place(record, key):
        sha = record["source"]["sha256"]
        return find_value_cell(wb[sheets[sha]], key, reports[sha])

    def cell(record, key):
        return wb[sheets[record["source"]["sha256"]]].cell(*place(record, key))

    def painted(c):
        return c.fill.fill_type is not None

    scan, misread = research["scan"], research["misread"]
    assert cell(scan, misread).fill.start_color.rgb.endswith(ERROR_FILL)
    row_total = cell(scan, misread.rsplit(".", 1)[0] + ".total")
    assert not painted(row_total) and "involved in [error] applications.row_total" in row_total.comment.text
    blank = cell(scan, LOW_BLANK)
    assert blank.value == "无" and not painted(blank) and "cell.low_confidence" in blank.comment.text
    # the digital report: of all the cells its two broken rules name (a row and a column), only
    # the planted one is red
    leaf = research["leaf"]
    named = {k for f in leaf["findings"] if f["severity"] == "error" for k in f["cells"]}
    assert len(named) > 10
    assert [k for k in sorted(named) if place(leaf, k) and painted(cell(leaf, k))] == [PLANTED]
    assert cell(leaf, PLANTED).fill.start_color.rgb.endswith(ERROR_FILL)
    legend = [r[0] for r in wb[LEGEND_SHEET].iter_rows(values_only=True)]
    assert set(CELL_FLAG_NAMES) <= set(legend) and "cause" in legend
    # the long section: cut to what a cell holds, saying so; whole in the CSV
    sheet = wb["章节 sections"]
    header = [c.value for c in sheet[1]]
    texts = [r[header.index("text")] for r in sheet.iter_rows(min_row=2, values_only=True)
             if r[header.index("sha256")] == scan["source"]["sha256"]]
    assert len(texts[-1]) == 32767 and "\ufffd" in texts[-1] and texts[-1].endswith("whole in the CSV, Parquet and JSONL exports]")
    whole = [r["text"] for r in _rows(research["folder"] / "x.sections.csv") if r["sha256"] == scan["source"]["sha256"]]
    assert whole[-1] == scan["sections"][-1]["text"]


def test_extract_load_finds_the_agencies_own_errors(research):
    pytest.importorskip("pandas")
    import extract

    frames = extract.load(research["db"])
    own = frames.findings.query("cause == 'publication'")
    assert set(own["sha256"]) == {research["leaf"]["source"]["sha256"]}  # the copy counts once
    assert set(zip(own["table_name"], own["suspect_cell"])) == {("applications", PLANTED)}
    assert set(frames.findings.query("cause == 'reading'")["suspect_cell"]) == {research["misread"]}
