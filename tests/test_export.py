"""`extract export`: CSV (long and wide), JSONL and Parquet read back by the tools analysts use,
with corrections in effect or ignored (--original)."""

from __future__ import annotations

import copy
import csv
import json
import subprocess
import sys

import pytest
from conftest import SAMPLES
from exportlib import correct, sample_record, write_records

from extract.cli import main
from extract.export.csv_wide import REPORT_COLUMNS
from extract.export.labels import union_keys
from extract.export.long_form import LONG_COLUMN_NAMES
from extract.records import Report
from extract.template import all_cell_keys

ERROR_LEAF = "r2022-error-leaf-01"      # 2021 template; granted.natural_person printed 1 too many
PROCUREMENT = "r2019-basic-procurement-01"  # 2019 template; a unit-bearing amount ("…元")
WRONG = "applications.granted.natural_person"


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A database of two reports, one corrected by a reviewer."""
    path = tmp_path_factory.mktemp("export") / "results.sqlite"
    leaf, procurement = sample_record(ERROR_LEAF), sample_record(PROCUREMENT)
    write_records(path, [leaf, procurement])
    printed = leaf["tables"]["applications"]["granted"]["natural_person"]
    correct(path, leaf["source"]["sha256"], WRONG, printed, printed - 1)
    return path, leaf, procurement, printed


def _export(db, fmt, out, *extra):
    code = main(["export", str(db), "--format", fmt, "--out", str(out), "-q", *extra])
    assert code == 0
    return out


def _long_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_long_has_every_key_of_every_record(batch, tmp_path):
    db, leaf, procurement, printed = batch
    out = _export(db, "csv", tmp_path / "x.csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = _long_rows(out)
    assert tuple(rows[0]) == LONG_COLUMN_NAMES
    by_report = {}
    for row in rows:
        by_report.setdefault(row["sha256"], {})[row["key"]] = row
    for record in (leaf, procurement):
        cells = by_report[record["source"]["sha256"]]
        assert set(cells) == set(all_cell_keys(record["tables"]["template"]))
        for key, row in cells.items():
            table, r, c = key.split(".")
            value = record["tables"][table][r][c]
            if key == WRONG and record is leaf:
                continue
            shown = row["value"] if not isinstance(value, str) else row["value_text"]
            assert shown == ("" if value is None else str(value)), key
            assert row["corrected"] == "0" and row["agency"] == record["report"]["agency"]
            prov = record["cells"].get(key)
            assert row["page"] == (str(prov["page"]) if prov else "")  # never printed: no provenance
    fixed = by_report[leaf["source"]["sha256"]][WRONG]
    assert (fixed["value"], fixed["original_value"], fixed["corrected"], fixed["flagged"]) == (
        str(printed - 1), str(printed), "1", "1")
    assert fixed["printed"] == str(printed)  # what the page shows stays as read
    # a 2021 report that printed （六） as three sub-rows: the single-row layout is there, empty
    never = by_report[leaf["source"]["sha256"]]["applications.other.total"]
    assert never["value"] == never["printed"] == never["page"] == ""
    amount = by_report[procurement["source"]["sha256"]]["proactive.procurement.amount"]
    assert amount["value"] == "" and amount["value_text"].endswith("元")


def test_csv_long_in_pandas(batch, tmp_path):
    pd = pytest.importorskip("pandas")
    db, leaf, procurement, printed = batch
    frame = pd.read_csv(_export(db, "csv", tmp_path / "x.csv"), dtype={"sha256": str})
    assert list(frame.columns) == list(LONG_COLUMN_NAMES)  # the BOM does not stick to the first name
    assert frame["value"].dtype.kind == "f"  # numbers stay numbers (unit-bearing amounts are in value_text)
    total = frame.query("key == 'applications.new_received.total'").set_index("agency")["value"]
    assert total[leaf["report"]["agency"]] == leaf["tables"]["applications"]["new_received"]["total"]
    assert set(frame["agency"]) == {leaf["report"]["agency"], procurement["report"]["agency"]}
    assert frame.query("corrected == 1")["key"].tolist() == [WRONG]


def test_original_ignores_corrections(batch, tmp_path):
    db, leaf, _, printed = batch
    rows = [r for r in _long_rows(_export(db, "csv", tmp_path / "o.csv", "--original")) if r["key"] == WRONG
            and r["sha256"] == leaf["source"]["sha256"]]
    assert [(r["value"], r["corrected"], r["original_value"]) for r in rows] == [(str(printed), "0", str(printed))]
    lines = _export(db, "jsonl", tmp_path / "o.jsonl", "--original").read_text(encoding="utf-8").splitlines()
    assert leaf in [json.loads(line) for line in lines]


def test_jsonl_lines_are_the_json_records(batch, tmp_path):
    db, leaf, procurement, printed = batch
    leaf = copy.deepcopy(leaf)
    out = _export(db, "jsonl", tmp_path / "x.jsonl")
    records = {r["source"]["sha256"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert records[procurement["source"]["sha256"]] == procurement  # no correction: exactly --json
    corrected = records[leaf["source"]["sha256"]]
    Report.model_validate(corrected)  # still a record of the output contract
    assert corrected["tables"]["applications"]["granted"]["natural_person"] == printed - 1
    assert corrected["cells"][WRONG]["value"] == printed  # the provenance keeps the value as read
    # the rules through the corrected cell are decided again: the two errors it caused are gone
    broken = {(f["rule"], f["severity"]) for f in leaf["findings"] if WRONG in f["cells"]}
    assert {("applications.row_total", "error"), ("applications.column_total", "error")} <= broken
    assert not [f for f in corrected["findings"] if WRONG in f["cells"] and f["severity"] == "error"]
    assert [f for f in corrected["findings"] if f["rule"] == "applications.row_total" and f["severity"] == "info"] == \
        [f for f in leaf["findings"] if f["rule"] == "applications.row_total" and f["severity"] == "info"]
    # the rule accounting too (issue 18): the two broken rules now hold
    assert leaf["rules"]["broken"] == 2 and corrected["rules"]["broken"] == 0
    assert corrected["rules"]["checked"] == leaf["rules"]["checked"]
    corrected["tables"]["applications"]["granted"]["natural_person"] = printed
    del corrected["findings"], leaf["findings"], corrected["rules"], leaf["rules"]
    assert corrected == leaf  # nothing else changed


def test_csv_wide_and_its_dictionary(batch, tmp_path):
    pd = pytest.importorskip("pandas")
    db, leaf, procurement, printed = batch
    out = _export(db, "csv-wide", tmp_path / "w.csv")
    dictionary = tmp_path / "w.dictionary.csv"
    with open(out, encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header == list(REPORT_COLUMNS) + [c for k in union_keys() for c in (k, k + "__flags")]
    assert len(rows) == 2
    frame = pd.read_csv(out, dtype={"sha256": str}).set_index("sha256")
    assert frame.loc[leaf["source"]["sha256"], WRONG] == printed - 1
    assert frame.loc[leaf["source"]["sha256"], "corrected_cells"] == 1
    # keys of the other version are empty
    assert pd.isna(frame.loc[procurement["source"]["sha256"], "proactive.regulations.in_force"])
    assert pd.isna(frame.loc[leaf["source"]["sha256"], "proactive.regulations.made"])
    assert frame.loc[procurement["source"]["sha256"], "proactive.procurement.amount"].endswith("元")
    labels = pd.read_csv(dictionary).set_index("key")
    assert list(labels.index) == list(union_keys())
    assert labels.loc["applications.carried_over.natural_person", "label_2021"] == \
        "三 | 二、上年结转政府信息公开申请数量 | 自然人"
    assert labels.loc["proactive.regulations.made", "label_2019"].endswith("规章 | 本年新制作数量")
    assert pd.isna(labels.loc["proactive.regulations.made", "label_2021"])


def test_parquet_in_pyarrow(batch, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    db, leaf, procurement, printed = batch
    table = pq.read_table(_export(db, "parquet", tmp_path / "x.parquet"))
    assert table.column_names == list(LONG_COLUMN_NAMES)
    types = {f.name: str(f.type) for f in table.schema}
    assert (types["value"], types["page"], types["flagged"], types["agency"]) == ("double", "int64", "bool", "string")
    rows = table.to_pylist()
    assert len(rows) == len(all_cell_keys("2021")) + len(all_cell_keys("2019"))
    fixed = [r for r in rows if r["key"] == WRONG and r["sha256"] == leaf["source"]["sha256"]]
    assert [(r["value"], r["original_value"], r["corrected"]) for r in fixed] == [(printed - 1, printed, True)]
    assert len(rows) == len(_long_rows(_export(db, "csv", tmp_path / "x.csv")))


@pytest.mark.parametrize("fmt, library", [("parquet", "pyarrow"), ("xlsx", "openpyxl")])
def test_format_without_its_library_is_one_line(batch, tmp_path, fmt, library):
    db, out = batch[0], tmp_path / f"x.{fmt}"
    code = (f"import sys; sys.modules[{library!r}] = None; from extract.cli import main; "
            f"sys.exit(main(['export', {str(db)!r}, '--format', {fmt!r}, '--out', {str(out)!r}]))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and f"pip install 'extract[{fmt}]'" in proc.stderr
    assert not out.exists() and not list(tmp_path.glob(".*.tmp"))


def test_bad_database_is_one_line(tmp_path):
    not_db = tmp_path / "notes.sqlite"
    not_db.write_text("not a database", encoding="utf-8")
    for path in (tmp_path / "missing.sqlite", not_db):
        proc = subprocess.run([sys.executable, "-m", "extract.cli", "export", str(path), "--format", "csv"],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 9, proc.stderr
        assert proc.stderr.startswith(f"extract: {path}: ") and proc.stderr.count("\n") == 1


def test_default_out_is_beside_the_database_and_stdout_works(batch, tmp_path):
    db = batch[0]
    proc = subprocess.run([sys.executable, "-m", "extract.cli", "export", str(db), "--format", "jsonl", "--out", "-"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 2
    assert "2 reports" in proc.stderr
    assert main(["export", str(db), "--format", "csv-wide", "-q"]) == 0
    assert (db.parent / "results.wide.csv").is_file() and (db.parent / "results.wide.dictionary.csv").is_file()
    assert not list(db.parent.glob(".*.tmp"))  # written under a temporary name, then renamed


def test_a_real_batch_exports_the_json_records(tmp_path):
    """`extract batch` then `extract export --format jsonl`: each line is what `extract FILE
    --json` prints for its file."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in (ERROR_LEAF, PROCUREMENT):
        (folder / f"{name}.pdf").write_bytes((SAMPLES / f"{name}.pdf").read_bytes())
    db = tmp_path / "b.sqlite"
    proc = subprocess.run([sys.executable, "-m", "extract.cli", "batch", str(folder), "--db", str(db), "--workers", "1"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = _export(db, "jsonl", tmp_path / "b.jsonl")
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["source"]["file"] for r in lines) == sorted(f"{n}.pdf" for n in (ERROR_LEAF, PROCUREMENT))
    for record in lines:
        printed = subprocess.run([sys.executable, "-m", "extract.cli", str(folder / record["source"]["file"]), "--json"],
                                 capture_output=True, text=True, timeout=120)
        assert json.loads(printed.stdout) == record
