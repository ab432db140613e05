"""`extract FILE` and `--html` on pre-2019 reports (template "pre2019"): the statistics
table as printed (labels indented by their nesting, group headings once, a unit column,
one column per printed value column), cells marked by findings, crops for PDF cells, a
report with no table, and the sections and prose figures on the HTML page."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SAMPLES
from pre2019lib import YEAR_2012_CUMULATIVE, YEAR_2012_THIS, report_html
from rich.console import Console

from extract.pipeline import extract_file
from extract.show.html_page import cell_id
from extract.table_layout import indicator_layouts, report_layouts
from extract.show.terminal import print_report

AGENCY = "云川市教育局"
# (label as printed, unit, this year, running total, depth: how many labels it nests under)
SHOWN = [
    ("主动公开政府信息数", "条", "1352", "9876", 1),
    ("其中：全文电子化", "条", "1352", "9000", 2),
    ("申请总数", "件", "25", "120", 1),
    ("其中：1.当面申请数", "件", "5", "30", 2),
    ("3.否决公开答复总数", "件", "2", "10", 2),
    ("（1）非政府信息", "件", "1", "4", 3),
    ("三、行政复议数", "件", "0", "1", 0),
    ("四、行政诉讼数", "件", "—", "0", 0),
    ("六、收取费用", "万元", "0", "0.05", 0),
]
GROUPS = ["一、主动公开情况", "二、依申请公开情况"]


def run(*args):
    return subprocess.run([sys.executable, "-m", "extract.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    return report_html(tmp_path_factory.mktemp("pre2019") / "report.html", AGENCY, 2012,
                       YEAR_2012_THIS, YEAR_2012_CUMULATIVE)


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    """The same report with 申请总数 (本年度) printed 2 more than its channels add up to."""
    return report_html(tmp_path_factory.mktemp("pre2019-broken") / "report.html", AGENCY, 2012,
                       {**YEAR_2012_THIS, "applications_received": 27}, YEAR_2012_CUMULATIVE)


def _indent(line: str, label: str) -> int:
    return line.index(label) - (len(line) - len(line.lstrip()))


def test_terminal_prints_the_statistics_table_as_printed(page):
    proc = run(page)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert "template pre2019" in lines[0] and "17 indicators in 1 statistics table(s)" in out.replace("\n", " ")
    assert "政府信息公开情况统计表" in out
    header = next(line for line in lines if "指标名称" in line)
    assert header.split() == ["指标名称", "计量单位", "本年度", "历年累计"]
    margin = len(header) - len(header.lstrip())
    for label, unit, this_year, cumulative, depth in SHOWN:
        line = next(line for line in lines if label in line)
        assert line.split(label, 1)[1].split() == [unit, this_year, cumulative], line
        # Indented by its nesting: two columns per label it nests under.
        assert line.index(label) - margin == 2 * depth, (label, line)
    for group in GROUPS:  # group headings of the paths, once, on lines of their own
        assert sum(group in line for line in lines) == 1
        assert next(line for line in lines if group in line).strip() == group
    assert lines.index(next(line for line in lines if GROUPS[1] in line)) < lines.index(
        next(line for line in lines if "申请总数" in line))
    assert "findings: 0 error, 0 warning" in out


def test_terminal_colours_the_cells_of_a_broken_parts_sum(broken):
    report = extract_file(broken)
    finding = next(f for f in report.findings if f.rule == "indicators.parts_sum")
    assert "indicators.applications_received.this_year" in finding.cells
    console = Console(record=True, force_terminal=True, color_system="standard", width=100)
    print_report(report, console=console)
    text = console.export_text(styles=True, clear=False)
    line = next(line for line in text.splitlines() if "申请总数" in line)
    assert "\x1b[1;31m" in line and "27" in line  # red: named by an error
    plain = console.export_text()
    assert "[error] indicators.parts_sum" in plain and "red: error" in plain


def test_layout_nests_labels_and_prints_groups_once(page):
    report = extract_file(page)
    (layout,) = report_layouts(report)
    assert layout == indicator_layouts(report.indicators)[0]
    assert set(layout.value_keys) == {i.cell for i in report.indicators}
    labels = [(c.text, c.depth, c.key) for c in layout.cells if c.kind == "label"]
    assert [t for t, _, k in labels if not k] == GROUPS
    assert ("（1）非政府信息", 3, "indicators.refused_not_government_information") in labels
    units = [c.text for c in layout.cells if c.kind == "text"]
    assert units.count("万元") == 1 and units.count("件") == 14
    # The cells cover the grid exactly once.
    covered = [p for c in layout.cells for p in c.positions]
    assert len(covered) == len(set(covered)) == layout.n_rows * layout.n_cols


def test_multi_level_headers_and_a_second_table():
    from extract.records import Indicator

    def ind(table, row, label, column, value, path=()):
        return Indicator(cell=f"indicators.t{table}_r{row}.{column[-2:]}", key=None, label=label, path=path,
                         unit=None, column=column, column_key=None, value=value, table=table, row=row)

    layouts = indicator_layouts([
        ind(1, 1, "申请数", "本年度 › 市级", 1), ind(1, 1, "申请数", "本年度 › 县级", 2), ind(1, 1, "申请数", "历年累计", 3),
        ind(2, 1, "培训人次", "数量", 9),
    ])
    assert [layout.title for layout in layouts] == ["政府信息公开情况统计表（1）", "政府信息公开情况统计表（2）"]
    first = layouts[0]
    headers = {(c.row, c.col, c.row_span, c.col_span, c.text) for c in first.cells if c.kind == "header"}
    assert headers == {(0, 0, 2, 1, "指标名称"), (0, 1, 1, 2, "本年度"), (1, 1, 1, 1, "市级"), (1, 2, 1, 1, "县级"),
                       (0, 3, 2, 1, "历年累计")}  # no unit column: no unit known


def test_a_report_without_a_table_lists_its_sections(tmp_path):
    path = tmp_path / "prose.html"
    title = "石桥街道办事处2009年政府信息公开工作年度报告"
    path.write_text(
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
        "<p>一、概述</p><p>2009年，我办认真贯彻落实条例，全年主动公开政府信息56条。</p>"
        "<p>二、依申请公开政府信息情况</p><p>2009年未收到有关政府信息公开申请。</p>"
        "<p>三、存在的主要问题和改进措施</p><p>一是公开内容还不够全面。</p></body></html>", encoding="utf-8")
    proc = run(path)
    assert proc.returncode == 0, proc.stderr
    assert "no statistics table" in proc.stdout
    for heading in ("一、概述", "二、依申请公开政府信息情况", "三、存在的主要问题和改进措施"):
        assert heading in proc.stdout
    out = tmp_path / "prose-page.html"
    assert run(path, "--html", out).returncode == 0
    html = out.read_text(encoding="utf-8")
    assert 'id="no-table"' in html and "三、存在的主要问题和改进措施" in html


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict, str]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), ""))

    def handle_data(self, data):
        if self.elements:
            tag, attrs, text = self.elements[-1]
            self.elements[-1] = (tag, attrs, text + data)


def test_html_page_shows_the_table_sections_and_prose_figures(page, tmp_path):
    out = tmp_path / "page.html"
    proc = run(page, "--html", out)
    assert proc.returncode == 0, proc.stderr
    html = out.read_text(encoding="utf-8")
    parser = _Elements()
    parser.feed(html)
    report = extract_file(page)
    cells = {a["data-key"]: a for tag, a, _ in parser.elements if tag == "td" and "data-key" in a}
    assert set(cells) == {i.cell for i in report.indicators}
    shown = {}
    for ind in report.indicators:
        assert cells[ind.cell]["id"] == cell_id(ind.cell)
        inside = html.split(f'id="{cell_id(ind.cell)}"', 1)[1].split("</td>", 1)[0]
        assert "<img" not in inside  # a web page's cells have no crops
        shown[ind.label, ind.column] = re.search(r'<span class="val">([^<]*)</span>', inside).group(1)
    for label, _, this_year, cumulative, _ in SHOWN:
        assert (shown[label, "本年度"], shown[label, "历年累计"]) == (this_year, cumulative)
    labels = {text.strip(): a["class"].split() for tag, a, text in parser.elements
              if tag == "th" and "label" in a.get("class", "")}
    assert "depth-3" in labels["（1）非政府信息"] and "depth-1" in labels["申请总数"]
    assert "group" in labels["二、依申请公开情况"]
    units = [text.strip() for tag, a, text in parser.elements if tag == "td" and a.get("class") == "text"]
    assert "万元" in units and "条" in units
    # Sections: number, heading, folded text.
    assert html.count("<details>") == len(report.sections) >= 5
    assert "三、依申请公开政府信息情况" in html and "共受理政府信息公开申请25件" in html
    # Prose figures: value, unit, sentence, and a link to the cell each states.
    figure = next(f for f in report.prose_figures if f.cells == ("indicators.applications_received.this_year",))
    figures = html.split('id="prose-figures"', 1)[1]
    row = next(r for r in figures.split("<tr") if figure.sentence in r)
    assert re.search(r'<td class="num"[^>]*>25</td><td>件</td>', row)
    assert f'href="#{cell_id(figure.cells[0])}"' in row


def test_html_page_of_a_pdf_embeds_a_crop_per_indicator_cell(tmp_path):
    sample = SAMPLES / "pre2019" / "p2010-basic-01.pdf"
    if not sample.is_file():
        pytest.skip("samples/pre2019 not built")
    out = tmp_path / "p.html"
    proc = run(sample, "--html", out)
    assert proc.returncode == 0, proc.stderr
    html = out.read_text(encoding="utf-8")
    report = extract_file(sample)
    assert report.indicators
    crops = re.findall(r'<img alt="crop of (indicators\.[a-z0-9_.]+)" src="data:image/png;base64,', html)
    assert set(crops) == {i.cell for i in report.indicators if report.cells[i.cell].page is not None}
