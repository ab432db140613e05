"""Dashed and dotted rulings on scanned pages, joined into lines.

Word and WPS offer dashed, dotted and dash-dot cell borders, and offices use them for a
table's inner rulings under a solid outer frame. Scanned at 150-300 dpi such a ruling is a
row of short marks: each shorter than the 1/5 inch a ruling run must be (`line_masks`),
so the grid loses every inner line and the table its cells. A row of marks is one ruling
when it looks like a printed border pattern and nothing like text:

- every mark is as thin as a line (its thickness constant and tiny: a glyph of the same
  length is taller; a digit "1" set upright has a flag and a foot, and fills its box
  poorly), and the marks are about one length;
- the marks lie on one straight line (within a pixel or two) and repeat at a regular
  pitch, their gaps no longer than about one and a half marks (a row of null dashes
  "—" in a table's value cells is a cell width apart); a gap of one or two missing marks
  is allowed (a mark merged with a glyph that touches it, or with the crossing ruling);
- the row of marks reaches a ruling across it at both ends (a solid one or another
  dashed one), within about one pitch: a border spans between two borders, while
  a dotted leader or a row of glyph strokes in prose stands free.

Coordinates are pixels of the page image, row 0 at the top; masks are 255 on 0.
Pure functions of their inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# A mark is at most this thick (inches; ~1.8 pt: a 0.5-1 pt border blurred by the scan)
# and at most this long (a ruling run's minimum, `line_masks`' 1/5 inch: longer ones are
# lines already).
_MARK_MAX_THICK_IN = 0.025
_MARK_MAX_LONG_IN = 0.2
# Beside a mark (across its line, inches) there is paper only: a glyph's stroke has the
# glyph's other strokes within a few points of it.
_BESIDE_IN = 0.03
# A mark longer than twice its thickness fills at least this share of its box (a dash is
# a filled bar, half its box when the line steps between pixel columns; a glyph's stroke
# with a serif or a hook fills less).
_MARK_MIN_FILL = 0.45
# Neighbouring marks: their centres within this many pixels across the line (plus the
# drift of a slope of 1/50 over the gap), the gap between them at most this long (inches:
# two missing marks of a coarse dash pattern at 150 dpi).
_ACROSS_TOLERANCE_PX = 2.0
_MAX_LINK_IN = 0.35
# A dashed ruling has at least this many marks ...
_MIN_MARKS = 3
# ... of about one length (this share within max(2 px, 35 %) of the median) ...
_SAME_LENGTH_SHARE = 0.75
# ... its gaps at most this many mark lengths (+ 3 px: dots), this share of its spacings
# whole pitches (within max(2 px, 40 % of the gap)) and none over three pitches ...
_MAX_GAP_PER_LENGTH = 1.6
_REGULAR_SHARE = 0.5
# Two dashed lines on one row with one pattern, at most this far apart (inches), are one
# ruling broken where text touches it.
_JOIN_GAP_IN = 1.0
# ... its centres on a straight line (largest residual, pixels) ...
_MAX_RESIDUAL_PX = 1.6
# ... and each end within one pitch (+ this many pixels: the crossing line's own
# thickness) of a ruling across it.
_END_SLACK_PX = 4


@dataclass(frozen=True)
class _Mark:
    """One short mark seen along a horizontal line (a vertical one transposed): its first
    and last column, its centre row and thickness (pixels)."""

    x0: int
    x1: int
    y: float
    thick: int
    top: int
    bar: bool  # split from a crossing blob (`_bars_of_crossings`), not a mark on its own

    @property
    def length(self) -> int:
        return self.x1 - self.x0 + 1


@dataclass(frozen=True)
class _DashedLine:
    """A row of marks judged to be a dashed ruling (in the frame it was found in): the
    fitted centre line y = slope * x + offset, the marks' extent and median thickness."""

    x0: int
    x1: int
    slope: float
    offset: float
    thick: int
    pitch: float
    mark: float  # the marks' median length

    def y_at(self, x: float) -> float:
        return self.slope * x + self.offset


def dashed_rulings(ink: np.ndarray, dpi: float, horizontal: np.ndarray, vertical: np.ndarray) -> np.ndarray:
    """The dashed and dotted rulings of a page's ink, drawn as solid lines (255 on 0), from
    end to end and on to the ruling each end reaches. `horizontal` and `vertical` are the
    page's solid ruling pixels (`line_masks`): the lines a dashed one may span between.
    An empty mask when the page has none."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    out = np.zeros_like(ink)
    if count <= 1:
        return out
    max_thick = max(3, int(round(dpi * _MARK_MAX_THICK_IN)))
    max_long = int(dpi * _MARK_MAX_LONG_IN)
    bars = _bars_of_crossings(labels, stats, max_thick, max_long)
    boxes = np.concatenate([stats[1:, :5], bars]).astype(np.int64)
    x, y, w, h, area = (boxes[:, k] for k in range(5))
    # A border's mark has paper beside it; a glyph's stroke has the glyph's other strokes.
    # (A crossing's bars have each other: they are judged by their row alone.)
    margin = max(3, int(round(dpi * _BESIDE_IN)))
    ink_sum = cv2.integral((ink > 0).astype(np.uint8))
    is_bar = np.r_[np.zeros(count - 1, bool), np.ones(len(bars), bool)]
    alone_h = is_bar | _alone(ink_sum, x, y, w, h, margin, across_rows=True)
    alone_v = is_bar | _alone(ink_sum, x, y, w, h, margin, across_rows=False)
    rows, short_rows = _rows_of_marks(x, y, w, h, area, alone_h, is_bar, max_thick, max_long, dpi)
    columns, short_columns = _rows_of_marks(y, x, h, w, area, alone_v, is_bar, max_thick, max_long, dpi)
    # A short piece is judged by its marks' shapes alone: a crossing's bars (a glyph such
    # as 十 or 4 has two) do not count there.
    # (Unless the crossing is with a ruling already found: the L or T where a short dashed
    # column meets a dashed row.)
    bar_rows, bar_columns = set(zip(x[is_bar], y[is_bar])), set(zip(y[is_bar], x[is_bar]))
    if not rows and not columns:
        return out
    solid_rows, solid_columns = _boxes(horizontal), _boxes(vertical)
    rows, columns = _spanning(rows, columns, solid_rows, solid_columns, min_span=lambda line: 2 * line.pitch)
    if not rows and not columns:
        return out
    # A cell only a row high holds one or two marks of its column's border between the
    # rows' (a ruling of three marks at least is judged alone): taken where they are the
    # page's own pattern (the accepted lines' mark length, thickness and pitch) and span
    # between two rulings.
    accepted = [line for line, _ in rows + columns]
    pattern = _DashedLine(0, 0, 0.0, 0.0, int(np.median([a.thick for a in accepted])),
                          float(np.median([a.pitch for a in accepted])), float(np.median([a.mark for a in accepted])))
    found = np.zeros_like(ink)
    for line, ends in rows:
        _draw(found, line, ends, transposed=False)
    for line, ends in columns:
        _draw(found, line, ends, transposed=True)
    on_rows, on_columns = cv2.bitwise_or(found, horizontal), cv2.bitwise_or(found, vertical)
    short_rows = [c for c in short_rows if all((m.x0, m.top) not in bar_rows or _ends_on(m, on_columns, False) for m in c)]
    short_columns = [c for c in short_columns if all((m.x0, m.top) not in bar_columns or _ends_on(m, on_rows, True) for m in c)]
    more_rows = [line for c in short_rows for line in [_as_pattern(c, pattern)] if line is not None]
    more_columns = [line for c in short_columns for line in [_as_pattern(c, pattern)] if line is not None]
    more_rows, more_columns = _spanning(
        more_rows, more_columns, solid_rows + [_image_box(r, False) for r, _ in rows],
        solid_columns + [_image_box(c, True) for c, _ in columns], min_span=lambda line: line.mark,
    )
    # Word and WPS start a cell's border pattern with a mark at the cell's corner, so such a
    # piece starts (or ends) on a ruling: a null dash "—" set in a cell keeps the cell's
    # padding on both sides.
    def at_corner(item: tuple[_DashedLine, tuple[float, float]]) -> bool:
        line, (start, end) = item
        return min(line.x0 - start, end - line.x1) <= line.thick + _END_SLACK_PX + 1

    more_rows, more_columns = list(filter(at_corner, more_rows)), list(filter(at_corner, more_columns))
    for line, ends in more_rows:
        _draw(found, line, ends, transposed=False)
    for line, ends in more_columns:
        _draw(found, line, ends, transposed=True)
    return found


def _ends_on(mark: _Mark, lines: np.ndarray, transposed: bool) -> bool:
    """Whether either end of a mark (a column's in the transposed frame) lies on a line
    of `lines` (within 3 px)."""
    across = int(round(mark.y))
    for end in (mark.x0, mark.x1):
        y0, y1, x0, x1 = end - 3, end + 4, across - 3, across + 4
        if not transposed:
            y0, y1, x0, x1 = x0, x1, y0, y1
        if lines[max(0, y0) : y1, max(0, x0) : x1].any():
            return True
    return False


def _spanning(rows, columns, solid_rows, solid_columns, min_span):
    """The dashed rows and columns that span between two rulings across them (solid
    ones, given as image boxes (x0, x1, y0, y1), or dashed ones of the other list), each
    with its ends (`_ends_at_rulings`)."""
    # Image boxes (x0, x1, y0, y1) of the rulings a dashed one may end at.
    column_boxes = solid_columns + [_image_box(c, transposed=True) for c in columns]
    row_boxes = solid_rows + [_image_box(r, transposed=False) for r in rows]
    # `_ends_at_rulings` takes them in the frame of the line checked, (along0, along1,
    # across0, across1) with "along" the crossing ruling's own direction: for a row the
    # columns' y extent, for a column (transposed) the rows' x extent.
    crossing_rows = [(y0, y1, x0, x1) for x0, x1, y0, y1 in column_boxes]
    kept_rows = [(line, ends) for line in rows for ends in [_ends_at_rulings(line, crossing_rows, min_span(line))] if ends]
    kept_columns = [(line, ends) for line in columns for ends in [_ends_at_rulings(line, row_boxes, min_span(line))] if ends]
    return kept_rows, kept_columns


def _as_pattern(marks: list[_Mark], pattern: _DashedLine) -> _DashedLine | None:
    """One or two marks as a piece of a dashed ruling with the page's `pattern`: each as
    thick as its marks (within a pixel) and no longer (a cell's last mark is cut short,
    but not below half), two of them a pitch apart."""
    for m in marks:
        if abs(m.thick - pattern.thick) > 1 or not 0.5 * pattern.mark - 1 <= m.length <= 1.2 * pattern.mark + 2:
            return None
    if len(marks) == 2:
        spacing = (marks[1].x0 + marks[1].x1 - marks[0].x0 - marks[0].x1) / 2
        if abs(spacing - pattern.pitch) > max(2.0, 0.2 * pattern.pitch):
            return None
    y = float(np.mean([m.y for m in marks]))
    return _DashedLine(marks[0].x0, marks[-1].x1, 0.0, y, pattern.thick, pattern.pitch, pattern.mark)


def _boxes(mask: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Each connected run of a ruling mask as (x0, x1, y0, y1), pixels inclusive (outer
    contours: cheaper than labelling on a page of sparse lines)."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        boxes.append((float(x), float(x + w - 1), float(y), float(y + h - 1)))
    return boxes


def _alone(
    ink_sum: np.ndarray, x: np.ndarray, y: np.ndarray, w: np.ndarray, h: np.ndarray, margin: int, across_rows: bool,
) -> np.ndarray:
    """Per box: whether the ink within `margin` px beside it (above and below for a
    horizontal mark, `across_rows`; left and right for a vertical one), along its middle
    (its ends may touch a crossing line's), is no more than noise. `ink_sum` is
    `cv2.integral` of the 0/1 ink."""
    height, width = ink_sum.shape[0] - 1, ink_sum.shape[1] - 1

    def total(x0, y0, x1, y1):  # inclusive boxes, clipped to the image
        x0, x1 = np.clip(x0, 0, width - 1), np.clip(x1, 0, width - 1)
        y0, y1 = np.clip(y0, 0, height - 1), np.clip(y1, 0, height - 1)
        return ink_sum[y1 + 1, x1 + 1] - ink_sum[y0, x1 + 1] - ink_sum[y1 + 1, x0] + ink_sum[y0, x0]

    if across_rows:
        shrink = np.minimum(2, (w - 1) // 3)
        x0, x1 = x + shrink, x + w - 1 - shrink
        own = total(x0, y, x1, y + h - 1)
        beside = total(x0, y - margin, x1, y + h - 1 + margin) - own
        along = x1 - x0 + 1
    else:
        shrink = np.minimum(2, (h - 1) // 3)
        y0, y1 = y + shrink, y + h - 1 - shrink
        own = total(x, y0, x + w - 1, y1)
        beside = total(x - margin, y0, x + w - 1 + margin, y1) - own
        along = y1 - y0 + 1
    return beside <= 2 + along // 8


def _bars_of_crossings(labels: np.ndarray, stats: np.ndarray, max_thick: int, max_long: int) -> np.ndarray:
    """Where a dashed ruling crosses another, or ends at one, its mark and the other's
    merge into a cross, a T or an L: two thin bars. Each such component's bars as boxes of
    their own (x, y, w, h, area rows like `stats`), a horizontal bar (rows it fills most of
    its width, at most `max_thick` of them) and a vertical one."""
    x, y, w, h, area = (stats[1:, k] for k in range(5))
    # Both sides short, both longer than a line is thick, and thin bars only (no blob).
    crossing = (w <= max_long) & (h <= max_long) & (w > max_thick) & (h > max_thick) & (area <= (w + h) * max_thick)
    bars = []
    for k in np.flatnonzero(crossing):
        own = labels[y[k] : y[k] + h[k], x[k] : x[k] + w[k]] == k + 1
        found = []
        for counts, along, vertical in ((own.sum(axis=0), h[k], True), (own.sum(axis=1), w[k], False)):
            band = np.flatnonzero(counts >= 0.7 * along)
            if band.size == 0 or band[-1] - band[0] + 1 > max_thick:
                break
            start, thick = int(band[0]), int(band[-1] - band[0] + 1)
            if vertical:
                found.append((x[k] + start, y[k], thick, h[k], thick * h[k]))
            else:
                found.append((x[k], y[k] + start, w[k], thick, thick * w[k]))
        if len(found) == 2:  # a crossing has both bars (a glyph's hooked stroke one)
            bars.extend(found)
    return np.array(bars, np.int64).reshape(-1, 5)


def _image_box(line: "_DashedLine", transposed: bool) -> tuple[float, float, float, float]:
    """A dashed line's box (x0, x1, y0, y1) in the image's frame."""
    across = (line.y_at(line.x0), line.y_at(line.x1))
    box = (float(line.x0), float(line.x1), min(across) - line.thick, max(across) + line.thick)
    return (box[2], box[3], box[0], box[1]) if transposed else box


def _rows_of_marks(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, h: np.ndarray, area: np.ndarray, alone: np.ndarray,
    bar: np.ndarray, max_thick: int, max_long: int, dpi: float,
) -> tuple[list[_DashedLine], list[list[_Mark]]]:
    """The dashed lines along the image's rows among components with boxes (x, y, w, h),
    pixel counts `area` and paper beside them (`alone`; pass them transposed for the
    columns), and the chains of marks too short to judge alone."""
    fill = area / np.maximum(1, w * h)
    mark = alone & (h <= max_thick) & (w <= max_long) & (w * 10 >= h * 7) & (area >= 2) & ((w < 2 * h) | (fill >= _MARK_MIN_FILL))
    picked = np.flatnonzero(mark)
    if picked.size == 0:
        return [], []
    marks = sorted(
        (_Mark(int(x[i]), int(x[i] + w[i] - 1), float(y[i] + (h[i] - 1) / 2), int(h[i]), int(y[i]), bool(bar[i])) for i in picked),
        key=lambda m: m.x0,
    )
    max_link = int(dpi * _MAX_LINK_IN)
    chains: list[list[_Mark]] = []
    open_chains: list[list[_Mark]] = []
    for m in marks:
        # Chains whose last mark is too far behind this one are done.
        still_open = []
        for c in open_chains:
            (still_open if m.x0 - c[-1].x1 <= max_link else chains).append(c)
        open_chains = still_open
        best, best_gap = None, None
        for c in open_chains:
            last = c[-1]
            gap = m.x0 - last.x1
            if gap < 1 or abs(m.y - last.y) > _ACROSS_TOLERANCE_PX + gap / 50:
                continue
            if best_gap is None or gap < best_gap:
                best, best_gap = c, gap
        if best is None:
            open_chains.append([m])
        else:
            best.append(m)
    chains.extend(open_chains)
    lines = [line for c in chains if len(c) >= _MIN_MARKS for line in [_trimmed_dashed_line(c)] if line is not None]
    return _joined(lines, int(dpi * _JOIN_GAP_IN)), [c for c in chains if len(c) < _MIN_MARKS]


def _joined(lines: list[_DashedLine], longest_gap: int) -> list[_DashedLine]:
    """Dashed lines that continue one another (on one row, one pattern, at most
    `longest_gap` px apart) joined into one: text touching a ruling merges its marks
    with glyphs over a few pitches and breaks the row of marks there."""
    out: list[_DashedLine] = []
    for line in sorted(lines, key=lambda l: l.x0):
        for k, prev in enumerate(out):
            gap = line.x0 - prev.x1
            if (
                0 < gap <= longest_gap
                and abs(prev.y_at(line.x0) - line.y_at(line.x0)) <= _ACROSS_TOLERANCE_PX
                and abs(prev.pitch - line.pitch) <= 0.15 * prev.pitch
                and abs(prev.thick - line.thick) <= 1
                and abs(prev.mark - line.mark) <= max(2.0, 0.2 * prev.mark)
            ):
                y0, y1 = prev.y_at(prev.x0), line.y_at(line.x1)
                slope = (y1 - y0) / max(1, line.x1 - prev.x0)
                out[k] = _DashedLine(prev.x0, line.x1, slope, y0 - slope * prev.x0, prev.thick, prev.pitch, prev.mark)
                break
        else:
            out.append(line)
    return out


def _trimmed_dashed_line(marks: list[_Mark]) -> _DashedLine | None:
    """The chain as a dashed line (`_as_dashed_line`), or, failing that, without a stray
    mark at one end or both (a glyph's stroke beyond the table, on the ruling's line)."""
    for chain in (marks, marks[1:], marks[:-1], marks[1:-1]):
        line = _as_dashed_line(chain) if len(chain) >= _MIN_MARKS else None
        if line is not None:
            return line
    return None


def _as_dashed_line(marks: list[_Mark]) -> _DashedLine | None:
    """The chain of marks as a dashed line, or None when it is no border pattern."""
    lengths = np.array([m.length for m in marks], float)
    length = float(np.median(lengths))
    typical = np.abs(lengths - length) <= max(2.0, 0.35 * length)
    if typical.mean() < _SAME_LENGTH_SHARE:
        return None
    # An odd mark (a speck, a scrap of a glyph touching the line, a stroke of a heading
    # beyond the table) is no mark of the pattern; one at an end stays when it is short (a
    # cell's last mark is cut short) or close to the next (a mark run into the crossing
    # ruling's: within a mark's length of its neighbour).
    typical[0] |= lengths[0] < length or marks[1].x0 - marks[0].x1 - 1 <= length
    typical[-1] |= lengths[-1] < length or marks[-1].x0 - marks[-2].x1 - 1 <= length
    marks = [m for m, keep in zip(marks, typical) if keep]
    if len(marks) < _MIN_MARKS:
        return None
    # Most marks stand alone: a digit (4, 1 with a foot, 十) splits into two bars as a
    # crossing does, and a column of such digits in consecutive rows is regular too.
    if sum(not m.bar for m in marks) < max(2, 0.5 * len(marks)):
        return None
    centres = np.array([(m.x0 + m.x1) / 2 for m in marks], float)
    # The pitch: spacings between neighbouring marks are whole multiples of it (a mark
    # merged with a crossing ruling or a glyph is missing from the row), the shortest of
    # them (a low percentile, noise aside) close to one pitch.
    spacings = np.diff(centres)
    multiples = np.maximum(1, np.rint(spacings / max(1.0, float(np.percentile(spacings, 10)))))
    pitch = float(np.median(spacings / multiples))
    gap = pitch - length
    if gap < 1 or gap > _MAX_GAP_PER_LENGTH * length + 3:
        return None
    # Word and WPS draw each cell's border on its own, so a dashed ruling's pattern starts
    # afresh at every crossing ruling (and a cell's last mark is cut short): within a cell
    # the marks repeat at the pitch, across a crossing the spacing is anything up to three
    # pitches. Most spacings must be whole pitches (`_REGULAR_SHARE`), at least two the
    # pitch itself, and none longer than three.
    tolerance = max(2.0, 0.4 * gap)
    one_pitch = np.abs(spacings - pitch) <= tolerance
    regular = np.abs(spacings - multiples * pitch) <= tolerance + multiples - 1
    if regular.mean() < _REGULAR_SHARE or one_pitch.sum() < 2 or spacings.max() > 3 * pitch + tolerance:
        return None
    ys = np.array([m.y for m in marks], float)
    slope, offset = np.polyfit(centres, ys, 1) if np.ptp(centres) > 0 else (0.0, float(ys.mean()))
    if np.abs(ys - (slope * centres + offset)).max() > _MAX_RESIDUAL_PX or abs(slope) > 0.06:
        return None
    thick = int(np.median([m.thick for m in marks]))
    return _DashedLine(marks[0].x0, marks[-1].x1, float(slope), float(offset), max(1, thick), pitch, length)


def _ends_at_rulings(
    line: _DashedLine, crossing: list[tuple[float, float, float, float]], min_span: float
) -> tuple[float, float] | None:
    """Where the line's two ends meet a ruling across it: (start, end) along the line,
    each the crossing ruling's position, or None when either end reaches none or they are
    less than `min_span` apart. `crossing`
    boxes are (along0, along1, across0, across1) with "along" the crossing ruling's own
    direction, i.e. across this line."""
    reach = line.pitch + _END_SLACK_PX
    start = end = None
    for along0, along1, across0, across1 in crossing:
        position = (across0 + across1) / 2
        if across1 - across0 > 3 * reach:
            continue  # not a thin line across this one
        y0, y1 = line.y_at(position) - _END_SLACK_PX, line.y_at(position) + _END_SLACK_PX
        if along1 < y0 or along0 > y1:
            continue  # does not reach this line's row
        if -reach <= line.x0 - position <= reach and (start is None or position < start):
            start = position
        if -reach <= position - line.x1 <= reach and (end is None or position > end):
            end = position
    if start is None or end is None or end - start < min_span:
        return None
    return start, end


def _draw(out: np.ndarray, line: _DashedLine, ends: tuple[float, float], transposed: bool) -> None:
    """Draws the line from end to end into `out` (a column's frame is the image's
    transposed: its x is the image's y)."""
    start, end = ends
    p0, p1 = (start, line.y_at(start)), (end, line.y_at(end))
    if transposed:
        p0, p1 = p0[::-1], p1[::-1]
    cv2.line(out, tuple(int(round(v)) for v in p0), tuple(int(round(v)) for v in p1), 255, thickness=line.thick)
