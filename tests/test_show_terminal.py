"""`extract FILE` without --json: the tables as printed, flagged cells coloured, findings."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import SAMPLES
from rich.cells import cell_len
from rich.console import Console

from extract.pipeline import extract_file
from extract.records import flatten_tables
from extract.table_layout import TABLE_TITLES
from extract.show.marks import cell_marks, shown_value
from extract.show.terminal import print_report
from extract.template import APPLICATION_COLUMNS, REVIEW_COLUMNS

ERROR_SAMPLE = SAMPLES / "r2023-error-rowtotal-01.pdf"


def run(*args, env_columns=None):
    env = None
    if env_columns:
        import os

        env = {**os.environ, "COLUMNS": str(env_columns)}
    return subprocess.run([sys.executable, "-m", "extract.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=120, env=env)


def test_tables_on_stdout_fit_80_columns_and_rows_keep_their_values():
    proc = run(ERROR_SAMPLE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # the tables and findings are the output, on stdout
    out = proc.stdout
    assert "\x1b[" not in out  # not a terminal: no colour codes
    for title in TABLE_TITLES.values():
        assert title in out
    lines = out.splitlines()
    assert max(cell_len(line.rstrip()) for line in lines) <= 80
    report = extract_file(ERROR_SAMPLE)
    values = flatten_tables(report.tables)
    # Each row of 三 and 四 prints its values, in column order, on its label's line.
    for label, row_key, columns, table in [
        ("（七）总计", "total_handled", APPLICATION_COLUMNS, "applications"),
        ("四、结转下年度继续办理", "carried_forward", APPLICATION_COLUMNS, "applications"),
        ("行政诉讼 › 复议后起诉", "litigation_after_review", REVIEW_COLUMNS, "review_litigation"),
    ]:
        line = next(line for line in lines if label in line)
        shown = [shown_value(report, f"{table}.{row_key}.{c.key}", values) for c in columns]
        assert line.split(label, 1)[1].split() == shown, (line, shown)
    # Group labels are printed once, on their own line.
    assert sum("（三）不予公开" in line for line in lines) == 1
    assert sum(line.strip() == "三、本年度办理结果" for line in lines) == 1
    # Then the findings.
    assert "findings: 2 error, 1 warning" in out
    assert out.index("findings:") > out.index(TABLE_TITLES["review_litigation"])
    assert "[error] applications.row_total" in out


def test_json_and_quiet_print_no_tables():
    proc = run(ERROR_SAMPLE, "--json")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["tables"]["template"] == "2021"
    assert "findings: 2 error" in proc.stderr
    # stdout is the record alone (json.loads above: no table drawn around it; its sections
    # name the tables' headings), and no table on stderr.
    assert TABLE_TITLES["applications"] not in proc.stderr
    quiet = run(ERROR_SAMPLE, "-q")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""


def test_flagged_cells_are_coloured_in_a_terminal():
    report = extract_file(ERROR_SAMPLE)
    console = Console(width=80, force_terminal=True, color_system="standard", record=True)
    print_report(report, console)
    ansi = console.export_text(styles=True)
    marks = cell_marks(report)
    values = flatten_tables(report.tables)
    errors = [k for k, m in marks.items() if m.severity == "error"]
    assert errors
    red = "\x1b[1;31m"
    for key in errors:
        # rich pads a right-justified cell inside its style
        assert re.search(rf"\x1b\[1;31m *{re.escape(shown_value(report, key, values))}\x1b\[0m", ansi), key
    # A cell no finding names is not red: its row has no error.
    calm = "applications.new_received.total"
    assert calm not in marks
    line = next(line for line in ansi.splitlines() if "一、本年新收" in line)
    assert red not in line


def test_repaired_and_low_confidence_cells_are_marked():
    from extract.records import Finding

    report = extract_file(ERROR_SAMPLE)
    repaired, doubtful = "applications.granted.enterprise", "review_litigation.review.upheld"
    cells = dict(report.cells)
    cells[repaired] = cells[repaired].model_copy(update={"source": "ocr", "read_value": 9, "repair": "the row total"})
    low = Finding(rule="cell.low_confidence", severity="warning", message="低", message_en="low", cells=(doubtful,))
    marked = report.model_copy(update={"cells": cells, "findings": report.findings + (low,)})
    marks = cell_marks(marked)
    assert marks[repaired].repaired and not marks[repaired].low_confidence
    assert marks[doubtful].low_confidence and marks[doubtful].severity == "warning"
    console = Console(width=80, force_terminal=False, record=True)
    print_report(marked, console)
    lines = console.export_text().splitlines()
    granted = next(line for line in lines if "（一）予以公开" in line).split()
    assert granted[2] == shown_value(marked, repaired) + "*"
    review = next(line for line in lines if line.strip().startswith("行政复议 ")).split()
    assert review[1] == shown_value(marked, doubtful) + "?"
