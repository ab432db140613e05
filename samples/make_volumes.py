"""Volumes: many sample reports bound into one PDF, with a cover, a contents page and a
blank page, and the expected JSON of the volume (an array of the members' expected records,
each with its page range under "source").

Two kinds, both made from committed samples:

- **digital**: the members' pages (samples/<name>.pdf) merged with pypdf after a cover and
  a contents page, a blank page after one member, and printed page numbers ("- n -",
  restarting at 1 for each report) stamped at the foot of every other member. The front
  pages are typeset by LibreOffice (python-docx, Noto CJK embedded) into
  ``samples/volumes/front-<volume>.pdf``; the page numbers by reportlab (Helvetica). The
  volume and its expected JSON are committed (``samples/volumes/<volume>.pdf``).
- **scanned**: the members' scanned twins (samples/scanned/<name>.pdf) merged unchanged
  (their JPEG pages copied, not re-encoded), after the digital front pages rendered with
  pypdfium2 and degraded like a grey office scan (paper tone, skew, noise, JPEG), and a
  blank scanned sheet (paper noise only). Built at test or benchmark time into a folder
  given (``build_volume``), never committed: the twins are committed already.
  ``turned`` members have their first page fed upside down (the page's /Rotate set to
  180, so the rendered image is upside down, as a sheet fed the wrong way).

Usage::

    python samples/make_volumes.py                     # front pages + committed digital volumes
    python samples/make_volumes.py --build NAME --out DIR   # any volume (scanned ones too) into DIR

Needs pypdf and pypdfium2 (building); python-docx, LibreOffice, fonts-noto-cjk and
reportlab (regenerating the committed front pages and page numbers).
"""
from __future__ import annotations

import argparse
import copy
import io
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "volumes"


@dataclass(frozen=True)
class Volume:
    name: str
    kind: str  # "digital" | "scanned"
    members: tuple[str, ...]  # sample names (digital) or twin names (scanned)
    blank_after: int  # a blank page after this member (0-based index)
    numbered: tuple[int, ...] = ()  # members with printed page numbers (digital only)
    turned: tuple[int, ...] = ()  # members whose first page is fed upside down (scanned)
    cover: tuple[str, ...] = ("某市政府信息公开工作年度报告汇编", "（2019—2025年度）", "某市人民政府办公室 编", "二〇二六年十二月")
    dpi: int = 150  # scanned front pages


VOLUMES: dict[str, Volume] = {
    v.name: v
    for v in (
        Volume(
            "volume-digital-12",
            "digital",
            (
                "r2019-basic-procurement-01", "r2020-split-withheld-repeat-01", "r2021-split-unable-norepeat-01",
                "r2022-error-leaf-01", "r2022-landscape-review-01", "r2022-labels-variant-01",
                "r2023-format2019-late-01", "r2023-bignumbers-thousands-01", "r2024-error-grandtotal-01",
                "r2024-wps-vertical-01", "r2025-lo-landscape-01", "seed-2024",
            ),
            blank_after=5,
            numbered=(0, 2, 4, 6, 8, 10),
        ),
        Volume(
            "volume-scanned-2",
            "scanned",
            ("scan-r2022-word-shaded-01", "scan-r2022-labels-variant-01"),
            blank_after=0,
            turned=(1,),
        ),
        Volume(
            "volume-scanned-12",
            "scanned",
            (
                "scan-r2019-basic-procurement-01", "scan-r2020-wrap-bigfont-01", "scan-r2020-split-withheld-repeat-01",
                "scan-r2023-format2019-late-01", "scan-r2021-split-unable-norepeat-01", "scan-r2022-labels-variant-01",
                "scan-r2022-landscape-review-01", "scan-r2023-bignumbers-thousands-01", "scan-r2024-error-grandtotal-01",
                "scan-r2025-zeros-split-unable-01", "scan-r2022-word-shaded-01", "scan-seed-2024",
            ),
            blank_after=5,
            turned=(3, 9),
        ),
    )
}


def _member_path(volume: Volume, member: str) -> Path:
    return (HERE / "scanned" if volume.kind == "scanned" else HERE) / f"{member}.pdf"


def _front_path(volume: Volume) -> Path:
    # Scanned volumes reuse the digital volume's front pages typeset for their own members.
    return OUT / f"front-{volume.name}.pdf"


def _expected(volume: Volume, member: str) -> dict:
    path = _member_path(volume, member).with_suffix(".expected.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _page_count(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


@dataclass(frozen=True)
class Layout:
    """Where everything lands in the volume (1-based pages)."""

    front_pages: int  # cover + contents
    ranges: tuple[tuple[int, int], ...]  # per member
    blank_page: int


def layout(volume: Volume) -> Layout:
    page = 3  # after the cover and the contents page
    ranges = []
    blank = 0
    for k, member in enumerate(volume.members):
        count = _page_count(_member_path(volume, member))
        ranges.append((page, page + count - 1))
        page += count
        if k == volume.blank_after:
            blank = page
            page += 1
    return Layout(2, tuple(ranges), blank)


def _titles(volume: Volume) -> list[str]:
    titles = []
    for member in volume.members:
        info = _expected(volume, member)["report"]
        titles.append(f"{info['agency']}{info['year']}年政府信息公开工作年度报告")
    return titles


# ---------------------------------------------------------------- front pages (LibreOffice)

def make_front(volume: Volume) -> Path:
    """Cover and contents page, typeset by LibreOffice with Noto CJK embedded."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")

    def paragraph(text: str, size: float, bold: bool = False, center: bool = True, space: float = 12):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
        p.paragraph_format.space_after = Pt(space)
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        run.font.name = "Noto Serif CJK SC"
        run._element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")
        return p

    for _ in range(6):
        paragraph("", 16)
    paragraph(volume.cover[0], 26, bold=True, space=24)
    paragraph(volume.cover[1], 18, space=160)
    for line in volume.cover[2:]:
        paragraph(line, 16, space=12)
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    paragraph("目  录", 20, bold=True, space=24)
    where = layout(volume)
    for title, (first, _) in zip(_titles(volume), where.ranges):
        # Leader dots to the page number, as contents pages print them.
        paragraph(f"{title}{'…' * max(2, 34 - len(title))}{first}", 11, center=False, space=6)
    with tempfile.TemporaryDirectory() as tmp:
        docx = Path(tmp) / f"front-{volume.name}.docx"
        doc.save(docx)
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                 "--outdir", tmp, str(docx)],
                check=True, capture_output=True, timeout=300,
            )
        out = _front_path(volume)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes((Path(tmp) / f"front-{volume.name}.pdf").read_bytes())
    if _page_count(out) != 2:
        raise SystemExit(f"{out}: the front pages came out as {_page_count(out)} pages, not 2")
    return out


# ---------------------------------------------------------------- page numbers (reportlab)

def _page_number_overlay(width: float, height: float, number: int):
    from pypdf import PdfReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height), invariant=1)
    c.setFont("Helvetica", 10.5)
    c.drawCentredString(width / 2, 28, f"- {number} -")
    c.showPage()
    c.save()
    return PdfReader(io.BytesIO(buf.getvalue())).pages[0]


# ---------------------------------------------------------------- scanned pages (pypdfium2)

def _scanned_pages_pdf(images: list, dpi: int, seed: int) -> bytes:
    """Grey page images -> an image-only PDF (one JPEG per page), as make_scans.py writes."""
    import cv2
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    try:
        for img in images:
            ok, buf = cv2.imencode(".jpg", img, [int(cv2.IMWRITE_JPEG_QUALITY), 45])
            assert ok
            h_px, w_px = img.shape[:2]
            w_pt, h_pt = w_px * 72.0 / dpi, h_px * 72.0 / dpi
            page = pdf.new_page(w_pt, h_pt)
            image = pdfium.PdfImage.new(pdf)
            image.load_jpeg(io.BytesIO(buf.tobytes()), pages=[page], inline=False)
            image.set_matrix(pdfium.PdfMatrix().scale(w_pt, h_pt))
            page.insert_obj(image)
            page.gen_content()
            page.close()
        out = io.BytesIO()
        pdf.save(out, version=17)
    finally:
        pdf.close()
    return out.getvalue()


def _degrade(gray, seed: int, skew_deg: float):
    """A grey office scan of a clean page: paper tone, a slight skew, blur, noise."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(seed)
    img = gray.astype(np.float32) * (246 / 255.0)
    h, w = img.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), skew_deg, 1.0)
    img = cv2.warpAffine(img, matrix, (w, h), borderValue=228)
    img = cv2.GaussianBlur(img, (0, 0), 0.6)
    img = img + rng.normal(0.0, 5.0, img.shape)
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


def _scanned_front(volume: Volume) -> bytes:
    """The front pages rendered and degraded, plus a blank scanned sheet, as a 3-page
    image-only PDF (cover, contents, blank)."""
    import numpy as np
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(_front_path(volume)))
    images = []
    try:
        for k in range(len(doc)):
            bitmap = doc[k].render(scale=volume.dpi / 72.0, grayscale=True)
            images.append(_degrade(np.array(bitmap.to_pil().convert("L")), 100 + k, (0.6, -0.9)[k % 2]))
        width, height = images[0].shape[1], images[0].shape[0]
    finally:
        doc.close()
    images.append(_degrade(np.full((height, width), 255, np.uint8), 199, 0.4))
    return _scanned_pages_pdf(images, volume.dpi, 0)


# ---------------------------------------------------------------- the volume

def build_volume(name: str, out_dir: Path) -> tuple[Path, Path]:
    """Write <out_dir>/<name>.pdf and <name>.expected.json; return their paths."""
    from pypdf import PdfReader, PdfWriter

    volume = VOLUMES[name]
    where = layout(volume)
    writer = PdfWriter()
    if volume.kind == "scanned":
        front = PdfReader(io.BytesIO(_scanned_front(volume)))
        cover_pages, blank_page = list(front.pages[:2]), front.pages[2]
    else:
        front = PdfReader(str(_front_path(volume)))
        cover_pages, blank_page = list(front.pages), None
    for page in cover_pages:
        writer.add_page(page)
    expected = []
    for k, member in enumerate(volume.members):
        reader = PdfReader(str(_member_path(volume, member)))
        for number, page in enumerate(reader.pages, start=1):
            added = writer.add_page(page)
            if k in volume.numbered:
                box = added.mediabox
                added.merge_page(_page_number_overlay(float(box.width), float(box.height), number))
            if k in volume.turned and number == 1:
                added.rotate(180)
        record = copy.deepcopy(_expected(volume, member))
        record.pop("scan", None)
        first, last = where.ranges[k]
        record["source"] = {"first_page": first, "last_page": last}
        expected.append(record)
        if k == volume.blank_after:
            if blank_page is not None:
                writer.add_page(blank_page)
            else:
                size = reader.pages[-1].mediabox
                writer.add_blank_page(float(size.width), float(size.height))
    writer.add_metadata({"/Title": name, "/Producer": "samples/make_volumes.py"})
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf_path = out_dir / f"{name}.pdf"
    with open(pdf_path, "wb") as handle:
        writer.write(handle)
    if _page_count(pdf_path) != where.ranges[-1][1]:
        raise RuntimeError(f"{pdf_path}: {_page_count(pdf_path)} pages, layout says {where.ranges[-1][1]}")
    expected_path = out_dir / f"{name}.expected.json"
    expected_path.write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return pdf_path, expected_path


def extra_pages(name: str) -> dict[int, str]:
    """The pages of a volume that belong to no report: page -> cover / contents / blank."""
    where = layout(VOLUMES[name])
    return {1: "cover", 2: "contents", where.blank_page: "blank"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", action="append", help="build this volume into --out (repeatable)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if args.build:
        for name in args.build:
            print(*build_volume(name, args.out))
        return 0
    for volume in VOLUMES.values():
        print(make_front(volume))
    for volume in VOLUMES.values():
        if volume.kind == "digital":
            print(*build_volume(volume.name, OUT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
