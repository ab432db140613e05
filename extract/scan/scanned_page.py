"""Scanned pages: pixels -> upright, deskewed page -> rulings -> per-cell recognition ->
`PageContent`, the same hand-off the text layer produces, so one grid builder serves both.

Recognition is per cell, not per page: the rulings say where every cell is, so each cell's
text lines are cut out by their ink and recognised in one batch, without running the
text detector over the page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable, Literal, Optional, Sequence, Union

import cv2
import numpy as np

from .. import template as tpl
from ..indicators import UNIT_WORDS, VOCABULARY
from ..geometry import BBox, Segment, connected_tables, keep_anchored, merge_segments
from ..page import PageContent, PageImage, ScanFrame, TextBox
from ..settings import Settings
from ..table_shapes import table_shapes
from ..text import parse_value
from .ocr import LineResult, OcrEngine
from .faint_print import faint_print
from .perspective import Flattening, estimate_flattening
from .seals import SealDisc, overlaps, seal_discs, without_seal_ink
from .glare import bridged_over_glare, under_glare
from .show_through import without_show_through
from .pixels import (
    GlyphLine,
    bridge_broken_rulings,
    bridge_under_seal,
    estimate_skew,
    glyph_lines,
    gray_and_seal,
    ink_mask,
    median_level,
    profile_runs,
    rotate,
    ruling_segments,
    to_gray_without_red,
    turn,
    without_rulings,
)

_UNREAD = "?"
_CJK = re.compile(r"[\u3400-\u9fff]")
# The recogniser spaces out wide (full-width) digits: "６６" comes back as "6 6". Within one
# recognised line a space between digits is never a separator.
_DIGIT_GAP = re.compile(r"(?<=\d)\s+(?=\d)")
# A pixel ruling this long (pt) is kept even with a loose end (a table line damaged by a
# stamp); shorter ones must meet a perpendicular line at both ends.
_FREE_RULING_PT = 72.0


@dataclass(frozen=True)
class _LineCrop:
    image: np.ndarray
    box_px: tuple[int, int, int, int]  # x0, top, x1, bottom in the upright page image
    # A piece of a text line cut at a column line (`_column_cuts`): the whole line's box,
    # shared by its pieces, so a label the cut split can be joined again once read.
    line_px: Optional[tuple[int, int, int, int]] = None


def _despeckle(ink: np.ndarray, min_area: int) -> np.ndarray:
    """`ink` (255 on 0) without its components smaller than `min_area` pixels. Areas are
    counted over the ink pixels alone, and only those pixels are visited: OpenCV's full
    statistics and a lookup over every pixel of the page cost ~3x as much at 300 dpi."""
    count, labels = cv2.connectedComponents(ink, connectivity=8, ltype=cv2.CV_32S)
    out = cv2.threshold(ink, 0, 255, cv2.THRESH_BINARY)[1]
    points = cv2.findNonZero(ink)  # (x, y) of each ink pixel; None on a blank page
    if points is None:
        return out
    xs, ys = points.reshape(-1, 2).T
    label = labels[ys, xs]
    small = np.bincount(label, minlength=count)[label] < min_area
    out[ys[small], xs[small]] = 0
    return out


def _inner(cell_px: tuple[int, int, int, int], dpi: float) -> tuple[int, int, int, int]:
    """The cell inside its borders (pixels)."""
    x0, top, x1, bottom = cell_px
    inset = max(2, int(dpi / 50))
    return x0 + inset, top + inset, x1 - inset, bottom - inset


def cell_text_rows(ink: np.ndarray, cell_px: tuple[int, int, int, int], dpi: float) -> list[tuple[int, int]]:
    """[top, bottom) pixel rows of the cell's inked text rows, relative to its inside."""
    x0, top, x1, bottom = _inner(cell_px, dpi)
    if x1 - x0 < 4 or bottom - top < 4:
        return []
    region = ink[top:bottom, x0:x1]
    min_line = max(3, int(dpi * 0.03))  # ~2 pt: shorter ink is noise, not a glyph row
    return [(r0, r1) for r0, r1 in profile_runs(region.sum(axis=1), max(1, int(dpi / 100))) if r1 - r0 >= min_line]


def typical_line_height(heights: Sequence[int]) -> float:
    """The height (px) of one printed line in the page's cells: the median ink row, which
    most cells (numbers, short labels) print on one line."""
    return float(np.median(heights)) if len(heights) else 0.0


def _split_touching_lines(profile: np.ndarray, r0: int, r1: int, line_height: float) -> list[tuple[int, int]]:
    """A text row taller than one line is several wrapped lines set so tightly that no
    blank pixel row separates them (WPS sets line height close to the font size; a
    comma's tail reaches the next line). Cut it where the ink thins out: at the lightest
    rows that leave every part at least 0.8 line tall."""
    if line_height <= 0 or r1 - r0 < 1.7 * line_height:
        return [(r0, r1)]
    rows = profile[r0:r1].astype(np.float64)
    smooth = np.convolve(rows, np.ones(3) / 3, mode="same")
    level = 0.25 * float(np.median(rows[rows > 0])) if (rows > 0).any() else 0.0
    margin = int(0.8 * line_height)
    cuts: list[int] = []
    for i in np.argsort(smooth, kind="stable"):
        i = int(i)
        if smooth[i] > level:
            break
        if i < margin or i > len(rows) - margin or any(abs(i - c) < margin for c in cuts):
            continue
        cuts.append(i)
    bounds = [0, *sorted(cuts), len(rows)]
    return [(r0 + a, r0 + b) for a, b in zip(bounds, bounds[1:])]


def cell_line_crops(
    gray: np.ndarray,
    ink: np.ndarray,
    cell_px: tuple[int, int, int, int],
    dpi: float,
    line_height: float = 0.0,
    rows: Optional[list[tuple[int, int]]] = None,
    boundaries_px: Sequence[int] = (),
) -> list[_LineCrop]:
    """The text lines inside one cell: ink rows grouped by horizontal projection (rows
    taller than `line_height` allows cut into lines), each cut to its ink with a margin.
    Rulings were erased from `ink` beforehand. `rows` is `cell_text_rows(ink, cell_px,
    dpi)` when the caller has it already. `boundaries_px` are the x (page pixels) of the
    table's column lines that run through the cell (a cell merged over several columns,
    or whose rulings were lost in this row): a line is cut there when its ink leaves a
    wide blank gap around the line (`_column_cuts`), so that the numbers of two columns
    are never read as one ("2" and "1" as "21")."""
    x0, top, x1, bottom = _inner(cell_px, dpi)
    rows = cell_text_rows(ink, cell_px, dpi) if rows is None else rows
    if not rows:
        return []
    region = ink[top:bottom, x0:x1]
    profile = region.sum(axis=1)
    rows = [part for r0, r1 in rows for part in _split_touching_lines(profile, r0, r1, line_height)]
    tallest = max((r1 - r0 for r0, r1 in rows), default=0)
    lines = []
    for r0, r1 in rows:
        if r1 - r0 < 0.5 * tallest:
            continue  # wrapped text keeps its size; a much shorter row is a mark or a remnant
        cols = profile_runs(region[r0:r1].sum(axis=0), int(dpi / 4))
        if not cols:
            continue
        pad = max(3, int(dpi / 40))
        ay0, ay1 = max(0, top + r0 - pad), min(gray.shape[0], top + r1 + pad)
        pieces = _column_cuts(region[r0:r1], cols[0][0], cols[-1][1], [b - x0 for b in boundaries_px], r1 - r0)
        whole = (max(0, x0 + pieces[0][0] - pad), ay0, min(gray.shape[1], x0 + pieces[-1][1] + pad), ay1)
        for c0, c1 in pieces:
            ax0, ax1 = max(0, x0 + c0 - pad), min(gray.shape[1], x0 + c1 + pad)
            lines.append(_LineCrop(gray[ay0:ay1, ax0:ax1], (ax0, ay0, ax1, ay1), whole if len(pieces) > 1 else None))
    return lines


# A line is cut at a column line only where its ink leaves at least this share of the line's
# height blank around it: numbers centred in neighbouring narrow columns (四 at 150 DPI) stand
# a glyph or more apart, while the characters of a label run over merged columns stand a
# pixel or two apart and stay one reading.
_COLUMN_GAP_SHARE = 0.5


def _column_cuts(
    line: np.ndarray, c0: int, c1: int, boundaries: Sequence[int], height: int
) -> list[tuple[int, int]]:
    """[start, end) ink extents (pixels from the cell's inside) of the pieces of one text
    line `line` (its ink rows) cut at the column lines `boundaries` (same frame) that fall
    in a wide blank gap of its ink; [(c0, c1)], the whole line, when none does."""
    inside = [b for b in boundaries if c0 < b < c1]
    if not inside:
        return [(c0, c1)]
    runs = profile_runs(line.sum(axis=0), 1)
    min_gap = max(2, int(_COLUMN_GAP_SHARE * height))
    pieces: list[tuple[int, int]] = []
    start = runs[0][0]
    for (_, end), (nxt, _) in zip(runs, runs[1:]):
        if nxt - end >= min_gap and any(end <= b <= nxt for b in inside):
            pieces.append((start, end))
            start = nxt
    pieces.append((start, runs[-1][1]))
    return pieces


# Glyphs in lines along one axis this many times those along the other settle the
# quarter turn without the recogniser. On the table-only pages of
# benchmarks/bench_orientation.py the wrong axis gets at most a third (cells printed in
# vertical text), on most pages under a thirtieth.
_DECISIVE_LINES = 2.0
# Lines read both ways to tell a turn from its half-turn: the ones with the most glyphs,
# on a table page labels of several characters rather than single numbers.
_SAMPLE_LINES = 4
# ... each at most this many times as long as it is thick (~8 characters).
_SAMPLE_LENGTH = 8


def upright_turns(gray: np.ndarray, ink: np.ndarray, dpi: float, engine: OcrEngine) -> int:
    """Quarter turns (counter-clockwise) that make the page upright. The axis its text
    lines run along (`glyph_lines`) picks the quarter when it is decisive, otherwise both
    quarters are tried; the recogniser's confidence on a few of the longest lines, read
    in each candidate turn, decides between a turn and its half-turn."""
    lines = _lines_by_quarter(ink, dpi)
    weight = {quarter: sum(line.glyphs for line in found) for quarter, found in lines.items()}
    if weight[0] >= _DECISIVE_LINES * weight[1] and weight[0]:
        del lines[1]
    elif weight[1] >= _DECISIVE_LINES * weight[0] and weight[1]:
        del lines[0]
    return _best_turn(gray, lines, dpi, engine)


def _lines_by_quarter(ink: np.ndarray, dpi: float) -> dict[int, list[GlyphLine]]:
    """Text lines of the page as it lies (quarter 0) and of the page turned by a quarter
    (1: the lines running down the image as it lies)."""
    text_ink = without_rulings(ink, dpi)
    return {quarter: glyph_lines(text_ink, dpi, vertical=bool(quarter)) for quarter in (0, 1)}


def _best_turn(gray: np.ndarray, lines: dict[int, list[GlyphLine]], dpi: float, engine: OcrEngine) -> int:
    """Of each quarter given and its half-turn, the turn in which the quarter's longest
    lines read best (one batch of recognition)."""
    candidates: list[tuple[int, list[np.ndarray]]] = []
    for quarter, found in lines.items():
        crops = [turn(crop, quarter) for crop in _longest_lines(gray, found, dpi)]
        candidates += [(quarter, crops), (quarter + 2, [turn(crop, 2) for crop in crops])]
    if len(lines) == 1:
        # One quarter: its lines read first as they lie, the longest _UPRIGHT_LINES of them
        # before the rest; when they read as upright Chinese, nothing more is read (the rest
        # could only add upright lines), and the half-turn is not read.
        (quarter, crops), (half, turned) = candidates
        first = engine.recognize_lines(crops[:_UPRIGHT_LINES])
        if _reads_upright(first):
            return quarter
        first += engine.recognize_lines(crops[_UPRIGHT_LINES:]) if len(crops) > _UPRIGHT_LINES else []
        if _reads_upright(first):
            return quarter
        second = engine.recognize_lines(turned)
        return max((quarter, half), key=lambda t: (_reading_score(first if t == quarter else second), -t))
    results = iter(engine.recognize_lines([crop for _, crops in candidates for crop in crops]))
    scores = {turns: _reading_score([next(results) for _ in crops]) for turns, crops in candidates}
    return max(scores, key=lambda turns: (scores[turns], -turns))


# Sample lines read as upright Chinese: at least this many of them read surely (_SURE) with
# at least this many pairs of neighbouring Chinese characters. On the 516 decisive-quarter
# readings of benchmarks/bench_orientation.py's page maker (every page of the digital
# samples, 150 dpi, four turns) every upright reading had 4 such lines of 6-9 pairs, and no
# upside-down one had a single line of even 3 pairs at confidence 0.8.
_UPRIGHT_LINES = 2
_UPRIGHT_PAIRS = 3


def _reads_upright(results: Sequence[LineResult]) -> bool:
    return sum(r.confidence >= _SURE and len(_pairs(r.text)) >= _UPRIGHT_PAIRS for r in results) >= _UPRIGHT_LINES


def _longest_lines(gray: np.ndarray, lines: Sequence[GlyphLine], dpi: float) -> list[np.ndarray]:
    """Crops (with a ~2 pt margin) of the lines with the most glyphs, as found."""
    pad = max(3, int(dpi / 40))
    height, width = gray.shape[:2]
    chosen = sorted(lines, key=lambda line: -line.glyphs)[:_SAMPLE_LINES]
    crops = []
    for x, y, w, h in (line.box for line in chosen):
        # Only the line's first _SAMPLE_LENGTH thicknesses: a few characters tell the turn as
        # well as a heading's twenty, at a fraction of the recognition.
        w, h = (w, min(h, _SAMPLE_LENGTH * w)) if h > w else (min(w, _SAMPLE_LENGTH * h), h)
        crops.append(gray[max(0, y - pad) : min(height, y + h + pad), max(0, x - pad) : min(width, x + w + pad)])
    return crops


def _reading_score(results: Sequence[LineResult]) -> float:
    """Characters read, each weighted by the recogniser's confidence. Text the right way
    up comes back long and sure; turned text comes back as a few odd characters, often
    with middling confidence (so a mean confidence separates the two less well: the
    sum was 5x or more higher the right way on every benchmark page, the mean as little
    as 0.2 higher)."""
    return sum(r.confidence * len(r.text) for r in results)


@dataclass(frozen=True)
class UprightPage:
    gray: np.ndarray
    ink: np.ndarray  # rulings kept
    turns: int
    skew_deg: float
    seal: Optional[np.ndarray] = None  # red ink (255) in the same frame, see seal_mask
    # A camera capture's perspective and curl, undone after the deskew (None: flat page).
    flattening: Optional[Flattening] = None


# The turn and the skew of a page are measured at this resolution at most (dpi): a 300 DPI
# scan's ink mask costs four times a 150 DPI one, and lines and rulings are found as well
# there (150 DPI scans are read at it); cells are cut and read at full resolution.
_GEOMETRY_DPI = 150.0


def geometry_view(gray: np.ndarray, dpi: float) -> tuple[np.ndarray, float]:
    """`gray` at `_GEOMETRY_DPI` (area-averaged) and its dpi; itself when not finer than
    that by a tenth."""
    if dpi <= 1.1 * _GEOMETRY_DPI:
        return gray, dpi
    factor = _GEOMETRY_DPI / dpi
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return small, dpi * small.shape[1] / gray.shape[1]


def straighten(page: PageImage, engine: OcrEngine, turns: Optional[int] = None) -> UprightPage:
    """The page turned upright, deskewed and, when its rulings say it was photographed at
    an angle or lay curled (`perspective.estimate_flattening`), flattened; `turns` forces
    the quarter turns instead of deciding them (a retry, see `read_scanned_page`). The
    returned images are the frame the page is read in: a record's bboxes are points of it."""
    gray, seal = gray_and_seal(page.image)
    # The turn and the skew are measured on a copy at the geometry resolution; the full
    # resolution ink is computed once, on the page as it is read.
    small, small_dpi = geometry_view(gray, page.dpi)
    full_resolution = small is gray
    small_ink = ink_mask(small, small_dpi, bridge=False)
    if turns is None:
        turns = upright_turns(small, small_ink, small_dpi, engine)
    if turns % 4:
        gray, small_ink = turn(gray, turns), turn(small_ink, turns)
        seal = turn(seal, turns) if seal is not None else None
    skew = estimate_skew(small_ink, small_dpi)
    if abs(skew) >= 0.05:
        gray = rotate(gray, skew)
        # rotate() fills with white: turn the mask's background white and back.
        seal = 255 - rotate(255 - seal, skew) if seal is not None else None
    # The page's flattening is measured on its rulings as the pixel passes find them;
    # broken rulings are bridged on the ink the page is read from.
    ink = small_ink if full_resolution and abs(skew) < 0.05 else ink_mask(gray, page.dpi, bridge=False)
    flattening = estimate_flattening(gray, ink, page.dpi)
    if flattening is not None:
        gray = flattening.apply(gray)
        ink = ink_mask(gray, page.dpi)
        seal = flattening.apply(seal, fill=0) if seal is not None else None
    else:
        ink = bridge_broken_rulings(ink, gray, page.dpi)
    return UprightPage(gray, ink, turns % 4, skew, seal, flattening)


# What of a scanned page's text outside its tables to read: all of it above the first table
# (True: detection there, for the title), none (False), or, given a test, the head and foot
# lines cheaply (`margins.read_margins`), and all of it above the first table only when the
# test passes on the head lines' texts (a volume's pages: a title check costs a few line
# recognitions, not a detection pass).
# "all": every text line outside the tables, the whole page detected (`--full-text`: the
# report's sections and prose figures on scanned pages; a full-page detection pass).
PageText = Union[bool, Literal["all"], Callable[[Sequence[str]], bool]]


def read_scanned_page(page: PageImage, engine: OcrEngine, settings: Settings, page_text: PageText) -> PageContent:
    """One page image -> PageContent (source "ocr"). With page_text, lines outside the
    tables are read too (the title and prose that name the agency and year).

    A page whose ruled tables do not read as the template's labels (`_reads_as_labels`)
    is likely turned the wrong way: the other turns are read too, most likely first
    (`_retry_turns`), and the first that does is kept; if none does, the first reading
    stands. This costs one more page reading per turn tried, and only on such pages."""
    upright = straighten(page, engine)
    content = _read_upright_page(page, upright, engine, settings, page_text)
    in_tables = _table_boxes(content, settings)
    if not in_tables or _reads_as_labels(in_tables):
        return content
    if _prose_reads_upright(upright, content, engine, settings):
        # No label to tell the turn by (四's value row carried over to a page of prose), or
        # labels that read only across the page (a header cut by the page break leaves
        # narrow cells of stacked characters: 果/维/持 reads as a label turned a quarter),
        # but the prose beside the tables reads as upright Chinese lines.
        return content
    for turns in _retry_turns(page, upright.turns, _characters(in_tables), engine):
        retry = straighten(page, engine, turns)
        other = _read_upright_page(page, retry, engine, settings, page_text)
        if _reads_as_labels(_table_boxes(other, settings)):
            return other
    return content


# Prose that reads upright: this many confident lines of at least _PROSE_LINE_CHARACTERS
# Chinese characters (turned by a quarter, a line comes back one glyph at a time; by a
# half, as stray low-confidence marks).
_PROSE_LINES = 2
_PROSE_LINE_CHARACTERS = 4
# The prose check reads the openings of this many of the band's longest lines, each at most
# this many times as long as it is tall (~10 characters).
_PROSE_SAMPLE_LINES = 6
_PROSE_SAMPLE_LENGTH = 10


def _prose_reads_upright(upright: UprightPage, content: PageContent, engine: OcrEngine, settings: Settings) -> bool:
    """Whether the page's text outside its tables (the taller band above or below them, at
    most a third of the page: one detection pass over that band) reads as upright Chinese."""
    shapes = table_shapes(list(content.rulings), settings)
    if not shapes:
        return False
    # The head above the tables may have been read already (the title's detection pass).
    outside = [box for box in content.boxes if box.bbox.bottom <= min(s.ys[0] for s in shapes)]
    if len([box for box in outside if _reads_as_prose(box.text, box.confidence)]) >= _PROSE_LINES:
        return True
    px = upright.gray.shape[1] / content.width  # image pixels per point
    height = upright.gray.shape[0]
    top = int(min(s.ys[0] for s in shapes) * px)
    bottom = int(max(s.ys[-1] for s in shapes) * px)
    band = (0, top) if top >= height - bottom else (bottom, height)
    limit = height // 3
    band = (band[0], min(band[1], band[0] + limit)) if band[0] == bottom else (max(band[0], band[1] - limit), band[1])
    if band[1] - band[0] < 20:
        return False
    gray = upright.gray[band[0] : band[1]]
    boxes = engine.detect_lines(gray, detect_scale=_DETECT_DPI / (72.0 * px))
    # A few lines' openings tell upright prose as well as the lines read whole (a prose line
    # of 30-40 characters costs several times the recognition): the longest lines, each
    # cut to its first _PROSE_SAMPLE_LENGTH heights.
    # (The detector's boxes hold their line with a margin already.)
    chosen = sorted(boxes, key=lambda box: box[0] - box[2])[:_PROSE_SAMPLE_LINES]
    crops = [
        gray[max(0, int(top)) : int(bottom) + 1, max(0, int(x0)) : int(min(x1, x0 + _PROSE_SAMPLE_LENGTH * (bottom - top))) + 1]
        for x0, top, x1, bottom in chosen
    ]
    readings = engine.recognize_lines(crops)
    return len([r for r in readings if _reads_as_prose(r.text, r.confidence)]) >= _PROSE_LINES


def _reads_as_prose(text: str, confidence: float) -> bool:
    """A confident line of several Chinese characters side by side."""
    return confidence >= _SURE and len(_CJK.findall(text)) >= _PROSE_LINE_CHARACTERS and bool(_pairs(text))


def _read_upright_page(
    page: PageImage, upright: UprightPage, engine: OcrEngine, settings: Settings, page_text: PageText
) -> PageContent:
    if not callable(page_text):
        content = read_upright_image(
            page.number, upright.gray, upright.ink, page.dpi, engine, settings, page_text, seal=upright.seal
        )
        return replace(content, turns=upright.turns, scan_frame=scan_frame(page, upright))
    from .margins import read_margins

    rulings = table_rulings(upright.ink, page.dpi, settings, upright.seal, upright.gray)
    shapes = table_shapes(rulings[0], settings)
    px = page.dpi / 72.0
    top = int(min(s.ys[0] for s in shapes) * px) if shapes else None
    bottom = int(max(s.ys[-1] for s in shapes) * px) if shapes else None
    head, foot, unread = read_margins(upright.gray, upright.ink, page.dpi, engine, top, bottom)
    wanted = bool(page_text([b.text for b in head]))
    content = read_upright_image(
        page.number, upright.gray, upright.ink, page.dpi, engine, settings, wanted, rulings=rulings, seal=upright.seal
    )
    if wanted:
        # The detection pass read the head (above the first table, or the top third of a
        # page without one, as `_text_outside_tables`): keep only head lines below that.
        covered = (top if top is not None else upright.gray.shape[0] / 3) / px
        head = [b for b in head if b.bbox.top >= covered]
    return replace(
        content, boxes=content.boxes + tuple(head) + tuple(foot), turns=upright.turns, unread_rows=unread,
        scan_frame=scan_frame(page, upright),
    )


def scan_frame(page: PageImage, upright: UprightPage) -> ScanFrame:
    """The page frame of `upright` (points, top-left origin) mapped back onto `page.image`:
    the inverse of `straighten`'s quarter turns (np.rot90, counter-clockwise), deskew
    (cv2 rotation about the turned image's centre; skipped under 0.05 degrees, as `rotate`
    skips it) and perspective flattening (`UprightPage.flattening`)."""
    height_px, width_px = page.image.shape[:2]
    turned = np.eye(3)  # image pixels -> turned pixels
    w, h = float(width_px), float(height_px)
    for _ in range(upright.turns % 4):
        # One counter-clockwise quarter turn takes (x, y) to (y, w - x); width and height swap.
        turned = np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, w], [0.0, 0.0, 1.0]]) @ turned
        w, h = h, w
    deskew = np.eye(3)
    if abs(upright.skew_deg) >= 0.05:
        deskew[:2] = cv2.getRotationMatrix2D((w / 2, h / 2), upright.skew_deg, 1.0)
    # A camera capture's flattening (deskewed pixels -> read pixels); its curl shift, a
    # few pixels near the binding, is not projective and stays out.
    flat = upright.flattening.homography if upright.flattening is not None else np.eye(3)
    points = np.diag([72.0 / page.dpi, 72.0 / page.dpi, 1.0])  # pixels -> points
    to_image = points @ np.linalg.inv(flat @ deskew @ turned) @ np.linalg.inv(points)
    return ScanFrame(tuple(float(v) for v in (to_image / to_image[2, 2]).ravel()), width_px * 72.0 / page.dpi,
                     height_px * 72.0 / page.dpi)


def _retry_turns(page: PageImage, turns: int, characters: int, engine: OcrEngine) -> list[int]:
    """The three other turns, most likely first. Turned by a quarter, a table's labels
    read as many single characters (the recogniser reads a lone glyph lying on its side);
    turned by a half, as almost nothing. So with many characters read the other quarter
    comes first, its half-turn chosen by the recogniser on its longest lines; otherwise
    the half-turn does."""
    if characters < _FEW_CHARACTERS:
        return [(turns + k) % 4 for k in (2, 1, 3)]
    gray, dpi = geometry_view(to_gray_without_red(page.image), page.dpi)
    quarter = (turns + 1) % 2
    lines = _lines_by_quarter(ink_mask(gray, dpi, bridge=False), dpi)
    first = _best_turn(gray, {quarter: lines[quarter]}, dpi, engine)
    return [first, (first + 2) % 4, (turns + 2) % 4]


def _template_labels() -> list[str]:
    """Every row, column and group label the report's tables print."""
    specs = [*tpl.APPLICATION_COLUMNS, *tpl.REVIEW_COLUMNS, *tpl.REVIEW_ROWS]
    specs += [spec for rows in tpl.APPLICATION_ROWS.values() for spec in rows]
    labels = [text for spec in specs for text in (spec.label, spec.group)]
    labels += [label for columns in tpl.PROACTIVE_COLUMNS.values() for label in columns.values()]
    labels += [label for rows in tpl.PROACTIVE_ROWS.values() for label, _, _ in rows.values()]
    # Pre-2019 statistics tables (政府信息公开情况统计表): the vocabulary's labels and the
    # headers such tables print. Without them an upright table of that era reads as few
    # template pairs and the page is read again at every other turn.
    labels += [label for spec in VOCABULARY for label in spec.labels]
    labels += ["指标名称", "统计指标", "计量单位", "本年度", "历年累计", "本年累计", "本期实际", "统计数", "数量",
               "主动公开情况", "依申请公开情况", "回应解读情况", "机构建设和保障经费情况", "会议和培训情况"]
    return labels


def _pairs(text: str) -> set[str]:
    """Neighbouring characters, both Chinese."""
    return {text[i : i + 2] for i in range(len(text) - 1) if _CJK.fullmatch(text[i]) and _CJK.fullmatch(text[i + 1])}


# Pairs of neighbouring characters in the template's labels. A table read the right way up
# prints them in its labels; turned by a quarter, its labels come back one (rotated,
# often correctly recognised) character per line, and turned by a half as stray
# characters, so neither makes template pairs.
_TEMPLATE_PAIRS = frozenset(pair for label in _template_labels() for pair in _pairs(label))
_TEMPLATE_CHARACTERS = frozenset(ch for label in _template_labels() for ch in label if _CJK.fullmatch(ch))
_UNIT_HEADERS = frozenset({"单位", "万元", "人次"})
# Confidence (0..1) for a line to count as read.
_SURE = 0.9
# A page reads as labels with at least this many template pairs (one or two short labels;
# upright table pages of the samples read 44 or more) ...
_MIN_TEMPLATE_PAIRS = 6
# ... and this many per Chinese character read (upright: 0.59-0.77 on the benchmark pages;
# turned a quarter: under 0.1, as the characters come one per line).
_MIN_PAIRS_PER_CHARACTER = 0.3
# Confident Chinese characters in tables read turned by a half: 0-3 on the benchmark pages;
# by a quarter: 66 or more.
_FEW_CHARACTERS = 6


def _table_boxes(content: PageContent, settings: Settings) -> list[TextBox]:
    """Text read inside the page's ruled tables (not the title or prose around them, nor
    inside a frame of rulings that is no table: the dark edges of a scanned sheet)."""
    tables = [BBox(s.xs[0], s.ys[0], s.xs[-1], s.ys[-1]) for s in table_shapes(content.rulings, settings)]
    return [box for box in content.boxes if any(_centre_inside(box.bbox, table) for table in tables)]


def _centre_inside(box: BBox, outer: BBox) -> bool:
    return outer.x0 < (box.x0 + box.x1) / 2 < outer.x1 and outer.top < (box.top + box.bottom) / 2 < outer.bottom


def _template_pairs(boxes: Sequence[TextBox]) -> int:
    return sum(len(_pairs(box.text) & _TEMPLATE_PAIRS) for box in boxes if box.confidence >= _SURE)


def _characters(boxes: Sequence[TextBox]) -> int:
    return sum(len(_CJK.findall(box.text)) for box in boxes if box.confidence >= _SURE)


def _reads_as_labels(boxes: Sequence[TextBox]) -> bool:
    pairs = _template_pairs(boxes)
    return pairs >= _MIN_TEMPLATE_PAIRS and pairs >= _MIN_PAIRS_PER_CHARACTER * _characters(boxes)


def table_rulings(
    ink: np.ndarray,
    dpi: float,
    settings: Settings,
    seal: Optional[np.ndarray] = None,
    gray: Optional[np.ndarray] = None,
) -> tuple[list[Segment], np.ndarray]:
    """Ruling lines of an upright image in points (short ones anchored at both ends; pieces
    of one line joined across a stamp that covered it), and the mask of their pixels. With
    `gray` (the image the ink came from), the reverse side's show-through lines reaching
    out of a table's dark frame are dropped."""
    segments, line_mask = ruling_segments(ink, dpi)
    segments = merge_segments(segments, settings.snap_tolerance_pt)
    if seal is not None:
        segments = bridge_under_seal(segments, seal, dpi, settings.snap_tolerance_pt)
    if gray is not None:
        segments = bridged_over_glare(segments, gray, dpi, 2 * settings.snap_tolerance_pt)
    segments = _trim_overshoots(segments, 2 * settings.snap_tolerance_pt, _FREE_RULING_PT)
    segments = keep_anchored(segments, 2 * settings.snap_tolerance_pt, _FREE_RULING_PT)
    if gray is not None:
        # After the anchoring: a stray dark stroke must not stand for the table's frame.
        kept = without_show_through(segments, gray, dpi, median_level(gray), 2 * settings.snap_tolerance_pt)
        if len(kept) < len(segments):
            segments = keep_anchored(kept, 2 * settings.snap_tolerance_pt, _FREE_RULING_PT)
    return segments, line_mask


# A ruling broken in the row after a junction leaves a stub past the line it crosses: cut
# back when it reaches at most this share of the way to the next line (the row's far side),
# or this far (pt) when there is no next line.
_OVERSHOOT_SHARE = 0.6
_OVERSHOOT_PT = 8.0


def _trim_overshoots(segments: Sequence[Segment], tolerance: float, free_length: float) -> list[Segment]:
    """Rulings whose end stops in mid-air inside a row, past a perpendicular line they cross,
    cut back to that line. A narrow column's ruling that breaks or fades in the next row
    (a faint grey line on a 150 DPI scan) keeps a stub past the junction; without the cut
    its piece in the rows above would count as unanchored and be dropped with the column
    it bounds (keep_anchored). Only loose ends are cut: the row the stub reaches into
    stays without that ruling, and its text is split at the column only by the ink's gaps.
    Only the lower end of vertical rulings shorter than `free_length` (kept whatever their ends: a long line
    cut short would stop covering the cells past the junction, a row under a seal), with
    their other end met, and stopping in a table's last row (四's value row: the one line
    beyond is the table's border) are cut: in rows further up a seal's lettering stands in
    the cell the cut would make (scan-r2025-zeros-split-unable: "粉" over a 0). Lines are
    judged within the ruling's own table (the rulings connected to it): a table lower on the
    page, or a signature's underline, under the same column is not its frame."""
    own_table = {id(o): group for group in connected_tables(segments, tolerance) for o in group}
    out = []
    for s in segments:
        if s.length >= free_length or s.orientation != "v":
            out.append(s)
            continue
        across = sorted(
            o.position for o in own_table[id(s)]
            if o.orientation != s.orientation and o.start - tolerance <= s.position <= o.end + tolerance
        )
        start, end = s.start, s.end
        if not any(abs(p - end) <= tolerance for p in across):
            crossed = [p for p in across if start + tolerance < p < end - tolerance]
            if crossed:
                beyond = [p for p in across if p > end]
                reach = _OVERSHOOT_SHARE * (beyond[0] - crossed[-1]) if len(beyond) == 1 else _OVERSHOOT_PT * (not beyond)
                if end - crossed[-1] <= reach:
                    end = crossed[-1]
        if not any(abs(p - start) <= tolerance for p in across):
            start, end = s.start, s.end  # its top loose too: a stroke crossing lines, no ruling
        out.append(s if (start, end) == (s.start, s.end) else replace(s, start=start, end=end))
    return out


def read_upright_image(
    number: int,
    gray: np.ndarray,
    ink: np.ndarray,
    dpi: float,
    engine: OcrEngine,
    settings: Settings,
    page_text: Union[bool, Literal["all"]],
    rulings: Optional[tuple[list[Segment], np.ndarray]] = None,
    seal: Optional[np.ndarray] = None,
) -> PageContent:
    """An upright, deskewed image (a page, or a picture of a table) -> PageContent in
    points from the image's top-left corner: rulings, then each cell's lines recognised.
    `rulings` is `table_rulings(ink, dpi, settings)` when the caller has it already."""
    scale = 72.0 / dpi
    segments, line_mask = rulings if rulings is not None else table_rulings(ink, dpi, settings, seal, gray)
    # Ruling pixels grown by ~0.5 pt: the anti-aliased, JPEG-blurred edge of a scanned
    # line left behind reads as "1" or "」" at a cell border.
    grow = max(3, int(dpi / 100) * 2 + 1)
    raw_lines = line_mask
    line_mask = cv2.dilate(line_mask, cv2.getStructuringElement(cv2.MORPH_RECT, (grow, grow)))
    speck = max(3, int((dpi / 100) ** 2 * 2))
    text_ink = _despeckle(cv2.bitwise_and(ink, cv2.bitwise_not(line_mask)), speck)

    table_boxes: list[tuple[float, float, float, float]] = []
    cells_px: list[tuple[int, int, int, int]] = []
    # Per cell: the table's column lines running through it (pixels), where its lines are cut.
    inner_columns: list[tuple[int, ...]] = []
    for shape in table_shapes(segments, settings):
        xs, ys = shape.xs, shape.ys
        table_boxes.append((xs[0] / scale, ys[0] / scale, xs[-1] / scale, ys[-1] / scale))
        cells_px += [
            (int(xs[c] / scale), int(ys[r] / scale), int(xs[c + cs] / scale), int(ys[r + rs] / scale))
            for r, c, rs, cs in shape.spans
        ]
        inner_columns += [tuple(int(x / scale) for x in xs[c + 1 : c + cs]) for _, c, _, cs in shape.spans]
    rows_of = [cell_text_rows(text_ink, cell, dpi) for cell in cells_px]
    ink_of = [text_ink] * len(cells_px)
    if any(not rows for rows in rows_of):
        _read_through_free_lines(ink, raw_lines, line_mask, segments, dpi, speck, cells_px, rows_of, ink_of)
    line_height = typical_line_height([r1 - r0 for rows in rows_of for r0, r1 in rows])
    crops: list[_LineCrop] = []
    cell_of: list[int] = []  # crop -> index of its cell
    for k, cell in enumerate(cells_px):
        found = cell_line_crops(gray, ink_of[k], cell, dpi, line_height, rows_of[k], inner_columns[k])
        crops += found
        cell_of += [k] * len(found)

    results = _recognize(engine, [c.image for c in crops])
    in_label = _in_label_cells(results, cell_of)
    discs = seal_discs(gray, dpi)
    red_of = [_red_in(seal, crop.box_px) for crop in crops]
    on_seal = [red_of[i] is not None or overlaps(discs, crop.box_px) for i, crop in enumerate(crops)]
    stray = [on_seal[i] and _stray_part(r.text.strip()) is not None for i, r in enumerate(results)]
    doubtful = _to_read_again(results, cell_of, in_label, on_seal, stray, settings)
    # Cells with no ink found may hold faint print: read in the same batch as the rereads.
    blank = sorted(set(range(len(cells_px))) - set(cell_of))
    faint = _faint_print_crops(gray, [cells_px[k] for k in blank], dpi, line_height)
    alternatives, sealless, faint_readings = _reread(
        engine, [crops[i].image for i in doubtful], dpi, [on_seal[i] for i in doubtful], [red_of[i] for i in doubtful],
        also=[crop for _, crop in faint],
    )
    results = _without_stray_seal_characters(results, doubtful, sealless, stray)
    # Ink the recogniser returns nothing for is not an empty cell: it stands as "?" with
    # confidence 0, so the cell is reported as unreadable instead of read as blank.
    boxes = [
        TextBox(
            res.text if res.text.strip() else _UNREAD,
            BBox(*(v * scale for v in crop.box_px)),
            max(0.0, min(1.0, res.confidence)) if res.text.strip() else 0.0,
            "ocr",
            alternatives=res.alternatives,
        )
        for crop, res in zip(crops, results, strict=True)
    ]
    for i, alts in zip(doubtful, alternatives, strict=True):
        boxes[i] = replace(boxes[i], alternatives=tuple(a for a in dict.fromkeys(alts) if a and a != boxes[i].text))
    lines_px = [c.line_px for c in crops]
    emptied = {doubtful[k] for k, again in sealless.items() if _nothing_left(again.text)}
    fragments = _seal_fragments(
        boxes, crops, cell_of, discs, settings.min_ocr_confidence, [r is not None for r in red_of], emptied
    )
    if fragments:
        boxes, lines_px = _without_fragments(boxes, lines_px, cell_of, fragments)
    boxes = _join_cut_labels(boxes, lines_px)
    boxes.extend(_faint_print_boxes(faint, faint_readings, dpi))
    # A blank cell under a glare spot's clipped white is not known to be blank: unread.
    hidden = [cells_px[blank[k]] for k in under_glare(gray, [cells_px[k] for k in blank])] if blank else []
    boxes.extend(TextBox(_UNREAD, BBox(*(v * scale for v in _inner(cell, dpi))), 0.0, "ocr") for cell in hidden)
    if page_text == "all":
        boxes.extend(_all_text_outside_tables(gray, table_boxes, engine, scale))
    elif page_text:
        boxes.extend(_text_outside_tables(gray, table_boxes, engine, scale))
    height_px, width_px = gray.shape[:2]
    return PageContent(
        number=number,
        width=width_px * scale,
        height=height_px * scale,
        boxes=tuple(boxes),
        rulings=tuple(segments),
        source="ocr",
        full_text=page_text == "all",
    )


# A cell's recovered ink lying this much (share of its pixels) on line pixels is what is left
# of a ruling (a stub, a broken border's piece), not print.
_LINE_SHARE_OF_PRINT = 0.6


def _read_through_free_lines(
    ink: np.ndarray, raw_lines: np.ndarray, line_mask: np.ndarray, segments: Sequence[Segment], dpi: float,
    speck: int, cells_px: Sequence[tuple[int, int, int, int]], rows_of: list[list[tuple[int, int]]],
    ink_of: list[np.ndarray],
) -> None:
    """Cells found blank because line pixels that are no ruling of any table erased their
    print: bold digits set tight (a photocopy thickens them) fuse their tops and feet into
    runs as long as a short ruling; the run is dropped as a segment (anchored nowhere) but
    its pixels stayed in the mask and took the number with them ("2932" read as blank).
    For such cells, only the kept rulings' pixels are erased; ink that is then mostly line
    pixels is a ruling's leftover and the cell stays blank. Updates rows_of and ink_of in
    place (pixels, image frame: top-left origin)."""
    px = dpi / 72.0
    half = max(4, int(dpi / 25)) + 2  # a ruling's half thickness at most (1 mm lines), plus its grown edge
    kept = np.zeros_like(line_mask)
    for s in segments:
        a, b, c = int(s.position * px), int(s.start * px), int(s.end * px)
        if s.orientation == "h":
            kept[max(0, a - half) : a + half + 1, max(0, b - half) : c + half + 1] = 255
        else:
            kept[max(0, b - half) : c + half + 1, max(0, a - half) : a + half + 1] = 255
    kept_ink = _despeckle(cv2.bitwise_and(ink, cv2.bitwise_not(cv2.bitwise_and(line_mask, kept))), speck)
    for k, cell in enumerate(cells_px):
        if rows_of[k]:
            continue
        rows = cell_text_rows(kept_ink, cell, dpi)
        if not rows:
            continue
        x0, top, x1, bottom = _inner(cell, dpi)
        region = kept_ink[top:bottom, x0:x1] > 0
        on_lines = np.count_nonzero(region & (raw_lines[top:bottom, x0:x1] > 0))
        if on_lines <= _LINE_SHARE_OF_PRINT * np.count_nonzero(region):
            rows_of[k], ink_of[k] = rows, kept_ink


def _faint_print_crops(
    gray: np.ndarray, cells_px: Sequence[tuple[int, int, int, int]], dpi: float, line_height: float
) -> list[tuple[tuple[int, int, int, int], np.ndarray]]:
    """(box, contrast-stretched crop) of the faint print (`faint_print`: a printer low on
    toner) in cells with no ink found, to be read once more (`_faint_print_boxes`)."""
    return [f for cell in cells_px if (f := faint_print(gray, _inner(cell, dpi), dpi, line_height)) is not None]


def _faint_print_boxes(
    found: Sequence[tuple[tuple[int, int, int, int], np.ndarray]], readings: Sequence[LineResult], dpi: float
) -> list[TextBox]:
    """Boxes for the faint print `_faint_print_crops` found, given its second readings. A
    reading that is a number is never taken as read: the cell stands as unreadable ("?",
    confidence 0) with the reading as its one candidate, which the table's rules alone may
    accept (a cell.repaired warning); anything else leaves the cell blank."""
    scale = 72.0 / dpi
    boxes = []
    for (box, _), reading in zip(found, readings, strict=True):
        text = reading.text.strip()
        if any(ch.isdigit() for ch in text) and parse_value(text).value is not None:
            boxes.append(TextBox(_UNREAD, BBox(*(v * scale for v in box)), 0.0, "ocr", alternatives=(text,)))
    return boxes


def _seal_fragments(
    boxes: Sequence[TextBox], crops: Sequence[_LineCrop], cell_of: Sequence[int], discs: Sequence[SealDisc],
    min_confidence: float, on_red: Sequence[bool] = (), emptied: frozenset[int] | set[int] = frozenset(),
) -> dict[int, float]:
    """Lines that are a seal's ink, not print: in a cell of several lines, a line read
    unsurely, lying inside a round seal's ring or on red seal ink (`on_red`, per line),
    while the cell's other lines read surely as a number (or, for a line in `emptied`, read
    surely at all, or as numbers however surely). A seal's star or lettering over a value
    is cut as a line of its own above or below the print and read as a stray digit ("4" at
    0.39 over the printed "4" at 0.93: joined, 44), as nothing ("?"), as letters ("WT09")
    or as a character its specks make ("茶").
    -> {line index: the confidence the cell keeps}: the line's own, or 1.0 for a line in
    `emptied` (nothing was left of it to read once the seal's ink was taken out: pixel
    evidence that it is all seal)."""
    if not discs and not any(on_red):
        return {}
    by_cell: dict[int, list[int]] = {}
    for i, cell in enumerate(cell_of):
        by_cell.setdefault(cell, []).append(i)
    found: dict[int, float] = {}
    for lines in by_cell.values():
        if len(lines) < 2:
            continue
        centre = {i: ((crops[i].box_px[0] + crops[i].box_px[2]) / 2, (crops[i].box_px[1] + crops[i].box_px[3]) / 2) for i in lines}
        on_seal = {i for i in lines if any(disc.holds(*centre[i]) for disc in discs) or (on_red and on_red[i])}
        gone = [i for i in lines if i in emptied and not _reads_as_number(boxes[i].text)]
        if len(gone) == 1 and gone[0] in on_seal and all(_reads_as_number(boxes[i].text) for i in lines if i != gone[0]):
            # Nothing of it was left once the seal's ink was out ("茶" of a seal's specks
            # beside 3897): it goes beside numbers however surely they read, as its pixels
            # say it is seal; their own doubt stays theirs (a cell.low_confidence).
            found[gone[0]] = 1.0
            continue
        unsure = [i for i in lines if boxes[i].confidence < min_confidence]
        sure = [i for i in lines if i not in unsure]
        if len(unsure) != 1 or not sure:
            continue
        line = unsure[0]
        numbers = all(_reads_as_number(boxes[i].text) for i in sure)
        if not numbers and line not in emptied:
            # Beside a label (a section band's 第二十条第（六）项), only a line nothing was
            # left of once the seal's ink was out ("WT09" of a seal's lettering) goes.
            continue
        if line in on_seal:
            found[line] = 1.0 if line in emptied else boxes[line].confidence
    return found


def _reads_as_number(text: str) -> bool:
    return parse_value(text).ok and any(ch.isdigit() for ch in text)


# What the specks a seal's whitened ink leaves read as: dots and ticks, no character.
_SPECK_MARKS = frozenset("：:;；·.,，、'`‘’\"")


def _nothing_left(text: str) -> bool:
    """Whether a seal-less reading left nothing to read: empty, or only the marks its
    remaining specks make (茶's specks read "：" once the red ink was out). A null marker
    ("/", "-", "—") is something: it is print."""
    return all(ch in _SPECK_MARKS or ch.isspace() for ch in text)


def _without_fragments(
    boxes: Sequence[TextBox], lines_px: Sequence[Optional[tuple[int, int, int, int]]], cell_of: Sequence[int],
    fragments: dict[int, float],
) -> tuple[list[TextBox], list[Optional[tuple[int, int, int, int]]]]:
    """The boxes without the seal fragments. The cell's other lines keep the fragment's low
    confidence: the value stands as read without it, still marked for a look (a
    cell.low_confidence warning, the rules may settle it), never as sure."""
    doubt = {cell_of[i]: confidence for i, confidence in fragments.items()}
    kept = [i for i in range(len(boxes)) if i not in fragments]
    out = [
        replace(boxes[i], confidence=min(boxes[i].confidence, doubt[cell_of[i]])) if cell_of[i] in doubt else boxes[i]
        for i in kept
    ]
    return out, [lines_px[i] for i in kept]


def _join_cut_labels(
    boxes: list[TextBox], lines_px: Sequence[Optional[tuple[int, int, int, int]]]
) -> list[TextBox]:
    """Neighbouring pieces of a line cut at a column line joined again when both read as
    Chinese: the cut keeps numbers of neighbouring columns apart (and a label apart from
    the numbers glued to it), but a label merged over the label columns and spaced with an
    ideographic space (（一） 予以公开) is one text."""
    out: list[TextBox] = []
    for k, box in enumerate(boxes):
        line = lines_px[k]
        if (line is not None and out and lines_px[k - 1] == line
                and _CJK.search(box.text) and _CJK.search(out[-1].text)):
            last = out[-1]
            out[-1] = TextBox(last.text + box.text,
                              BBox(last.bbox.x0, min(last.bbox.top, box.bbox.top), box.bbox.x1,
                                   max(last.bbox.bottom, box.bbox.bottom)),
                              min(last.confidence, box.confidence), "ocr")
        else:
            out.append(box)
    return out


# A numbered label's opening: "3." / "3、" / "（3）" before several Chinese characters
# (三's 3.补正后申请内容仍不明确): its digits number the label, no value is printed there.
_NUMBERED_LABEL = re.compile(r"\s*(?:\d{1,2}\s*[.．、]|[（(]\d{1,2}[)）])\s*(?=(?:[^\d]*[\u3400-\u9fff]){3})[^\d]*")


def _in_label_cells(results: Sequence[LineResult], cell_of: Sequence[int]) -> list[bool]:
    """Per line: its cell has another line of Chinese text and no digits but a numbered
    label's number (a wrapped or vertical label, one or two characters per line, "3.补正后
    申请内容仍不" over "明确"), unlike a value cell."""
    chinese: dict[int, int] = {}
    digits: set[int] = set()
    for result, cell in zip(results, cell_of, strict=True):
        if _CJK.search(result.text):
            chinese[cell] = chinese.get(cell, 0) + 1
        if any(ch.isdigit() for ch in result.text) and not _NUMBERED_LABEL.fullmatch(result.text):
            digits.add(cell)
    return [chinese.get(cell, 0) >= 2 and cell not in digits for cell in cell_of]


def _doubtful(result: LineResult, settings: Settings, in_label: bool = False) -> bool:
    """Worth a second reading: low confidence, nothing read, one or two stray Chinese
    characters — what a seal's lettering over a number reads as, often confidently — or
    one or two Latin letters that are no number. The
    pieces of a wrapped or vertical label (one character of 三、本年度办理结果 per line)
    are template characters in a cell of several Chinese lines: not read twice."""
    text = result.text.strip()
    if result.confidence < settings.min_ocr_confidence or not text:
        return True
    if len(text) > 2 or any(ch.isdigit() for ch in text):
        return False
    if not _CJK.search(text):
        # One or two Latin letters or marks that are no number and no blank mark ("/", "-"):
        # no label of the template reads so; a number under a seal's ring or a smudge does
        # ("a" for 0, confidently).
        return not parse_value(text).ok
    if text in UNIT_WORDS or text in _UNIT_HEADERS:
        # 件 / 条 / 人次 read confidently: a pre-2019 table's unit column, not a seal's
        # lettering (a seal over a number that reads as a unit leaves a cell that is no
        # number: reported unreadable, never a value).
        return False
    return not (in_label and all(ch in _TEMPLATE_CHARACTERS for ch in text if _CJK.fullmatch(ch)))


# Template labels of one or two characters (总计, 规章, 其他).
_SHORT_LABELS = frozenset(label for label in _template_labels() if 0 < len(label) <= 2)


def _to_read_again(
    results: Sequence[LineResult], cell_of: Sequence[int], in_label: Sequence[bool], on_seal: Sequence[bool],
    stray: Sequence[bool], settings: Settings,
) -> list[int]:
    """The lines to read a second time: doubtful ones (`_doubtful`) and, on a seal, those
    read with a stray character (`_stray_part`). Readings that carry their alternatives
    already (a slash's "1") are not read twice, nor readings a second one could not change
    (`_second_reading_unused`): on a seal, only a line alone in its cell (a seal fragment is
    a line beside others)."""
    lines = Counter(cell_of)
    out = []
    for i, r in enumerate(results):
        alone = lines[cell_of[i]] == 1
        if stray[i] or (
            _doubtful(r, settings, in_label[i]) and not r.alternatives
            and not ((alone or not on_seal[i]) and _second_reading_unused(r, alone, settings))
        ):
            out.append(i)
    return out


def _second_reading_unused(result: LineResult, alone_in_cell: bool, settings: Settings) -> bool:
    """A doubtful line off any seal whose second readings could not change its cell: read
    surely as one of the template's short labels (总计, 规章: a label's cell is matched by its
    text, its alternatives are offered for values only), or read surely as a value or a
    blank mark ("无") alone in its cell (a cell's alternatives become candidates only when
    it reads unsurely or as no number: pipeline's candidates). On a seal, a line beside
    others in its cell is read again whatever it reads: the reading without the seal's ink
    may take it out as a fragment (`_seal_fragments`); a line alone in its cell is never
    one."""
    if result.confidence < settings.min_ocr_confidence:
        return False
    text = result.text.strip()
    return text in _SHORT_LABELS or (alone_in_cell and parse_value(text).ok)


def _recognize(engine: OcrEngine, images: Sequence[np.ndarray], first_reading: bool = True) -> list[LineResult]:
    """Batch recognition. On first readings a lone "1" is checked for being a slash; second
    readings stay as recognised: they only offer candidates the rules then choose among.
    Second readings are of hard crops (a seal's lettering over a number, a smudge): read
    `wide`, padded as the recogniser's own pipeline pads a line, where they read steadier
    than in the tight batches of first readings."""
    results = []
    readings = engine.recognize_lines(images) if first_reading else engine.recognize_lines(images, wide=True)
    for image, r in zip(images, readings, strict=True):
        text = _DIGIT_GAP.sub("", r.text)
        if first_reading and text == "1" and (
            _slant_deg(image) > _SLASH_SLANT_DEG or _stroke_slant_deg(image) > _SLASH_STROKE_SLANT_DEG
        ):
            # The recogniser reads a printed "/" (nothing reported) as "1" — even
            # confidently on grey, shadowed scans. A "1" stands upright; a slash leans.
            # Its reading "1" stays the alternative: second readings of a slash say "1"
            # again (all 103 of the slash twin's), so it is not read twice.
            results.append(LineResult("/", min(r.confidence, 0.6), ("1",)))
            continue
        results.append(LineResult(text, r.confidence))
    return results


# A lone "1" whose stroke leans more than this from vertical is a slash (degrees).
_SLASH_SLANT_DEG = 12.0


def _slant_deg(image: np.ndarray) -> float:
    """Angle between vertical and the main axis of the darkest strokes of a line crop."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    ys, xs = np.nonzero(_dark_only(gray) == 0)
    return _axis_from_vertical_deg(xs, ys)


def _axis_from_vertical_deg(xs: np.ndarray, ys: np.ndarray) -> float:
    """Angle between vertical and the main axis of a set of pixels (0 for under 10 pixels)."""
    if len(xs) < 10:
        return 0.0
    cov = np.cov(np.vstack([xs - xs.mean(), ys - ys.mean()]))
    vals, vecs = np.linalg.eigh(cov)
    vx, vy = vecs[:, int(np.argmax(vals))]
    return float(np.degrees(np.arctan2(abs(vx), abs(vy))))


# The same, measured on the stroke alone (a printed Song-style "/" leans 15-20 degrees; an
# upright "1", serifs and all, under 3 on the samples' scans).
_SLASH_STROKE_SLANT_DEG = 10.0


def _stroke_slant_deg(image: np.ndarray) -> float:
    """Angle between vertical and the main axis of the largest tall ink component of a line
    crop (Otsu), leaving out what the darkest-strokes measure can be misled by: a black
    ruling remnant along the crop's edge darker than a grey-scanned stroke."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    height, width = ink.shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, 8)
    best, best_area = 0, 0
    for i in range(1, n):
        x, _, w, h, area = stats[i]
        if h < 0.3 * height:
            continue  # flat: a ruling remnant or a speck
        if (x == 0 or x + w >= width) and w < 0.15 * width and h > 0.8 * height:
            continue  # a vertical ruling's edge
        if area > best_area:
            best, best_area = i, area
    if not best:
        return 0.0
    ys, xs = np.nonzero(labels == best)
    return _axis_from_vertical_deg(xs, ys)


def _dark_only(image: np.ndarray) -> np.ndarray:
    """Only the darkest strokes, on white: print is darker than a stamp or a smudge laid
    over it (a grey-scanned red seal is mid-grey; black type stays near black)."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    lo, hi = int(gray.min()), int(np.percentile(gray, 90))
    cut = lo + 0.45 * (hi - lo)
    return np.where(gray <= cut, 0, 255).astype(np.uint8)


def _reread(
    engine: OcrEngine, images: Sequence[np.ndarray], dpi: float, on_seal: Sequence[bool],
    red: Sequence[Optional[np.ndarray]], also: Sequence[np.ndarray] = (),
) -> tuple[list[list[str]], dict[int, LineResult], list[LineResult]]:
    """Alternative readings of doubtful lines: darkest strokes only, and twice the size;
    a line lying on a seal (`on_seal`: a found ring, or red ink `red` in its crop) also
    with the seal's ink taken out (`seals.without_seal_ink`): a ring crossing a 0 keeps its
    grey among the darkest strokes, and the recogniser reads the two as a letter. `also`:
    other crops of the page to read as second readings (a blank cell's faint print), in
    the same batched call.
    -> per line its alternatives, {line: the reading without the seal} where made, and
    the readings of `also`."""
    if not images and not also:
        return [], {}, []
    variants = [_dark_only(im) for im in images] + [
        cv2.resize(im, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC) for im in images
    ]
    n = len(images)
    cleaned = {i: without_seal_ink(im, dpi, red[i]) for i, im in enumerate(images) if on_seal[i]}
    cleaned_of = {i: 2 * n + k for k, i in enumerate(i for i, v in cleaned.items() if v is not None)}
    variants += [v for v in cleaned.values() if v is not None]
    results = _recognize(engine, [*variants, *also], first_reading=False)
    alternatives = [
        [results[i].text.strip(), results[n + i].text.strip()]
        + ([results[cleaned_of[i]].text.strip()] if i in cleaned_of else [])
        for i in range(n)
    ]
    return alternatives, {i: results[k] for i, k in cleaned_of.items()}, results[len(variants):]


# A value's reading with one Chinese character glued before or after its number ("茶3897"),
# or a mark after it ("0."): on a seal, the character or mark may be the seal's lettering or
# a stroke's remains.
_STRAY_BESIDE_NUMBER = re.compile(r"[\u3400-\u9fff]\d[\d,]*|\d[\d,]*[\u3400-\u9fff.,·'`:;]")


# A label read with a short Latin tail on a seal ("第二十条第（六)项 WT09"): the seal's
# lettering over the label row. The tail holds a letter; digits alone are never taken for
# seal ink (a label glued to its value, "规章0", is print).
_STRAY_AFTER_LABEL = re.compile(r"(.*[\u3400-\u9fff）)])\s*([A-Za-z0-9.,'`:;·]{0,3}[A-Za-z][A-Za-z0-9.,'`:;·]{0,3})")


def _stray_part(text: str) -> Optional[str]:
    """What a reading would be without a stray character or tail the seal may have made
    (`_STRAY_BESIDE_NUMBER`, `_STRAY_AFTER_LABEL`), or None when it has none."""
    if _STRAY_BESIDE_NUMBER.fullmatch(text):
        return text[1:] if _CJK.match(text) else text[:-1]
    label = _STRAY_AFTER_LABEL.fullmatch(text)
    return label.group(1) if label else None


def _red_in(seal: Optional[np.ndarray], box_px: tuple[int, int, int, int]) -> Optional[np.ndarray]:
    """The red-ink mask (`seal`) over a crop's box, or None when the box holds no red ink."""
    if seal is None:
        return None
    x0, top, x1, bottom = box_px
    part = seal[top:bottom, x0:x1]
    return part if part.size and part.any() else None


def _without_stray_seal_characters(
    results: Sequence[LineResult], doubtful: Sequence[int], sealless: dict[int, LineResult], stray: Sequence[bool]
) -> list[LineResult]:
    """A number read with one Chinese character beside it on a seal ("茶3897", "0.") is the number
    alone when the line, read again with the seal's ink taken out, is exactly that number:
    the character was the seal's ink (pixel evidence), the digits were read twice alike.
    So is a label with a short Latin tail ("第二十条第（六)项 WT09", `_stray_part`).
    It keeps the lower of the two confidences. Otherwise the reading stays as it is (no
    number: the cell is reported unreadable, the second readings offered as candidates)."""
    out = list(results)
    for k, i in enumerate(doubtful):
        again = sealless.get(k)
        if not stray[i] or again is None:
            continue
        rest = _stray_part(results[i].text.strip())
        if rest is not None and again.text.strip() == rest:
            out[i] = LineResult(rest, min(results[i].confidence, again.confidence))
    return out


# Text lines outside the tables are detected at this resolution at most (dpi): 10.5 pt body
# text is ~22 px tall there, plenty for the detector; they are recognised at full resolution.
_DETECT_DPI = 150.0


def _text_outside_tables(
    gray: np.ndarray, table_boxes: Sequence[tuple[float, float, float, float]], engine: OcrEngine, scale: float
) -> list[TextBox]:
    """Detection + recognition above the first table (or over the top third of a page
    without tables): enough for the title, at a fraction of a full-page pass."""
    height = gray.shape[0]
    limit = int(min((t for _, t, _, _ in table_boxes), default=height / 3))
    if limit < 20:
        return []
    lines = engine.read_page(gray[:limit], detect_scale=_DETECT_DPI * scale / 72.0)
    return [
        TextBox(line.text, BBox(*(v * scale for v in line.box)), line.confidence, "ocr")
        for line in lines
        if line.text.strip()
    ]


def _all_text_outside_tables(
    gray: np.ndarray, table_boxes: Sequence[tuple[float, float, float, float]], engine: OcrEngine, scale: float
) -> list[TextBox]:
    """Detection + recognition over the whole page with its tables painted white (their
    cells are read apart, cell by cell): every line of the title and the prose."""
    page = gray.copy()
    for x0, top, x1, bottom in table_boxes:
        page[max(0, int(top)) : int(bottom) + 1, max(0, int(x0)) : int(x1) + 1] = 255
    return [
        TextBox(line.text, BBox(*(v * scale for v in line.box)), line.confidence, "ocr")
        for line in engine.read_page(page)
        if line.text.strip()
    ]
