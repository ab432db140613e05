"""Orientation of table-only scanned pages (grey, shaded label cells, JPEG, slight skew):
the quarter turn from the axis the text lines run along, the half-turn from the
recogniser, and the retry when a page's tables do not read as labels. Pages are built at
test time by the orientation benchmark's own page maker."""

import importlib.util
import sys

import numpy as np
import pytest
from conftest import ROOT, SAMPLES

from extract.scan import scanned_page as scan
from extract.scan.ocr import get_engine
from extract.page import PageImage
from extract.scan.pixels import glyph_lines, ink_mask, without_rulings
from extract.settings import DEFAULT_SETTINGS

_spec = importlib.util.spec_from_file_location("bench_orientation", ROOT / "benchmarks" / "bench_orientation.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench  # dataclasses look their module up there
_spec.loader.exec_module(bench)

# (sample, 0-based page, dpi): section 三 alone on a portrait page; section 四 alone on a
# landscape page.
_PAGES = [("r2023-nulls-dash-01", 2, 150), ("r2022-landscape-review-01", 3, 200)]


def _upright(sample: str, index: int, dpi: int) -> np.ndarray:
    path = SAMPLES / f"{sample}.pdf"
    labels = dict(bench.table_pages(path))[index]
    return bench.scanned_page(path, index, labels, dpi, seed=index + dpi)


@pytest.fixture(scope="module")
def pages():
    return {(sample, dpi): _upright(sample, index, dpi) for sample, index, dpi in _PAGES}


@pytest.fixture(scope="module")
def engine():
    return get_engine(DEFAULT_SETTINGS.ocr_engine, DEFAULT_SETTINGS.ocr_threads)


@pytest.mark.parametrize("key", [(s, d) for s, _, d in _PAGES], ids=lambda k: f"{k[0]}-{k[1]}dpi")
@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_table_page_is_turned_upright(pages, engine, key, turns):
    gray = np.ascontiguousarray(np.rot90(pages[key], turns))
    dpi = key[1]
    found = scan.upright_turns(gray, ink_mask(gray, dpi), dpi, engine)
    assert (found + turns) % 4 == 0


def test_text_lines_run_along_the_rows_of_an_upright_table(pages):
    gray, dpi = pages[("r2023-nulls-dash-01", 150)], 150
    text = without_rulings(ink_mask(gray, dpi), dpi)
    along = sum(line.glyphs for line in glyph_lines(text, dpi, vertical=False))
    across = sum(line.glyphs for line in glyph_lines(text, dpi, vertical=True))
    # Columns of numbers one row apart are not lines: the quarter is clear without the recogniser.
    assert along > 10 * max(1, across)


@pytest.mark.parametrize("wrong_by", [1, 2])
def test_a_table_that_reads_as_nothing_is_read_in_the_other_turns(pages, engine, monkeypatch, wrong_by):
    gray = pages[("r2023-nulls-dash-01", 150)]
    monkeypatch.setattr(scan, "upright_turns", lambda *args: wrong_by)
    content = scan.read_scanned_page(PageImage(3, gray, 150), engine, DEFAULT_SETTINGS, page_text=False)
    text = "".join(box.text for box in content.boxes)
    assert scan._reads_as_labels(scan._table_boxes(content, DEFAULT_SETTINGS))
    assert "本机关不掌握相关政府信息" in text


def test_a_numbers_only_table_beside_upright_prose_is_read_once(monkeypatch):
    """The last page of scan-r2019-basic-procurement carries 四's value row (numbers only:
    nothing for the label test) above sections 五 and 六: its prose tells the page is upright,
    so the page is not read again at the other turns (three page readings saved), and every
    value of the report stays as before (tests/test_samples.py checks the values)."""
    from extract.pipeline import read_tables

    calls = []
    real = scan.straighten
    monkeypatch.setattr(scan, "straighten", lambda page, engine, turns=None: calls.append(page.number) or real(page, engine, turns))
    reading = read_tables(SAMPLES / "scanned" / "scan-r2019-basic-procurement-01.pdf", DEFAULT_SETTINGS)
    assert sorted(calls) == [1, 2, 3, 4]
    assert reading.mapping.cells
