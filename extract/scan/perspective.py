"""Camera captures: a page photographed at an angle (keystone) or lying curled near its
binding, flattened from the table's own rulings before the grid is built.

A flatbed scan, once deskewed, has parallel, axis-aligned rulings. A camera not square to
the sheet makes the table's horizontal rulings converge on one vanishing point and its
verticals on another; a sheet dipping into the binding bows the horizontal rulings near
it. Both bend the grid the rulings are read as (one row's ruling at different heights
across the page, column rules that lean), so cells shift and a continued table's columns
no longer line up with the previous page's.

`estimate_flattening` measures both on the deskewed page's ink:

1. Long ruling runs (`pixels.line_masks`), each fitted with a straight line (trimmed least
   squares, so a bowed end does not pull the fit).
2. The vanishing points of the horizontal and the vertical lines, each the least-squares
   common point of its family (homogeneous coordinates: a point at infinity is
   parallel lines). Every line must pass through its family's point within
   `_MAX_MISS_PX` at its ends; otherwise the rulings do not tell one consistent perspective
   and the page is left alone.
3. The quadrilateral the two pencils cut around the rulings' extent, mapped to a rectangle
   of its mean side lengths with the same centre (`cv2.getPerspectiveTransform`): the
   homography. Applied only when it moves some corner of that quadrilateral by more than
   `_MIN_CORRECTION_PT`, or its horizontal rulings converge by more than
   `_MIN_CONVERGENCE_PT`, so a flat scan is read exactly as before.
4. After the warp, the long horizontal rulings' remaining bow (their per-column height
   against their straight fit over the middle of the run): where it exceeds
   `_MIN_BOW_PT`, a per-column vertical shift interpolated between the rulings
   (`cv2.remap`) straightens them.

Frames: all pixels here are of the deskewed page image (row 0 at the top, x to the right);
`Flattening.apply` maps that image to the flattened one of the same size, in which the page
is then read. The record's bboxes are in points of the flattened image
(`PageContent`'s frame); `Flattening.homography` maps deskewed pixels to flattened pixels
(the curl shift, at most a few pixels, is not in it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np

from .pixels import line_masks

# A ruling counts as evidence when it runs this share of the page's width (horizontal) or
# height (vertical): the table's borders and long rules, not text strokes nor short rules
# between two cells.
_MIN_H_SHARE = 0.25
_MIN_V_SHARE = 0.10
# At least this many of each family (two define a point; more check it). A short table
# (二, a few rows) may have only its two borders as long verticals: their meeting point
# is taken as it is, the horizontals (every row's ruling) are checked.
_MIN_H_LINES = 3
_MIN_V_LINES = 2
# How far (working pixels, ~1/100 inch) a line's ends lie from the line drawn from its
# midpoint to its family's vanishing point. A fitted ruling is good to a fraction of a pixel
# at its ends, whatever its length (an angle test would be too loose for long rulings and
# too strict for short ones); bowed or mis-fitted runs are dropped once, and if the rest
# still disagree, nothing is done.
_MAX_MISS_PX = 1.0
# Some corner of the ruled region moves by more than this (points: 6 px at 150 dpi) or the
# page is flat enough. On the deskewed flatbed twins (samples/scanned) the rulings' own
# disagreement (JPEG, a seal, few long verticals) makes up to 2.3 pt; those pages read
# exact as they are, and the grid builder snaps rulings within 2 pt. A 1.5 % keystone
# already moves a full-width table's corners by 3 pt, the camera twins' 3-6 % by 6-15 pt.
_MIN_CORRECTION_PT = 3.0
# ... or the long horizontal rulings converge by this much (points): their slopes differ by
# so much over the longest one's length. A table in the middle of the sheet moves its
# corners little (the camera twins' 4-6 % keystone: 2.7-3.7 pt on a 二 or a 三 that starts
# low on the page), yet once deskewed its top and bottom rulings still tilt by half that
# convergence each way, and rows 20-30 px high run together at one end (a phone capture's
# 三: 二 and （一）'s values read as one cell). Measured on the 23 flatbed twins: at most
# 1.9 pt (JPEG, seals); the camera twins' table pages: 6-27 pt.
_MIN_CONVERGENCE_PT = 4.0
# A horizontal ruling bowing more than this (points) from straight at its end is curled ...
_MIN_BOW_PT = 1.0
# ... and a page is curled when at least this many do, at the same end (`_curl_shift`).
_MIN_CURLED_RULINGS = 3
# Opening length (inches) for tilted rulings: a 1-2 px line leaning 2-3 degrees steps a row
# every 20-40 px, so a short kernel keeps it (as `estimate_skew` does).
_RUN_IN = 0.08


@dataclass(frozen=True)
class Flattening:
    """How to flatten one deskewed page image (pixels, see the module's frames)."""

    homography: np.ndarray  # 3x3, deskewed px -> flattened px (identity when only curled)
    # Curl: per-pixel source rows for cv2.remap of the homography's output (float32 maps
    # of the image's size), or None when the rulings do not bow.
    curl_map: Optional[tuple[np.ndarray, np.ndarray]] = None
    corner_shift_px: float = 0.0  # largest move of a corner of the ruled region
    bow_px: float = 0.0  # largest bow of a horizontal ruling after the homography

    def apply(self, image: np.ndarray, fill: int = 255) -> np.ndarray:
        """The image flattened, same size; uncovered pixels get `fill` (paper white)."""
        h, w = image.shape[:2]
        border = fill if image.ndim == 2 else (fill,) * image.shape[2]
        out = image
        if not np.allclose(self.homography, np.eye(3)):
            out = cv2.warpPerspective(
                out, self.homography, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border
            )
        if self.curl_map is not None:
            out = cv2.remap(
                out, *self.curl_map, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border
            )
        return out


@dataclass(frozen=True)
class _Line:
    """A fitted ruling in pixels. For "h": y = slope * x + offset over x in [start, end];
    for "v": x = slope * y + offset over y in [start, end]."""

    slope: float
    offset: float
    start: float
    end: float
    component: int  # its label in the line mask's components

    @property
    def length(self) -> float:
        return self.end - self.start

    def homogeneous(self, vertical: bool) -> np.ndarray:
        """(a, b, c) with a x + b y + c = 0, a^2 + b^2 = 1."""
        a, b, c = (-1.0, self.slope, self.offset) if vertical else (self.slope, -1.0, self.offset)
        return np.array([a, b, c]) / np.hypot(a, b)

    def midpoint(self, vertical: bool) -> tuple[float, float]:
        along = (self.start + self.end) / 2
        across = self.slope * along + self.offset
        return (across, along) if vertical else (along, across)


# Rulings are measured at about this resolution (dpi): a 0.5-1 pt line stays a pixel
# thick, the fits stay well under 0.1 degree on runs of a few hundred pixels, and the
# morphology and labelling cost a quarter of what they do at 200 dpi.
_WORK_DPI = 100
# A ruling has paper on both sides: the mean grey a little way off it (1/16 inch) on
# either side is within this much of the paper's. The edge of the sheet against the desk,
# or the shadow of the binding, has a dark side.
_SIDE_DARKER = 45


def estimate_flattening(gray: np.ndarray, ink: np.ndarray, dpi: float) -> Optional[Flattening]:
    """The flattening of a deskewed page from its rulings (see the module), or None when
    the rulings are too few, disagree, or say the page is flat already. `gray` is the
    deskewed page (8-bit), `ink` its binary ink mask (255 on 0)."""
    height, width = ink.shape[:2]
    factor = max(1, int(dpi // _WORK_DPI))
    small_ink, small_gray = ink, gray
    if factor > 1:
        size = (width // factor, height // factor)
        small_ink = ((cv2.resize(ink, size, interpolation=cv2.INTER_AREA) > 64) * 255).astype(np.uint8)
        small_gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    work_dpi = dpi / factor
    h_runs, v_lines = _rulings(small_ink, small_gray, work_dpi)
    homography, shift, convergence = _rectifying_homography([line for line, _, _ in h_runs], v_lines)
    if (
        homography is not None
        and shift * factor < _MIN_CORRECTION_PT * dpi / 72.0
        and convergence * factor < _MIN_CONVERGENCE_PT * dpi / 72.0
    ):
        homography = None
    if homography is not None:
        # The rulings again on the rectified page: what bows there is curl.
        small_h, small_w = small_ink.shape
        warped_ink = cv2.warpPerspective(small_ink, homography, (small_w, small_h), flags=cv2.INTER_NEAREST)
        warped_gray = cv2.warpPerspective(small_gray, homography, (small_w, small_h), flags=cv2.INTER_LINEAR, borderValue=255)
        h_runs, _ = _rulings(warped_ink, warped_gray, work_dpi)
    shift_grid, bow = _curl_shift(h_runs, small_ink.shape, work_dpi, _MIN_BOW_PT * work_dpi / 72.0)
    if homography is None and shift_grid is None:
        return None
    full = np.eye(3)
    if homography is not None:
        # Pixels of the full image are `factor` times those measured: H = S h S^-1.
        scaling = np.diag([factor, factor, 1.0])
        full = scaling @ homography @ np.linalg.inv(scaling)
    curl = None
    if shift_grid is not None:
        shift_px = cv2.resize(shift_grid * factor, (width, height), interpolation=cv2.INTER_LINEAR)
        map_x, map_y = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
        # A ruling straight at row s is printed at s + shift: read the output row there.
        curl = (map_x, map_y + shift_px)
    return Flattening(full, curl, corner_shift_px=shift * factor if homography is not None else 0.0, bow_px=bow * factor)


def _rulings(ink: np.ndarray, gray: np.ndarray, dpi: float) -> tuple[list[tuple[_Line, np.ndarray, np.ndarray]], list[_Line]]:
    """Long horizontal rulings (with their columns and heights, see `_long_runs`) and long
    vertical ones of a page, fitted straight."""
    height, width = ink.shape[:2]
    h_mask, v_mask = line_masks(ink, dpi, _RUN_IN)
    paper = float(np.percentile(gray[::4, ::4], 75))
    h_runs = _long_runs(h_mask, gray, _MIN_H_SHARE * width, dpi, paper)
    v_runs = _long_runs(np.ascontiguousarray(v_mask.T), np.ascontiguousarray(gray.T), _MIN_V_SHARE * height, dpi, paper)
    return h_runs, [line for line, _, _ in v_runs]


def _long_runs(mask: np.ndarray, gray: np.ndarray, min_length: float, dpi: float, paper: float):
    """The long horizontal runs of a line mask (a vertical mask is passed transposed, with
    its page): per run its straight fit, its columns and its height in each. Runs thicker
    on average than a ruling (a filled band), touching the image's edge, or with a dark
    side (`_SIDE_DARKER`: the sheet's edge, the binding's shadow) are left out."""
    height, width = mask.shape
    max_thickness = max(2, int(dpi / 25))  # 1 mm, as `ruling_segments`
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    off = max(3, int(dpi / 16))
    runs = []
    # The tests on a component's box, over all of them at once (a page has thousands of
    # short ones; a handful are long).
    x, y, w, h, area = (stats[:, i].astype(np.int64) for i in range(5))
    wanted = (w >= min_length) & (area <= 1.5 * max_thickness * w)
    wanted &= (x > 1) & (y > 1) & (x + w < width - 1) & (y + h < height - 1)
    wanted[0] = False  # the background
    for k in np.flatnonzero(wanted):
        x, y, w, h, area = (int(v) for v in stats[k])
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == k)
        counts = np.bincount(xs, minlength=w)
        sums = np.bincount(xs, weights=ys.astype(np.float64), minlength=w)
        present = np.flatnonzero(counts)
        centre = sums[present] / counts[present] + y
        columns = present.astype(np.float64) + x
        fit = _middle_fit(columns, centre)
        if fit is None:
            continue
        rows = np.round(fit[0] * columns + fit[1]).astype(int)
        above = gray[np.clip(rows - off, 0, height - 1), columns.astype(int)].mean()
        below = gray[np.clip(rows + off, 0, height - 1), columns.astype(int)].mean()
        if min(above, below) < paper - _SIDE_DARKER:
            continue
        runs.append((_Line(fit[0], fit[1], float(x), float(x + w), k), columns, centre))
    return runs


def _middle_fit(columns: np.ndarray, centre: np.ndarray) -> Optional[tuple[float, float]]:
    """centre = slope * column + offset over the middle half of a run (a curled sheet bows
    a ruling's end at the binding, not its middle), refitted without the columns more than
    1 px off (text or a crossing rule touching the line)."""
    n = columns.size
    middle = slice(n // 4, n - n // 4)
    xs, ys = columns[middle], centre[middle]
    keep = np.ones(xs.size, dtype=bool)
    for _ in range(2):
        if keep.sum() < 10:
            return None
        slope, offset = _line_fit(xs[keep], ys[keep])
        keep = np.abs(ys - (slope * xs + offset)) <= 1.0
    if keep.sum() < 0.6 * xs.size:
        return None
    return float(slope), float(offset)


def _line_fit(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float]:
    """Least-squares y = slope * x + offset (closed form; np.polyfit's lstsq costs more)."""
    mx, my = xs.mean(), ys.mean()
    dx = xs - mx
    slope = float((dx * (ys - my)).sum() / max((dx * dx).sum(), 1e-12))
    return slope, float(my - slope * mx)


def _vanishing_point(lines: list[_Line], vertical: bool, scale: float) -> Optional[tuple[np.ndarray, list[_Line]]]:
    """The homogeneous point all lines pass through (least squares, each line weighted by
    its length), and the lines kept. Coordinates are divided by `scale` for conditioning.
    None when, after dropping the worst fifth once, some line still misses it by more than
    `_MAX_MISS_PX`."""
    kept = list(lines)
    for attempt in range(2):
        if len(kept) < (_MIN_V_LINES if vertical else _MIN_H_LINES):
            return None
        rows = []
        for line in kept:
            a, b, c = line.homogeneous(vertical)
            rows.append(np.array([a, b, c / scale]) * np.sqrt(line.length))
        _, _, vt = np.linalg.svd(np.array(rows))
        point = vt[-1]
        errors = [np.sin(np.radians(_miss_deg(line, vertical, point, scale))) * line.length / 2 for line in kept]
        if max(errors) <= _MAX_MISS_PX:
            return point, kept
        if attempt == 0:
            worst = sorted(range(len(kept)), key=lambda i: -errors[i])[: max(1, len(kept) // 5)]
            kept = [line for i, line in enumerate(kept) if i not in worst]
    return None


def _miss_deg(line: _Line, vertical: bool, point: np.ndarray, scale: float) -> float:
    """Angle (degrees) between a line and the line from its midpoint to `point`."""
    mx, my = line.midpoint(vertical)
    px, py, pw = point
    # Direction from the midpoint towards the point (works for a point at infinity too).
    dx, dy = px - pw * mx / scale, py - pw * my / scale
    if vertical:
        ours = np.arctan2(1.0, line.slope)  # direction (slope, 1)
    else:
        ours = np.arctan2(line.slope, 1.0)  # direction (1, slope)
    theirs = np.arctan2(dy, dx)
    diff = (ours - theirs) % np.pi
    return float(np.degrees(min(diff, np.pi - diff)))


def _rectifying_homography(h_lines: list[_Line], v_lines: list[_Line]) -> tuple[Optional[np.ndarray], float, float]:
    """The homography making both families parallel and axis-aligned, how far it moves
    the ruled region's corners (px), and how much the horizontal rulings converge (px: the
    spread of their slopes times the longest one's length); (None, 0, 0) without
    consistent evidence."""
    if len(h_lines) < _MIN_H_LINES or len(v_lines) < _MIN_V_LINES:
        return None, 0.0, 0.0
    extent = max(max(line.end for line in h_lines), max(line.end for line in v_lines))
    h_found = _vanishing_point(h_lines, False, extent)
    v_found = _vanishing_point(v_lines, True, extent)
    if h_found is None or v_found is None:
        return None, 0.0, 0.0
    (h_point, h_kept), (v_point, v_kept) = h_found, v_found
    # The ruled region: from the highest to the lowest horizontal ruling, the leftmost to
    # the rightmost vertical one, each side drawn through its family's vanishing point.
    top = min(h_kept, key=lambda line: line.midpoint(False)[1])
    bottom = max(h_kept, key=lambda line: line.midpoint(False)[1])
    left = min(v_kept, key=lambda line: line.midpoint(True)[0])
    right = max(v_kept, key=lambda line: line.midpoint(True)[0])
    if bottom is top or right is left:
        return None, 0.0, 0.0
    sides = [line.homogeneous(False) for line in (top, bottom)] + [line.homogeneous(True) for line in (left, right)]
    t, b, lft, r = sides
    quad = [_meet(t, lft), _meet(t, r), _meet(b, r), _meet(b, lft)]  # TL TR BR BL
    if any(corner is None for corner in quad):
        return None, 0.0, 0.0
    src = np.array(quad, dtype=np.float64)
    width = (np.linalg.norm(src[1] - src[0]) + np.linalg.norm(src[2] - src[3])) / 2
    height = (np.linalg.norm(src[3] - src[0]) + np.linalg.norm(src[2] - src[1])) / 2
    cx, cy = src.mean(axis=0)
    dst = np.array(
        [[cx - width / 2, cy - height / 2], [cx + width / 2, cy - height / 2], [cx + width / 2, cy + height / 2], [cx - width / 2, cy + height / 2]]
    )
    homography = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))
    slopes = [line.slope for line in h_kept]
    convergence = (max(slopes) - min(slopes)) * max(line.length for line in h_kept)
    return homography, float(np.max(np.linalg.norm(src - dst, axis=1))), float(convergence)


def _meet(first: np.ndarray, second: np.ndarray) -> Optional[tuple[float, float]]:
    point = np.cross(first, second)
    if abs(point[2]) < 1e-9:
        return None
    return float(point[0] / point[2]), float(point[1] / point[2])


def _curl_shift(h_runs, shape: tuple[int, int], dpi: float, min_bow: float) -> tuple[Optional[np.ndarray], float]:
    """Per-pixel row shift (float32, image size) that straightens the horizontal rulings
    bowed by a curl at the binding, and the largest bow (px); (None, bow) when there is no
    such curl.

    Per ruling, its height per column against its straight fit over the middle of the run,
    smoothed along the run, is its bow; the bow at each end is the mean over the last
    ~1/10 inch. A curl bows the rulings at one end only, the binding's side, growing
    towards it, and by amounts that change steadily from ruling to ruling (most at the top
    and the bottom of the sheet). So: the side is the one where at least
    `_MIN_CURLED_RULINGS` rulings bow more than `min_bow` px, growing outwards; the end bows
    on that side must follow a straight line over the rulings' heights within 1.5 px (a
    seal's ring fused with one ruling, a shaded row or text touching a line does not);
    those that do not, and rulings that bow only elsewhere, are left out. Only the half of
    the page on the binding's side is shifted: between rulings by row, beyond the outer
    ones as the nearest; a column no ruling reaches keeps its rows."""
    height, width = shape
    window = max(3, int(dpi / 10))  # ~1/10 inch: JPEG and crossing rules add jitter
    every = np.arange(width, dtype=np.float64)
    bows = []  # (straight height at mid-page, bow per column, end bows (left, right), run)
    for line, columns, centre in h_runs:
        shift = centre - (line.slope * columns + line.offset)
        smooth = np.convolve(np.pad(shift, window // 2, mode="edge"), np.ones(window) / window, mode="valid")[: shift.size]
        quarter = max(window, smooth.size // 4)
        ends = []
        for part in (smooth[:quarter], smooth[::-1][:quarter]):  # outwards from the middle: reversed
            end = float(part[:window].mean())
            # Growing outwards: the end is (nearly) the largest bow of that quarter.
            ends.append(end if abs(end) >= 0.8 * float(np.abs(part).max()) else 0.0)
        bows.append((line.slope * width / 2 + line.offset, np.interp(every, columns, smooth), ends, (columns[0], columns[-1])))
    best = None
    for side in (0, 1):
        curled = [b for b in bows if abs(b[2][side]) >= min_bow]
        if len(curled) >= _MIN_CURLED_RULINGS and (best is None or len(curled) > len(best[1])):
            best = (side, curled)
    if best is None:
        return None, max((abs(e) for b in bows for e in b[2]), default=0.0)
    side, _ = best
    # The end bows of every ruling on that side, against a straight line over the heights.
    heights = np.array([b[0] for b in bows])
    ends = np.array([b[2][side] for b in bows])
    keep = np.ones(len(bows), dtype=bool)
    for _ in range(2):
        if keep.sum() < _MIN_CURLED_RULINGS:
            return None, float(np.abs(ends).max())
        slope, offset = _line_fit(heights[keep], ends[keep])
        keep = np.abs(ends - (slope * heights + offset)) <= 1.5
    if keep.sum() < _MIN_CURLED_RULINGS or (np.abs(ends[keep]) >= min_bow).sum() < _MIN_CURLED_RULINGS:
        return None, float(np.abs(ends).max())
    kept = sorted((b for b, k in zip(bows, keep) if k), key=lambda b: b[0])
    bow = float(np.abs(ends[keep]).max())
    binding_half = every < width / 2 if side == 0 else every >= width / 2
    step = max(2, int(dpi / 25))  # node spacing (px): the bow changes slowly
    node_x = np.arange(0, width, step)
    node_y = np.arange(0, height, step, dtype=np.float64)
    grid = np.zeros((node_y.size, node_x.size), dtype=np.float32)
    for j, x in enumerate(node_x):
        if not binding_half[x]:
            continue
        here = [(straight, per_column[x]) for straight, per_column, _, (first, last) in kept if first - window <= x <= last + window]
        if here:
            grid[:, j] = np.interp(node_y, [s for s, _ in here], [d for _, d in here])
    return cv2.resize(grid, (width, height), interpolation=cv2.INTER_LINEAR), bow
