"""OFD input (extract/read/ofd.py) on the samples samples/make_ofd.py writes from the
digital and scanned sample PDFs: every sample exact, glyph placement (DeltaX with `g`, one
character per object, CTM) against the source PDF's own glyph origins, the scan path, a
volume split, batch and crops, and damaged or encrypted packages refused in one line."""

from __future__ import annotations

import ctypes
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from conftest import SAMPLES

from extract.cli import main
from extract.evaluate import evaluate
from extract.pipeline import extract_file, split_file
from extract.read.pdf import needs_ocr
from extract.read import ofd
from extract.settings import DEFAULT_SETTINGS

OFD_SAMPLES = SAMPLES / "ofd"
LINES = OFD_SAMPLES / "ofd-lines-r2019-basic-procurement-01.ofd"
CHARS = OFD_SAMPLES / "ofd-chars-r2022-nulls-slash-01.ofd"
CTM = OFD_SAMPLES / "ofd-ctm-r2023-bignumbers-thousands-01.ofd"
TWODOCS = OFD_SAMPLES / "ofd-twodocs-r2024-pagebreak-exact-01.ofd"
TURNED = OFD_SAMPLES / "ofd-turned-r2020-wrap-bigfont-01.ofd"
PICTURE = OFD_SAMPLES / "ofd-picture-r2021-picture-table-01.ofd"
VOLUME = OFD_SAMPLES / "ofd-volume-2.ofd"
SCAN = OFD_SAMPLES / "ofd-scan-r2022-other-single-01.ofd"
PT_PER_MM = 72 / 25.4


def test_every_digital_ofd_sample_is_exact():
    # The scan and the picture tables cost OCR: read by the tests below, one page each.
    digital = sorted(p for p in OFD_SAMPLES.glob("*.ofd") if p not in (SCAN, PICTURE))
    assert len(digital) == 6
    results = evaluate(digital, None, DEFAULT_SETTINGS)
    # The volume gives one result per report.
    assert len(results) == 7
    for result in results:
        assert result.error is None and result.perfect, (result.pdf.name, result.error, result.wrong[:3])
        assert sum(result.cells.values()) >= 190


def _pdf_glyphs(path: Path) -> list[list[tuple[str, float, float]]]:
    """(character, origin x, baseline y) of every printed character, per page, in points
    from the page's top-left, as pdfium reports them."""
    doc = pdfium.PdfDocument(str(path))
    pages = []
    x, y = ctypes.c_double(), ctypes.c_double()
    for page in doc:
        height = page.get_size()[1]
        textpage = page.get_textpage()
        raw = textpage.raw
        glyphs = []
        for i in range(pdfium_c.FPDFText_CountChars(raw)):
            code = pdfium_c.FPDFText_GetUnicode(raw, i)
            if code <= 0x20 or pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
                continue
            pdfium_c.FPDFText_GetCharOrigin(raw, i, x, y)
            glyphs.append((chr(code), x.value, height - y.value))
        pages.append(glyphs)
    doc.close()
    return pages


def _ofd_glyphs(path: Path) -> list[list[tuple[str, float, float]]]:
    doc = ofd.open_ofd(path, DEFAULT_SETTINGS)
    try:
        return [[(b.text, b.bbox.x0, b.baseline) for b in ofd.read_page(doc, i, DEFAULT_SETTINGS).boxes]
                for i in range(len(doc))]
    finally:
        doc.close()


@pytest.mark.parametrize(("sample", "source", "scale", "shift_mm"), [
    (LINES, "r2019-basic-procurement-01", 1.0, (0.0, 0.0)),  # one TextObject per line, DeltaX "g N v"
    (CHARS, "r2022-nulls-slash-01", 1.0, (0.0, 0.0)),  # one TextObject per character
    (CTM, "r2023-bignumbers-thousands-01", 0.8, (15.0, 20.0)),  # CTM zoom inside PageBlocks
    (TURNED, "r2020-wrap-bigfont-01", 1.0, (0.0, 0.0)),  # laid sideways on the sheet, turned back
])
def test_glyphs_sit_where_the_source_pdf_prints_them(sample, source, scale, shift_mm):
    with zipfile.ZipFile(sample) as archive:
        page = archive.read("Doc_0/Pages/Page_0/Content.xml").decode()
    if sample == LINES:
        assert 'DeltaX="g ' in page  # the compressed form is what is read
    if sample == CTM:
        assert "<ofd:PageBlock" in page and 'CTM="0.8 0 0 0.8 0 0"' in page
    if sample == TURNED:
        assert 'CTM="0 1 -1 0 ' in page and "<ofd:PhysicalBox>0 0 297 210.01<" in page
    want = _pdf_glyphs(SAMPLES / f"{source}.pdf")
    got = _ofd_glyphs(sample)
    assert [len(p) for p in got] == [len(p) for p in want]
    dx, dy = shift_mm[0] * PT_PER_MM, shift_mm[1] * PT_PER_MM
    worst = 0.0
    for page_want, page_got in zip(want, got):
        for (char, x, y), (ofd_char, ofd_x, ofd_baseline) in zip(sorted(page_want, key=lambda g: (round(g[2], 1), g[1])),
                                                                  sorted(page_got, key=lambda g: (round(g[2], 1), g[1]))):
            assert char == ofd_char
            worst = max(worst, abs(x * scale + dx - ofd_x), abs(y * scale + dy - ofd_baseline))
    # Coordinates are written to 0.001 mm; DeltaX sums over a line add up to a few of those.
    assert worst < 0.1, worst


def test_two_documents_and_a_template_header_make_one_sequence_of_pages():
    doc = ofd.open_ofd(TWODOCS, DEFAULT_SETTINGS)
    try:
        assert [p.document for p in doc.pages] == [0, 0, 1, 1, 1]
        for index in range(len(doc)):
            text = "".join(b.text for b in ofd.read_page(doc, index, DEFAULT_SETTINGS).boxes)
            assert text.startswith("信息公开专栏")  # the template's header, drawn under every page
    finally:
        doc.close()
    assert len(_pdf_glyphs(SAMPLES / "r2024-pagebreak-exact-01.pdf")) == 5


def test_an_ofd_volume_splits_like_a_pdf_volume():
    split = split_file(VOLUME, DEFAULT_SETTINGS)
    expected = json.loads(VOLUME.with_name("ofd-volume-2.expected.json").read_text(encoding="utf-8"))
    assert [(r.first_page, r.last_page) for r in split.reports] == [
        (e["source"]["first_page"], e["source"]["last_page"]) for e in expected
    ]


def test_a_scanned_ofd_page_goes_to_the_scan_path_with_its_own_pixels():
    doc = ofd.open_ofd(SCAN, DEFAULT_SETTINGS)
    try:
        page = ofd.read_page(doc, 2, DEFAULT_SETTINGS)
        images = ofd.page_images(doc, 2)
        assert not page.boxes and images.coverage > 0.99 and 145 < images.native_dpi < 155
        assert needs_ocr(page, images, DEFAULT_SETTINGS, lambda: ofd.outlined_glyphs(doc, 2))
        image = ofd.scanned_page_image(doc, 2, images, DEFAULT_SETTINGS.min_render_dpi, DEFAULT_SETTINGS.max_render_dpi)
    finally:
        doc.close()
    # The same pixels as the source scan's JPEG, decoded, not a rendering.
    source = pdfium.PdfDocument(str(SAMPLES / "scanned" / "scan-r2022-other-single-01.pdf"))
    jpeg = bytes(next(iter(source[2].get_objects())).get_data(decode_simple=False))
    source.close()
    assert np.array_equal(image.image, cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_UNCHANGED))
    # Page 3 holds table 四 (and the end of 三): read by OCR, exact.
    record = extract_file(SCAN, DEFAULT_SETTINGS, pages=(3,)).model_dump(mode="json")
    want = json.loads(SCAN.with_name(f"{SCAN.stem}.expected.json").read_text(encoding="utf-8"))
    assert record["tables"]["review_litigation"] == want["tables"]["review_litigation"]


def test_a_table_pasted_as_a_picture_into_an_ofd_text_page_is_read_from_the_picture():
    # Page 5: the end of table 三 (its last row, 结转下年度继续办理) as a 120 dpi screenshot
    # (a PNG ImageObject), 四 as text.
    record = extract_file(PICTURE, DEFAULT_SETTINGS, pages=(5,)).model_dump(mode="json")
    want = json.loads(PICTURE.with_name(f"{PICTURE.stem}.expected.json").read_text(encoding="utf-8"))
    from_picture = {k: c for k, c in record["cells"].items() if c["page"] == 5 and c["source"] == "ocr"}
    assert {k.rsplit(".", 1)[0] for k in from_picture} == {"applications.carried_forward"} and len(from_picture) == 7
    for key, cell in from_picture.items():
        table, row, column = key.split(".")
        assert cell["value"] == want["tables"][table][row][column], key
    assert record["tables"]["review_litigation"] == want["tables"]["review_litigation"]
    assert record["source"]["kind"] == "mixed"


def test_batch_takes_ofd_files(tmp_path):
    from extract.batch.runner import main as batch_main

    folder = tmp_path / "in"
    folder.mkdir()
    for sample in (LINES, VOLUME):
        (folder / sample.name).write_bytes(sample.read_bytes())
    db_path = tmp_path / "r.sqlite"
    assert batch_main([str(folder), "--db", str(db_path), "--workers", "1", "-q"]) == 0
    db = sqlite3.connect(db_path)
    rows = db.execute("SELECT d.path, d.status, r.first_page, r.last_page, r.kind FROM documents d "
                      "JOIN reports r USING (sha256) ORDER BY d.path, r.first_page").fetchall()
    db.close()
    assert [(Path(p).name, s, f, l, k) for p, s, f, l, k in rows] == [
        (LINES.name, "ok", 1, 4, "digital"), (VOLUME.name, "ok", 1, 4, "digital"), (VOLUME.name, "ok", 5, 8, "digital"),
    ]


def test_a_cell_crop_of_an_ofd_page_shows_its_ink():
    from extract.show.crops import DocumentCrops

    record = extract_file(LINES, DEFAULT_SETTINGS)
    cells = record.model_dump(mode="json")["cells"]
    cell = next(c for c in cells.values() if c.get("value") and c.get("bbox"))
    with DocumentCrops(LINES) as crops:
        crop = crops.crop(cell["page"], cell["bbox"])
    assert crop.size and (crop < 128).any()


def _package(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _sample_files() -> dict[str, bytes]:
    with zipfile.ZipFile(LINES) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _broken(kind: str) -> bytes:
    files = _sample_files()
    if kind == "truncated":
        return LINES.read_bytes()[: LINES.stat().st_size // 2]
    if kind == "no OFD.xml":
        del files["OFD.xml"]
    elif kind == "broken XML":
        files["Doc_0/Pages/Page_1/Content.xml"] = files["Doc_0/Pages/Page_1/Content.xml"][:-40]
    elif kind == "page missing":
        del files["Doc_0/Pages/Page_2/Content.xml"]
    elif kind == "encrypted":
        files["OFD.xml"] = files["OFD.xml"].replace(
            b"</ofd:DocBody>", b"<ofd:Encryptions>Doc_0/Encryptions.xml</ofd:Encryptions></ofd:DocBody>")
    return _package(files)


@pytest.mark.parametrize(("kind", "reason"), [
    ("truncated", "not an OFD (an OFD is a zip archive"),
    ("no OFD.xml", "not an OFD (the archive has no OFD.xml)"),
    ("broken XML", "the OFD is damaged (Doc_0/Pages/Page_1/Content.xml: "),
    ("page missing", "the OFD is damaged (page 3: Doc_0/Pages/Page_2/Content.xml is missing)"),
    ("encrypted", "the OFD is encrypted"),
])
def test_a_damaged_or_encrypted_ofd_is_one_line_and_exit_4(tmp_path, capsys, kind, reason):
    path = tmp_path / "report.ofd"
    path.write_bytes(_broken(kind))
    assert main([str(path)]) == 4
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"extract: {path}: {reason}") and "\n" not in err, err


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, capsys):
    files = _sample_files()
    # 60 MB of spaces in a page deflate to about 60 KB.
    files["Doc_0/Pages/Page_0/Content.xml"] = files["Doc_0/Pages/Page_0/Content.xml"] + b" " * (60 * 1024 * 1024)
    path = tmp_path / "bomb.ofd"
    path.write_bytes(_package(files))
    assert path.stat().st_size < 1024 * 1024
    assert main([str(path)]) == 7
    err = capsys.readouterr().err.strip()
    assert "over the limit" in err and "\n" not in err


_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def test_hidden_text_composite_objects_foreground_templates_and_terse_paths(tmp_path):
    """A package written by hand: invisible text three ways, a CompositeObject whose
    unit draws a line in path syntax without spaces, scaled by the object's CTM, and a
    Foreground template over the page."""
    text = '<ofd:TextObject ID="{id}" Boundary="{x} 40 60 10" Size="4" Font="1"{attrs}>{fill}' \
           '<ofd:TextCode X="0" Y="4" DeltaX="{dx}">{chars}</ofd:TextCode></ofd:TextObject>'
    page = (
        f'<ofd:Page {_NS}><ofd:Template TemplateID="20" ZOrder="Foreground"/><ofd:Content><ofd:Layer ID="2">'
        + text.format(id=3, x=10, attrs=' Alpha="0"', fill="", dx="4", chars="隐藏")
        + text.format(id=4, x=10, attrs="", fill='<ofd:FillColor Value="0 0 0" Alpha="0"/>', dx="4", chars="透明")
        + text.format(id=5, x=10, attrs=' Fill="false"', fill="", dx="4", chars="无色")
        + '<ofd:PageBlock ID="6"><ofd:PageBlock ID="7">'
        + text.format(id=8, x=20, attrs="", fill="", dx="g 2 4 3", chars="可见12")
        + '</ofd:PageBlock></ofd:PageBlock>'
        + '<ofd:CompositeObject ID="9" Boundary="10 20 50 50" CTM="0.5 0 0 0.5 0 0" ResourceID="10"/>'
        + '</ofd:Layer></ofd:Content></ofd:Page>'
    )
    template = f'<ofd:Page {_NS}><ofd:Content><ofd:Layer ID="21">' \
        + text.format(id=22, x=20, attrs="", fill="", dx="4", chars="页眉") + '</ofd:Layer></ofd:Content></ofd:Page>'
    res = (f'<ofd:Res {_NS} BaseLoc="Res"><ofd:CompositeGraphicUnits><ofd:CompositeGraphicUnit ID="10" Width="50" '
           'Height="50"><ofd:Content><ofd:PathObject ID="11" Boundary="0 0 50 50" LineWidth="0.2">'
           '<ofd:AbbreviatedData>M0 0L40 0</ofd:AbbreviatedData></ofd:PathObject></ofd:Content>'
           '</ofd:CompositeGraphicUnit></ofd:CompositeGraphicUnits></ofd:Res>')
    document = (f'<ofd:Document {_NS}><ofd:CommonData><ofd:MaxUnitID>22</ofd:MaxUnitID><ofd:PageArea>'
                '<ofd:PhysicalBox>0 0 100 100</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>'
                '<ofd:TemplatePage ID="20" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
                '<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>')
    root = f'<ofd:OFD {_NS} Version="1.0"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>'
    path = tmp_path / "hand.ofd"
    path.write_bytes(_package({"OFD.xml": root.encode(), "Doc_0/Document.xml": document.encode(),
                               "Doc_0/PublicRes.xml": res.encode(), "Doc_0/Pages/Page_0/Content.xml": page.encode(),
                               "Doc_0/Tpls/Tpl_0/Content.xml": template.encode()}))
    doc = ofd.open_ofd(path, DEFAULT_SETTINGS)
    try:
        content = ofd.read_page(doc, 0, DEFAULT_SETTINGS)
    finally:
        doc.close()
    assert (content.width, content.height) == pytest.approx((100 * PT_PER_MM, 100 * PT_PER_MM))
    assert "".join(b.text for b in content.boxes) == "可见12页眉"  # the foreground template after the page
    assert content.hidden_glyphs == 6
    # g 2 4 3: the second and third characters 4 mm on, the fourth 3 mm after the third.
    assert [round(b.bbox.x0 / PT_PER_MM, 3) for b in content.boxes[:4]] == [20, 24, 28, 31]
    assert {round(b.baseline / PT_PER_MM, 3) for b in content.boxes} == {44}
    # The unit's 40 mm line, halved by the CTM, placed at the Boundary's corner (10, 20) mm.
    (ruling,) = content.rulings
    assert ruling.orientation == "h"
    assert (ruling.position, ruling.start, ruling.end) == pytest.approx((20 * PT_PER_MM, 10 * PT_PER_MM, 30 * PT_PER_MM))
