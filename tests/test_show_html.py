"""`extract FILE --html`: one self-contained page, the tables as printed with their merged
cells, each value's crop embedded, every label and value escaped."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser

from conftest import SAMPLES

from extract.pipeline import extract_file
from extract.records import flatten_tables
from extract.show.html_page import cell_id, render_report_html, write_report_html
from extract.table_layout import report_layouts

ERROR_SAMPLE = SAMPLES / "r2023-error-rowtotal-01.pdf"


class _Cells(HTMLParser):
    """Every element's tag and attributes, in document order."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> _Cells:
    parser = _Cells()
    parser.feed(page)
    return parser


def test_html_page_via_cli_is_self_contained_and_matches_the_layout(tmp_path):
    out = tmp_path / "report.html"
    proc = subprocess.run([sys.executable, "-m", "extract.cli", ERROR_SAMPLE, "--html", out],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""  # an output file was asked for: the summary goes to stderr
    assert str(out) in proc.stderr and "findings: 2 error" in proc.stderr
    page = out.read_text(encoding="utf-8")
    parsed = parse(page)
    # Nothing outside the file: no URL but data: and in-page anchors.
    urls = [v for _, attrs in parsed.elements for k, v in attrs.items() if k in ("src", "href") and v]
    assert urls and all(u.startswith(("data:image/png;base64,", "#")) for u in urls)
    assert not re.search(r"url\(|@import|https?://", page.split("<style>")[1].split("</style>")[0])

    report = extract_file(ERROR_SAMPLE)
    cells = {attrs["id"]: attrs for tag, attrs in parsed.elements if tag == "td" and "data-key" in attrs}
    for layout in report_layouts(report):
        for cell in layout.value_cells:
            attrs = cells[cell_id(cell.key)]
            assert int(attrs.get("colspan", 1)) == cell.col_span and int(attrs.get("rowspan", 1)) == cell.row_span
    # Every value cell that was read has its crop.
    crops = [attrs for tag, attrs in parsed.elements if tag == "img" and attrs.get("alt", "").startswith("crop of ")]
    assert len(crops) == sum(1 for layout in report_layouts(report) for k in layout.value_keys if k in report.cells)
    # Merged label cells as printed.
    spans = {(tag, attrs.get("rowspan")) for tag, attrs in parsed.elements if tag == "th"}
    assert ("th", "20") in spans or ("th", "22") in spans  # 三、本年度办理结果 over its result rows
    # Error cells carry the class; every finding link points at a cell on the page.
    error_keys = {k for f in report.findings if f.severity == "error" for k in f.cells}
    for key in error_keys:
        assert "error" in cells[cell_id(key)]["class"].split()
    links = [attrs["href"][1:] for tag, attrs in parsed.elements if tag == "a" and attrs.get("class") == "cell-link"]
    assert links and set(links) <= set(cells)


def test_every_label_value_and_message_is_escaped():
    report = extract_file(ERROR_SAMPLE)
    key = "applications.granted.total"
    nasty = "<img src=x onerror=alert(1)>"
    cells = dict(report.cells)
    cells[key] = cells[key].model_copy(update={"text": nasty, "value": None})
    values = flatten_tables(report.tables)
    values[key] = None
    from extract.records import build_tables

    evil = report.model_copy(update={
        "cells": cells,
        "tables": build_tables(report.tables.template, values),
        "report": report.report.model_copy(update={"agency": "</title><script>alert(2)</script>"}),
        "findings": report.findings + (report.findings[0].model_copy(update={"message": "<b onclick=x>m</b>", "cells": (key,)}),),
    })
    page = render_report_html(evil)
    assert nasty not in page and "<script>alert(2)" not in page and "<b onclick" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert page.count("<script>") == 1  # only the page's own


def test_missing_source_still_writes_the_page_and_says_why(tmp_path):
    report = extract_file(ERROR_SAMPLE)
    out = tmp_path / "r.html"
    note = write_report_html(report, tmp_path / "moved-away.pdf", out)
    assert "not found" in note
    page = out.read_text(encoding="utf-8")
    assert "not found" in page and "data:image/png" not in page
    assert page.count('class="report-table"') == 3


def test_a_volume_gets_one_page_per_report(tmp_path):
    volume = SAMPLES / "volumes" / "volume-digital-12.pdf"
    out = tmp_path / "v.html"
    proc = subprocess.run([sys.executable, "-m", "extract.cli", volume, "--html", out],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    ranges = re.findall(r"^pages (\d+)-(\d+):", proc.stderr, flags=re.M)
    assert len(ranges) == 12
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(f"v-p{a}-{b}.html" for a, b in ranges)
    first = (tmp_path / f"v-p{ranges[0][0]}-{ranges[0][1]}.html").read_text(encoding="utf-8")
    assert first.count('class="report-table"') == 3 and "data:image/png" in first
