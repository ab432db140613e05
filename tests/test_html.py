"""Saved web pages: every HTML sample exact (spans, <br> in labels, GBK pages), each cell's
locator pointing at the element it was read from, encodings, markup edge cases, and the
one-line errors."""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path

import pytest
from conftest import SAMPLES

from extract.cli import main
from extract.evaluate import compare
from extract.pipeline import TableReading, build_report, read_tables
from extract.read.html import decode_page, read_html
from extract.records import Report
from extract.settings import DEFAULT_SETTINGS
from extract.text import parse_value

HTML_SAMPLES = sorted((SAMPLES / "html").glob("*.html"))


def _read(path: Path) -> tuple[TableReading, Report]:
    reading = read_tables(path, DEFAULT_SETTINGS)
    return reading, build_report(reading, DEFAULT_SETTINGS)


def assert_every_number_placed_by_locator(reading: TableReading, report: Report) -> None:
    """Markup twin of tests/invariant.py: every number in a found table is in exactly one
    record cell or one table.unplaced_value error, matched by the cell's locator."""
    placed = [c.locator for c in report.cells.values()]
    reported = [
        loc.locator for f in report.findings if f.rule == "table.unplaced_value" for loc in f.locations
    ]
    numbers = [
        cell.locator
        for table in reading.mapping.tables
        for grid in table.fragments
        for cell in grid.cells
        if any(ch.isdigit() for ch in cell.text) and parse_value(cell.text).ok
    ]
    assert numbers and all(numbers)
    for locator in numbers:
        assert placed.count(locator) + reported.count(locator) == 1, locator


def test_the_html_samples_are_there():
    names = {p.stem.split("-")[0] for p in HTML_SAMPLES}
    assert {"word", "cms", "inline", "gbk"} <= names
    assert len(HTML_SAMPLES) >= 6


@pytest.mark.parametrize("path", HTML_SAMPLES, ids=lambda p: p.stem)
def test_html_sample_is_exact(path):
    reading, report = _read(path)
    expected = json.loads((path.parent / f"{path.stem}.expected.json").read_text(encoding="utf-8"))
    result = compare(path, expected, report.model_dump(mode="json"))
    assert result.wrong == []
    assert result.metadata_diffs == []
    assert result.found_findings == result.expected_findings
    assert sum(result.cells.values()) >= 195
    assert_every_number_placed_by_locator(reading, report)
    assert report.source.kind == "html" and report.source.pages is None
    for record in report.cells.values():
        assert record.source == "html" and record.page is None and record.bbox is None
        assert record.locator and record.place is not None


def _parsed(path: Path):
    """The page parsed independently of the reader: bytes decoded by the charset the page
    declares (GBK and GB2312 as GB18030, as browsers do)."""
    from lxml import html

    data = path.read_bytes()
    declared = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", data[:65536]).group(1).decode().lower()
    encoding = "gb18030" if declared in ("gbk", "gb2312") else declared
    text = data.decode(encoding)
    root = html.document_fromstring(text)
    # The hidden text the generator writes (white 999s, a 0 px digit) is not shown.
    for element in root.xpath("//*[contains(@style, 'color:#ffffff') or contains(@style, 'font-size:0px')]"):
        element.drop_tree()
    return root


@pytest.mark.parametrize("path", HTML_SAMPLES, ids=lambda p: p.stem)
def test_locators_point_at_the_cells(path):
    _, report = _read(path)
    root = _parsed(path)
    tree = root.getroottree()
    tables = list(root.iter("table"))
    for key, record in report.cells.items():
        found = tree.xpath(record.locator)
        assert len(found) == 1, (key, record.locator)
        element = found[0]
        assert element.tag in ("td", "th")
        shown = re.sub(r"\s+", "", element.text_content())
        assert shown == re.sub(r"\s+", "", record.text), (key, record.locator)
        table = next(a for a in element.iterancestors("table"))
        assert tables.index(table) + 1 == record.place.table
        rows = [tr for tr in table.iter("tr") if next(tr.iterancestors("table")) is table]
        assert rows.index(element.getparent()) + 1 == record.place.row


def test_a_label_broken_by_br_and_merged_cells():
    """word-r2023-labels-wrapped-01 breaks long labels with <br>; 三's group labels span rows."""
    path = SAMPLES / "html" / "word-r2023-labels-wrapped-01.html"
    document = read_html(path, DEFAULT_SETTINGS)
    apps = next(g for g in document.grids if any("申请人情况" in c.text for c in g.cells))
    corner = next(c for c in apps.cells if c.row == 0 and c.col == 0)
    assert (corner.row_span, corner.col_span) == (3, 3)
    results = next(c for c in apps.cells if c.text.replace("\n", "") == "三、本年度办理结果")
    assert results.col == 0 and results.row_span >= 20
    withheld = next(c for c in apps.cells if c.col == 1 and "不予公开" in c.text.replace("\n", ""))
    assert withheld.row_span == 8
    wrapped = [c for c in apps.cells if "\n" in c.text]
    assert wrapped and all(parse_value(c.text).ok is False for c in wrapped)


def test_gbk_page_is_decoded(tmp_path):
    path = SAMPLES / "html" / "gbk-r2021-split-fullwidth-01.html"
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    _, report = _read(path)
    assert report.report.agency == "清河县自然资源局"
    # The same page without any declaration: decoded by trying UTF-8, then GB18030.
    bare = re.sub(rb"<meta[^>]*charset[^>]*>", b"", data)
    plain = tmp_path / "bare.html"
    plain.write_bytes(bare)
    assert read_html(plain, DEFAULT_SETTINGS).grids
    assert build_report(read_tables(plain, DEFAULT_SETTINGS), DEFAULT_SETTINGS).tables == report.tables


def test_decoding_rules():
    text = "<p>二〇二三年 予以公开１２件</p>"
    assert decode_page(codecs.BOM_UTF8 + text.encode("utf-8"), "x") == text
    assert decode_page(text.encode("utf-16"), "x") == text
    gbk = ('<meta charset="gb2312">' + text).encode("gbk")
    assert decode_page(gbk, "x").endswith(text)
    # A page declaring UTF-8 but served in GBK (a common server misconfiguration).
    lying = ('<meta charset="utf-8">' + text).encode("gbk")
    assert decode_page(lying, "x").endswith(text)
    # A page re-encoded to UTF-8 that kept Word's charset=gb2312: GB18030 would decode these
    # bytes too, into other characters.
    kept = '<meta http-equiv=Content-Type content="text/html; charset=gb2312"><p>予以公开</p>'.encode("utf-8")
    assert "予以公开" not in kept.decode("gb18030")  # decodes without error, into other characters
    assert decode_page(kept, "x").endswith("<p>予以公开</p>")


def _page(tmp_path: Path, body: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>", encoding="utf-8")
    return path


def test_markup_details_become_the_grid(tmp_path):
    body = """
    <table><tr><td>
      <table border=1>
        <tr><td></td><td></td><td></td></tr>
        <tr><td colspan="3">三、收到和处理政府信息公开申请情况</td></tr>
        <tr><th rowspan="0">（三）<br/>不予公开</th><th>1.属于国家<br>秘密</th><td><p><span style="font-size:14px">&nbsp;１２&nbsp;</span></p></td></tr>
        <tr><td>2.其他法律<font>行政法规</font>禁止公开</td><td><strong>3</strong><span style="display:none">999</span></td></tr>
        <tr style="display:none"><td>hidden</td><td>7</td></tr>
        <tr><td>3.危及“三安全一稳定”</td></tr>
      </table>
    </td></tr></table>"""
    body += "<noscript><table><tr><td>予以公开</td><td>9</td></tr></table></noscript>"
    body += "<div style='display: none'><table><tr><td>予以公开</td><td>9</td></tr></table></div>"
    document = read_html(_page(tmp_path, body), DEFAULT_SETTINGS)
    assert document.tables_found == 4
    (grid,) = document.grids  # the layout table is not a grid; the empty and caption rows are gone
    assert grid.n_rows == 3 and grid.n_cols == 3
    cells = {(c.row, c.col): c for c in grid.cells}
    assert cells[(0, 0)].text == "（三）\n不予公开" and cells[(0, 0)].row_span == 3  # rowspan=0: to the last row
    assert cells[(0, 1)].text == "1.属于国家\n秘密"
    assert cells[(0, 2)].text == "１２" and parse_value(cells[(0, 2)].text).value == 12
    assert cells[(1, 1)].text == "2.其他法律行政法规禁止公开"
    assert cells[(1, 2)].text == "3"
    assert cells[(2, 1)].text == "3.危及“三安全一稳定”" and (2, 2) not in cells  # a short row keeps its hole
    assert cells[(0, 2)].place == (2, 3, 3)  # table 2, its third <tr>, third column


def test_page_without_report_table_exits_6(tmp_path, capsys):
    path = _page(tmp_path, "<h1>通知</h1><table border=1><tr><td>姓名</td><td>电话</td></tr><tr><td>张三</td><td>1</td></tr></table>")
    assert main([str(path)]) == 6
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert err.startswith(f"extract: {path}: not an annual report") and "1 table" in err
    bare = _page(tmp_path, "<p>本机关2023年未收到政府信息公开申请。</p>", "prose.html")
    assert main([str(bare)]) == 6
    assert "no tables" in capsys.readouterr().err
    pictures = _page(tmp_path, "<p>二、主动公开政府信息情况</p><p><img src='t2.png'></p><p><img src='t3.png'></p>", "pictures.html")
    assert main([str(pictures)]) == 6
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "no tables; its 2 picture(s) are not read" in err


def test_unreadable_pages_exit_4(tmp_path, capsys):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.htm"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    for path in (empty, binary):
        assert main([str(path)]) == 4
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"extract: {path}: ") and "\n" not in err


def test_a_truncated_ofd_gets_a_clear_error(tmp_path, capsys):
    # OFD is read (tests/test_ofd.py); a truncated package is refused in one line.
    path = tmp_path / "report.ofd"
    path.write_bytes(b"PK\x03\x04")
    assert main([str(path)]) == 4
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"extract: {path}: not an OFD") and "\n" not in err


@pytest.mark.parametrize("declared", ["cells", "cols"])
def test_a_sliver_column_does_not_move_values(tmp_path, declared):
    """Where rows' borders do not line up, producers add a narrow column (here 3 pt, between
    行政复议's 总计 and 行政诉讼): cells spanning it keep their header by the declared widths,
    the cells' own (style width in pt) or the table's <col>s."""
    w = 30  # pt, an ordinary column
    def td(text, width, colspan=1, rowspan=1):
        style = f' style="width:{width}pt"' if declared == "cells" else ""
        return f'<td colspan="{colspan}" rowspan="{rowspan}"{style}>{text}</td>'
    cols = "".join(f'<col width="{x}">' for x in [40] * 5 + [4] + [40] * 10) if declared == "cols" else ""
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows = [
        td("行政复议", 5 * w, 5) + td("行政诉讼", 10 * w + 3, 11),
        "".join(td(h, w, rowspan=2) for h in heads[:4]) + td("总计", w + 3, 2, 2)
        + td("未经复议直接起诉", 5 * w, 5) + td("复议后起诉", 5 * w, 5),
        "".join(td(h, w) for h in heads * 2),
        "".join(td(v, w) for v in "1234") + td("10", w + 3, 2) + "".join(td(v, w) for v in ["5", "0", "0", "1", "6", "0", "0", "2", "0", "2"]),
    ]
    page = _page(tmp_path, "<p>四、政府信息公开行政复议、行政诉讼情况</p><table border=1>" + cols
                 + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>")
    report = build_report(read_tables(page, DEFAULT_SETTINGS), DEFAULT_SETTINGS)
    review = report.tables.review_litigation
    assert (review.review.upheld, review.review.pending, review.review.total) == (1, 4, 10)
    assert (review.litigation_direct.upheld, review.litigation_direct.total) == (5, 6)
    assert (review.litigation_after_review.upheld, review.litigation_after_review.total) == (0, 2)
    assert report.cells["review_litigation.review.total"].place.column == 5


def _mhtml(html_bytes: bytes, charset: str) -> bytes:
    """A web archive as Word's "single file web page" writes it: multipart/related, the page
    quoted-printable in its charset, plus an image part."""
    from email import encoders
    from email.mime.image import MIMEImage
    from email.mime.multipart import MIMEMultipart
    from email.mime.nonmultipart import MIMENonMultipart

    message = MIMEMultipart("related")
    page = MIMENonMultipart("text", "html", charset=charset)
    page.set_payload(html_bytes)
    encoders.encode_quopri(page)
    message.attach(page)
    message.attach(MIMEImage(b"\x89PNG\r\n\x1a\n" + bytes(32), "png"))
    return message.as_bytes()


@pytest.mark.parametrize("suffix", [".mht", ".doc"])
def test_web_archive_and_html_named_doc(tmp_path, suffix):
    """Word's single-file web page (.mht, also saved as .doc) and a Word HTML export named
    .doc read as the page itself does."""
    source = SAMPLES / "html" / "word-r2019-basic-procurement-01.html"
    _, want = _read(source)
    archive = tmp_path / f"report{suffix}"
    archive.write_bytes(_mhtml(source.read_bytes(), "gb2312"))
    data = archive.read_bytes()
    assert b"Content-Transfer-Encoding: quoted-printable" in data and b"=3D" in data  # really quoted-printable
    _, got = _read(archive)
    assert got.tables == want.tables and got.report == want.report and got.source.kind == "html"
    named = tmp_path / f"export{suffix}"
    named.write_bytes(source.read_bytes())
    assert _read(named)[1].tables == want.tables


@pytest.mark.parametrize("sample, agency, year", [
    ("inline-r2022-other-single-01", "青峰县卫生健康局", 2022),
    ("cms-r2024-prose-received-01", "青峰县文化和旅游局", 2024),
])
def test_title_only_in_the_body_after_site_chrome(tmp_path, sample, agency, year):
    """A site's own name in <title>, no heading: the title is found in the body, past the
    menus, breadcrumbs and article info before it (its agency on the line above or in it)."""
    text = (SAMPLES / "html" / f"{sample}.html").read_text(encoding="utf-8")
    text = re.sub(r"<title>.*?</title>", "<title>青峰县人民政府门户网站</title>", text)
    text = re.sub(r"<h1>(.*?)</h1>", r"<p><strong>\1</strong></p>", text)
    path = tmp_path / "page.html"
    path.write_text(text, encoding="utf-8")
    _, report = _read(path)
    assert (report.report.agency, report.report.year) == (agency, year)


def test_report_table_with_a_table_nested_in_a_cell(tmp_path):
    """A table nested in a cell of the report table (a note in the corner cell) does not
    make the report table a layout table: it is read, the note is a table of its own."""
    source = SAMPLES / "html" / "cms-r2024-prose-received-01.html"
    text = source.read_text(encoding="utf-8")
    corner = "（本列数据的勾稽关系为"
    assert text.count(corner) == 1
    text = text.replace(corner, "<table><tr><td>注</td><td>单位：件</td></tr></table>" + corner)
    path = tmp_path / "nested-note.html"
    path.write_text(text, encoding="utf-8")
    _, want = _read(source)
    reading, got = _read(path)
    assert got.tables == want.tables
    assert len(reading.markup.grids) == 4 == reading.markup.tables_found  # 三 kept, its note a table too


def test_title_is_the_pages_own_not_a_sidebars(tmp_path):
    """A sidebar listing other reports (under h4 / class="title") before the article: the
    title is the heading that matches the page's <title>, else the highest heading."""
    text = (SAMPLES / "html" / "cms-r2024-prose-received-01.html").read_text(encoding="utf-8")
    sidebar = ('<div class="side"><h4>相关阅读</h4><ul><li class="title"><a href="/a">青峰县教育局2023年政府信息公开工作年度报告</a></li>'
               '<li><h4>青峰县民政局2022年政府信息公开工作年度报告</h4></li></ul></div>')
    text = text.replace('<div class="article">', sidebar + '<div class="article">')
    path = tmp_path / "sidebar.html"
    path.write_text(text, encoding="utf-8")
    assert _read(path)[1].report.agency == "青峰县文化和旅游局"
    generic = tmp_path / "generic.html"
    generic.write_text(re.sub(r"<title>.*?</title>", "<title>青峰县人民政府</title>", text), encoding="utf-8")
    assert (_read(generic)[1].report.agency, _read(generic)[1].report.year) == ("青峰县文化和旅游局", 2024)


def test_a_sidebar_headed_nianbao_before_the_article_gives_neither_year_nor_agency(tmp_path):
    """A portal's sidebar headed 年度报告 (a word inside the title) listing the agency's
    earlier reports and its siblings': the title is still the article's heading."""
    text = (SAMPLES / "html" / "cms-r2024-prose-received-01.html").read_text(encoding="utf-8")
    sidebar = ('<div class="sidebar"><h3 class="side-title">年度报告</h3><ul class="list">'
               '<li><a href="/a">青峰县文化和旅游局2022年政府信息公开工作年度报告</a><span>2023-03-26</span></li>'
               '<li><a href="/b">青峰县财政局2021年政府信息公开工作年度报告</a><span>2022-03-25</span></li></ul></div>'
               '<div class="side-box"><h3>政府信息公开</h3><ul><li>政府信息公开指南</li><li>政府信息公开制度</li>'
               '<li>法定主动公开内容</li><li>政府信息公开年报</li></ul></div>')
    text = text.replace('<div class="article">', sidebar + '<div class="article">')
    path = tmp_path / "nianbao.html"
    path.write_text(text, encoding="utf-8")
    info = _read(path)[1].report
    assert (info.agency, info.year) == ("青峰县文化和旅游局", 2024)


def test_an_unplaced_number_is_reported_with_its_locator(tmp_path):
    """A number printed in a found table but under no header (an extra cell at the end of
    四's value row) is a table.unplaced_value error whose location is its element."""
    text = (SAMPLES / "html" / "cms-r2024-prose-received-01.html").read_text(encoding="utf-8")
    last_row = text.rindex("<tr><td valign")  # 四's value row is the document's last table row
    end = text.index("</tr>", last_row)
    text = text[:end] + "<td>17</td>" + text[end:]
    path = tmp_path / "extra.html"
    path.write_text(text, encoding="utf-8")
    _, report = _read(path)
    (finding,) = [f for f in report.findings if f.rule == "table.unplaced_value"]
    assert finding.severity == "error" and finding.printed == 17
    (location,) = finding.locations
    assert location.page is None and location.bbox is None
    element = _parsed(path).getroottree().xpath(location.locator)[0]
    assert element.text_content() == "17"


def test_unit_and_note_rows_inside_the_tables(tmp_path):
    """单位：件 as each table's first row and 注：… as its last, across the whole table: not
    rows of the report (no unmatched row), the values exact."""
    source = SAMPLES / "html" / "cms-r2024-prose-received-01.html"
    text = source.read_text(encoding="utf-8")
    widths = iter([4, 10, 15])
    pieces = text.split("<tbody>")
    for i in range(1, len(pieces)):
        n = next(widths)
        head, _, tail = pieces[i].partition("</tbody>")
        pieces[i] = (f'<tr><td colspan="{n}" style="text-align:right">单位：件</td></tr>' + head
                     + f'<tr><td colspan="{n}">注：本表统计时间为当年1月1日至12月31日。</td></tr></tbody>' + tail)
    path = tmp_path / "notes.html"
    path.write_text("<tbody>".join(pieces), encoding="utf-8")
    expected = json.loads((SAMPLES / "html" / f"{source.stem}.expected.json").read_text(encoding="utf-8"))
    _, report = _read(path)
    result = compare(path, expected, report.model_dump(mode="json"))
    assert result.wrong == [] and result.found_findings == result.expected_findings
    assert not [f for f in report.findings if f.rule.endswith("unmatched_row")]


def test_text_no_reader_sees_is_not_text(tmp_path):
    """White text (unless on a painted background), a font under 2 pt, <font color=white>."""
    body = """<table>
      <tr><td>12<span style="color:#ffffff">999</span></td><td>3<span style="font-size:0px">7</span></td>
          <td><font color="white">5</font>6</td><td>8<span style="font-size:1pt">9</span><span style="font-size:3pt">4</span></td></tr>
      <tr style="background:#003366"><td style="color:#fff">自然人</td><td bgcolor="#ffffff"><span style="color: white">x</span>1</td>
          <td><span style="color:rgb(255, 255, 255)">总计</span></td><td style="background-color:transparent;color:white">2</td></tr>
    </table>"""
    body = body.replace("</table>", '<tr><td style="color:#FFFFFF">7</td><td style="visibility:hidden">7</td>'
                        '<td style="display:none">7</td><td>1</td><td>2</td></tr></table>')
    (grid,) = read_html(_page(tmp_path, body), DEFAULT_SETTINGS).grids
    texts = {(c.row, c.col): c.text for c in grid.cells}
    assert [texts[(0, c)] for c in range(4)] == ["12", "3", "6", "84"]
    # cells with invisible text keep their place, empty; a cell not laid out takes none
    assert [texts[(2, c)] for c in range(4)] == ["", "", "1", "2"]
    # on the row's dark background white shows; a cell painting white again hides it
    assert [texts[(1, c)] for c in range(4)] == ["自然人", "1", "总计", "2"]
