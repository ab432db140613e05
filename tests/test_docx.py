"""Word files: every .docx sample exact (vMerge/gridSpan spans, labels broken by w:br, a
report nested in a layout table), locators pointing at the w:tc they were read from, a
.doc converted through LibreOffice, and the one-line errors."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES
from test_html import assert_every_number_placed_by_locator

from extract.cli import main
from extract.evaluate import compare
from extract.pipeline import build_report, read_tables
from extract.read.docx import W, read_docx_bytes
from extract.settings import DEFAULT_SETTINGS
from extract.text import parse_value

DOCX_SAMPLES = sorted((SAMPLES / "docx").glob("*.docx"))


def _check_exact(path: Path, kind: str = "docx"):
    reading = read_tables(path, DEFAULT_SETTINGS)
    report = build_report(reading, DEFAULT_SETTINGS)
    name = re.sub(r"\.(docx|doc|wps)$", "", path.name)
    expected_path = SAMPLES / "docx" / f"{name}.expected.json"
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    result = compare(path, expected, report.model_dump(mode="json"))
    assert result.wrong == []
    assert result.metadata_diffs == []
    assert result.found_findings == result.expected_findings
    assert sum(result.cells.values()) >= 195
    assert_every_number_placed_by_locator(reading, report)
    assert report.source.kind == kind and report.source.pages is None
    return report


def test_the_docx_samples_are_there():
    assert {p.stem.split("-")[0] for p in DOCX_SAMPLES} >= {"word", "nested"}


@pytest.mark.parametrize("path", DOCX_SAMPLES, ids=lambda p: p.stem)
def test_docx_sample_is_exact(path):
    report = _check_exact(path)
    assert all(r.source == "docx" and r.page is None and r.bbox is None for r in report.cells.values())


def _document_xml(path: Path):
    from lxml import etree

    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


@pytest.mark.parametrize("path", DOCX_SAMPLES, ids=lambda p: p.stem)
def test_locators_point_at_the_cells(path):
    report = build_report(read_tables(path, DEFAULT_SETTINGS), DEFAULT_SETTINGS)
    root = _document_xml(path)
    tables = list(root.iter(f"{{{W}}}tbl"))
    for key, record in report.cells.items():
        found = root.getroottree().xpath(record.locator, namespaces={"w": W})
        assert len(found) == 1, (key, record.locator)
        tc = found[0]
        assert tc.tag == f"{{{W}}}tc"
        # What Word shows: the generator's hidden runs (white, or a 1 pt font) left out.
        shown = "".join(
            t.text or "" for t in tc.iter(f"{{{W}}}t")
            if not t.getparent().xpath("w:rPr/w:color[@w:val='FFFFFF'] | w:rPr/w:sz[@w:val='2']", namespaces={"w": W})
        )
        assert re.sub(r"\s+", "", shown) == re.sub(r"\s+", "", record.text), (key, record.locator)
        table = next(tc.iterancestors(f"{{{W}}}tbl"))
        assert tables.index(table) + 1 == record.place.table
        rows = [tr for tr in table.iter(f"{{{W}}}tr") if next(tr.iterancestors(f"{{{W}}}tbl")) is table]
        assert rows.index(tc.getparent()) + 1 == record.place.row


def test_vertical_merges_grid_spans_and_line_breaks():
    """generate.py's own .docx: 三's corner note is a 3x3 merge (gridSpan 3 + vMerge), the
    vertical 三、本年度办理结果 is one character per line (w:br) down a vMerge of the result rows."""
    path = SAMPLES / "docx" / "word-r2024-wps-vertical-01.docx"
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "w:vMerge" in xml and "w:gridSpan" in xml and "<w:br/>" in xml
    document = read_docx_bytes(path.read_bytes(), str(path))
    apps = next(g for g in document.grids if any("申请人情况" in c.text for c in g.cells))
    corner = next(c for c in apps.cells if c.row == 0 and c.col == 0)
    assert (corner.row_span, corner.col_span) == (3, 3)
    applicants = next(c for c in apps.cells if c.text == "申请人情况")
    assert (applicants.row_span, applicants.col_span) == (1, 7)
    results = next(c for c in apps.cells if c.text.replace("\n", "") == "三、本年度办理结果")
    assert results.text == "\n".join("三、本年度办理结果") and results.row_span >= 20
    withheld = next(c for c in apps.cells if c.col == 1 and "不予公开" in c.text.replace("\n", ""))
    assert withheld.row_span == 8


def test_nested_report_tables():
    path = SAMPLES / "docx" / "nested-r2022-nulls-slash-01.docx"
    document = read_docx_bytes(path.read_bytes(), str(path))
    assert document.tables_found == 4 and len(document.grids) == 3  # the layout table is not a grid
    report = build_report(read_tables(path, DEFAULT_SETTINGS), DEFAULT_SETTINGS)
    assert {r.place.table for r in report.cells.values()} == {2, 3, 4}
    assert all("/w:tbl[1]/w:tr[1]/w:tc[1]/w:tbl[" in r.locator for r in report.cells.values())


def _docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_document_without_report_table_exits_6(tmp_path, capsys):
    path = tmp_path / "notice.docx"
    path.write_bytes(_docx(["关于召开会议的通知"], [["姓名", "电话"], ["张三", "1"]]))
    assert main([str(path)]) == 6
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith(f"extract: {path}: not an annual report") and "关于召开会议的通知" in err and "1 table" in err


def test_unreadable_word_files_exit_4(tmp_path, capsys):
    sample = (SAMPLES / "docx" / "nested-r2022-nulls-slash-01.docx").read_bytes()
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(sample[: len(sample) // 2])
    text = tmp_path / "text.docx"
    text.write_text("这不是Word文件", encoding="utf-8")
    no_document = tmp_path / "nodoc.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "x")
    no_document.write_bytes(buffer.getvalue())
    for path in (truncated, text, no_document):
        assert main([str(path)]) == 4, path
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"extract: {path}: ") and "\n" not in err


def test_doc_without_libreoffice_names_what_to_install(tmp_path, capsys, monkeypatch):
    path = tmp_path / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main([str(path)]) == 8
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "needs LibreOffice" in err and "install" in err


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_doc_is_converted_through_libreoffice(tmp_path, capsys):
    """A .doc made at test time from a .docx sample (LibreOffice's MS Word 97 filter) reads
    exactly as the .docx does."""
    source = tmp_path / "nested-r2022-nulls-slash-01.docx"
    shutil.copyfile(SAMPLES / "docx" / source.name, source)
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "doc", "--outdir", str(tmp_path / "doc"), str(source)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180,
    )
    doc = tmp_path / "doc" / "nested-r2022-nulls-slash-01.doc"
    assert doc.read_bytes().startswith(b"\xd0\xcf\x11\xe0")  # a real binary .doc
    report = _check_exact(doc)
    assert report.source.file.endswith(".doc")
    # WPS Office's .wps is the same binary format: LibreOffice converts it alike.
    wps = tmp_path / "report.wps"
    shutil.copyfile(doc, wps)
    assert build_report(read_tables(wps, DEFAULT_SETTINGS), DEFAULT_SETTINGS).tables == report.tables
    # RTF (Word and WPS save it, often named .doc): converted alike, by suffix or by content.
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "rtf", "--outdir", str(tmp_path / "rtf"), str(source)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180,
    )
    rtf = tmp_path / "rtf" / "nested-r2022-nulls-slash-01.rtf"
    assert rtf.read_bytes().startswith(b"{\\rtf")
    download = tmp_path / "getfile.jsp"  # a download saved under its link's name
    shutil.copyfile(rtf, download)
    for path in (rtf, download):
        assert build_report(read_tables(path, DEFAULT_SETTINGS), DEFAULT_SETTINGS).tables == report.tables
    # A damaged .doc: LibreOffice cannot convert it, the usual one-line error and exit 4.
    broken = tmp_path / "broken.doc"
    broken.write_bytes(doc.read_bytes()[:1024])
    assert main([str(broken)]) == 4
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "LibreOffice could not convert it" in err


def test_values_read_from_the_docx_match_what_word_shows():
    """Spot check against the XML itself: a slash-marked null stays a printed '/' with value null."""
    path = SAMPLES / "docx" / "nested-r2022-nulls-slash-01.docx"
    report = build_report(read_tables(path, DEFAULT_SETTINGS), DEFAULT_SETTINGS)
    slashes = [k for k, r in report.cells.items() if r.text == "/"]
    assert slashes and all(report.cells[k].value is None and parse_value("/").value is None for k in slashes)


def test_damaged_copies_never_crash(tmp_path, capsys):
    """Bit flips, truncation, zeroed and duplicated blocks in HTML and Word samples: a result
    or a one-line error with a documented code, never an internal error (exit 10)."""
    import random

    sources = sorted((SAMPLES / "html").glob("*.html")) + DOCX_SAMPLES
    rng = random.Random(20261201)
    for i in range(40):
        source = rng.choice(sources)
        data = bytearray(source.read_bytes())
        kind = i % 4
        if kind == 0:
            for _ in range(rng.randint(1, 20)):
                k = rng.randrange(len(data))
                data[k] ^= 1 << rng.randrange(8)
        elif kind == 1:
            data = data[: rng.randrange(len(data))]
        elif kind == 2:
            a = rng.randrange(len(data))
            data[a : a + 4000] = bytes(len(data[a : a + 4000]))
        else:
            a = rng.randrange(len(data))
            data[a:a] = data[a : a + 4000]
        path = tmp_path / f"damaged{i}{source.suffix}"
        path.write_bytes(bytes(data))
        code = main([str(path), "-q"])
        err = capsys.readouterr().err.strip()
        assert code in (0, 1, 4, 6, 7), (path.name, source.name, err)
        assert code == 0 or (err.startswith(f"extract: {path}: ") and "\n" not in err and "internal error" not in err)


def test_old_binary_word_named_docx_is_converted(tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    source = tmp_path / "nested-r2022-nulls-slash-01.docx"
    shutil.copyfile(SAMPLES / "docx" / source.name, source)
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "doc", "--outdir", str(tmp_path / "doc"), str(source)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180,
    )
    misnamed = tmp_path / "misnamed.docx"  # a .doc saved with the new suffix, as sites serve them
    shutil.copyfile(tmp_path / "doc" / "nested-r2022-nulls-slash-01.doc", misnamed)
    want = build_report(read_tables(source, DEFAULT_SETTINGS), DEFAULT_SETTINGS)
    assert build_report(read_tables(misnamed, DEFAULT_SETTINGS), DEFAULT_SETTINGS).tables == want.tables


def test_debug_dump_of_a_word_file(tmp_path):
    """--debug DIR for a Word file: each grid cell with its locator and template key."""
    path = SAMPLES / "docx" / "nested-r2022-nulls-slash-01.docx"
    assert main([str(path), "-q", "--debug", str(tmp_path / "debug")]) == 0
    dump = (tmp_path / "debug" / "tables.txt").read_text(encoding="utf-8")
    report = build_report(read_tables(path, DEFAULT_SETTINGS), DEFAULT_SETTINGS)
    for key, record in report.cells.items():
        assert f"{record.locator}  -> {key}" in dump
    assert "二、主动公开政府信息情况" in (tmp_path / "debug" / "text.txt").read_text(encoding="utf-8")


_W_NS = f'xmlns:w="{W}"'


def _minimal_docx(body: str) -> bytes:
    """A .docx holding only word/document.xml: what the reader needs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W_NS}><w:body>{body}</w:body></w:document>')
    return buffer.getvalue()


def _tc(text: str = "", props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_wordprocessingml_details_become_the_grid():
    """gridBefore, old Word's hMerge, vMerge continue (val omitted and "continue"), a row and
    a cell inside content controls, tracked changes, hidden runs, tabs and breaks."""
    rows = [
        # row 0: a 2-column merge written as hMerge restart + continue, then a plain cell
        "<w:tr>" + _tc("（三）不予公开", '<w:hMerge w:val="restart"/><w:vMerge w:val="restart"/>')
        + _tc("", '<w:hMerge/><w:vMerge w:val="restart"/>') + _tc("12") + "</w:tr>",
        # row 1: vMerge continues below the merged pair (gridSpan 2), a cell in a content control
        "<w:tr>" + _tc("", '<w:gridSpan w:val="2"/><w:vMerge/>')
        + '<w:sdt><w:sdtContent>' + _tc("3") + "</w:sdtContent></w:sdt></w:tr>",
        # row 2 (inside a content control): starts at column 1 (gridBefore), tracked changes,
        # a hidden run, a tab and a line break
        '<w:sdt><w:sdtContent><w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
        "<w:tc><w:p><w:r><w:t>1.属于</w:t></w:r><w:ins><w:r><w:t>国家</w:t></w:r></w:ins>"
        "<w:del><w:r><w:delText>旧</w:delText></w:r></w:del><w:moveFrom><w:r><w:t>移</w:t></w:r></w:moveFrom>"
        "<w:r><w:br/><w:t>秘</w:t></w:r><w:moveTo><w:r><w:t>密</w:t></w:r></w:moveTo>"
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>999</w:t></w:r></w:p></w:tc>'
        "<w:tc><w:p><w:r><w:t>4</w:t><w:tab/><w:t>5</w:t></w:r></w:p></w:tc></w:tr></w:sdtContent></w:sdt>",
    ]
    grid_xml = '<w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="1500"/><w:gridCol w:w="500"/></w:tblGrid>'
    data = _minimal_docx(f"<w:p><w:r><w:t>标题</w:t></w:r></w:p><w:tbl>{grid_xml}{''.join(rows)}</w:tbl>")
    document = read_docx_bytes(data, "x.docx")
    (grid,) = document.grids
    cells = {(c.row, c.col): c for c in grid.cells}
    assert (grid.n_rows, grid.n_cols) == (3, 3)
    assert (cells[(0, 0)].text, cells[(0, 0)].row_span, cells[(0, 0)].col_span) == ("（三）不予公开", 2, 2)
    assert cells[(0, 2)].text == "12" and cells[(1, 2)].text == "3"
    assert cells[(2, 1)].text == "1.属于国家\n秘密"
    assert cells[(2, 2)].text == "4 5"
    assert (2, 0) not in cells  # gridBefore: nothing printed there
    assert grid.xs == pytest.approx((0.0, 60.0, 105.0, 120.0))  # the gridCol widths, 40 per average column
    assert cells[(1, 2)].locator == "/w:document[1]/w:body[1]/w:tbl[1]/w:tr[2]/w:sdt[1]/w:sdtContent[1]/w:tc[1]"
    assert [line.text for line in document.lines][:1] == ["标题"]


def test_text_no_reader_sees_in_word():
    """White runs (unless on a coloured cell shading or highlight), fonts under 2 pt, w:vanish."""
    def run(text, props=""):
        return f"<w:r><w:rPr>{props}</w:rPr><w:t>{text}</w:t></w:r>"
    white = '<w:color w:val="FFFFFF"/>'
    cells = [
        "<w:tc><w:p>" + run("12") + run("999", white) + "</w:p></w:tc>",
        "<w:tc><w:p>" + run("3") + run("7", '<w:sz w:val="2"/>') + run("4", '<w:sz w:val="8"/>') + "</w:p></w:tc>",
        '<w:tc><w:tcPr><w:shd w:val="clear" w:fill="1F4E79"/></w:tcPr><w:p>' + run("自然人", white) + "</w:p></w:tc>",
        "<w:tc><w:p>" + run("总计", white + '<w:highlight w:val="darkBlue"/>') + run("9", white + '<w:highlight w:val="white"/>') + "</w:p></w:tc>",
    ]
    document = read_docx_bytes(_minimal_docx(f"<w:tbl><w:tr>{''.join(cells)}</w:tr><w:tr>{''.join(cells)}</w:tr></w:tbl>"), "x.docx")
    (grid,) = document.grids
    assert [c.text for c in grid.cells if c.row == 0] == ["12", "34", "自然人", "总计"]


def test_files_named_by_their_download_link_are_read_by_content(tmp_path, capsys):
    """Archives keep files as their download links named them (getfile.aspx, download.jsp,
    no suffix): a web page or a .docx is recognised by its first bytes."""
    page = SAMPLES / "html" / "gbk-r2021-split-fullwidth-01.html"
    word = SAMPLES / "docx" / "word-r2020-wrap-bigfont-01.docx"
    for source, name in ((page, "getfile.aspx"), (word, "download")):
        renamed = tmp_path / name
        shutil.copyfile(source, renamed)
        assert main([str(renamed), "-q", "--json"]) == 0
        got = json.loads(capsys.readouterr().out)
        want = build_report(read_tables(source, DEFAULT_SETTINGS), DEFAULT_SETTINGS).model_dump(mode="json")
        assert got["tables"] == want["tables"] and got["source"]["kind"] == want["source"]["kind"]
    other = tmp_path / "notes.jsp"
    other.write_text("not a report", encoding="utf-8")
    assert main([str(other)]) == 4  # neither markup nor PDF: the PDF reader's error, as before
