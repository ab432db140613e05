"""A scanned cell read as blank while the arithmetic says a number was printed there is named
(held-out round 10: a photocopy's bold 2932 erased with a false ruling through its strokes, a
toner-starved 5 below the ink threshold: both read as blank, confidence 1.0, and every rule
over them only "not checked")."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from extract.pipeline import build_report, read_tables
from extract.settings import DEFAULT_SETTINGS

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "r2023-nulls-dash-01.pdf"


@pytest.fixture(scope="module")
def reading():
    return read_tables(SAMPLE, DEFAULT_SETTINGS)


def _as_scanned(reading, blank: dict[str, str]):
    """The same tables as a scan would hand them over: every cell OCR-read (sure), the
    cells in `blank` read as `blank[key]` (no ink found: "")."""
    cells = {}
    for key, mapped in reading.mapping.cells.items():
        cell = replace(mapped.cell, source="ocr", confidence=0.99, text=blank.get(key, mapped.cell.text))
        cells[key] = replace(mapped, cell=cell)
    return replace(reading, mapping=replace(reading.mapping, cells=cells))


def _blank_findings(report):
    return [f for f in report.findings if f.rule == "cell.blank_doubtful"]


def _printed(reading, predicate):
    return next(k for k, m in reading.mapping.cells.items()
                if k.startswith("applications.") and predicate(m.cell.text.strip()))


def test_a_blank_read_where_a_number_was_printed_is_named(reading):
    key = _printed(reading, lambda t: t.isdigit() and int(t) > 0)
    report = build_report(_as_scanned(reading, {key: ""}), DEFAULT_SETTINGS)
    assert report.cells[key].value is None
    named = _blank_findings(report)
    assert named and all(f.cells == (key,) and f.severity == "warning" for f in named)


def test_a_blank_read_where_zero_was_printed_passes(reading):
    """Reports print blank for zero: a blank that keeps every rule holding says nothing."""
    key = _printed(reading, lambda t: t == "0")
    assert _blank_findings(build_report(_as_scanned(reading, {key: ""}), DEFAULT_SETTINGS)) == []


def test_a_text_layer_blank_is_the_printed_truth(reading):
    key = _printed(reading, lambda t: t.isdigit() and int(t) > 0)
    cells = dict(reading.mapping.cells)
    cells[key] = replace(cells[key], cell=replace(cells[key].cell, text=""))
    report = build_report(replace(reading, mapping=replace(reading.mapping, cells=cells)), DEFAULT_SETTINGS)
    assert _blank_findings(report) == []


BOLD_FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"


def _photocopied_row(dpi: int = 200):
    """One ruled row of three cells at 200 DPI: bold 26 px digits "2932" and "53", print
    thickened by 6 px as a photocopy of a photocopy does: the tight digits' tops and feet
    fuse into horizontal runs longer than 1/5 inch, the length of a short ruling."""
    import cv2
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("L", (700, 240), 250)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(BOLD_FONT, 26)
    draw.text((300, 100), "2932", font=font, fill=20)
    draw.text((540, 100), "53", font=font, fill=20)
    image = cv2.erode(np.array(page), cv2.getStructuringElement(cv2.MORPH_RECT, (6, 6)))
    for x in (40, 260, 480, 660):
        cv2.line(image, (x, 80), (x, 150), 30, 3)
    for y in (80, 150):
        cv2.line(image, (40, y), (660, y), 30, 3)
    return image


def test_digits_fused_into_line_runs_are_read_not_erased(monkeypatch):
    """The fused runs are no ruling of the table (anchored nowhere, dropped as segments), but
    their pixels were erased with the rulings' and took the number along: the cell read as
    blank. Only the kept rulings are erased for a cell found blank that way."""
    from extract.scan import scanned_page
    from extract.scan.ocr import get_engine
    from extract.scan.pixels import ink_mask

    image = _photocopied_row()
    engine = get_engine(DEFAULT_SETTINGS.ocr_engine)

    def texts():
        content = scanned_page.read_upright_image(1, image, ink_mask(image, 200), 200, engine, DEFAULT_SETTINGS, False)
        return [b.text for b in content.boxes]

    assert "2932" in texts()
    with monkeypatch.context() as patch:
        patch.setattr(scanned_page, "_read_through_free_lines", lambda *args: None)
        assert "2932" not in texts()  # what the reading did before: the cell blank
