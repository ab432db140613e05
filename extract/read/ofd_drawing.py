"""Everything drawn on one OFD page, in draw order: what `ofd` reads from a page's content
and `ofd_render` draws. Points, top-left origin of the page (y down).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..geometry import BBox

# An affine map (a, b, c, d, e, f): x' = a x + c y + e, y' = b x + d y + f.
Matrix = tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class DrawnGlyph:
    text: str
    box: BBox  # points, top-left origin
    baseline: Optional[float]  # points; None for turned text
    size_pt: float
    origin: tuple[float, float]  # the glyph's baseline start, points
    colour: tuple[int, int, int]
    visible: bool
    angle: int  # direction of the text, degrees clockwise from +x (y down), a multiple of 90


@dataclass(frozen=True)
class DrawnPath:
    subpaths: tuple[tuple[tuple[float, float], ...], ...]  # points, curves flattened
    straight: tuple[bool, ...]  # per subpath: only straight segments (a ruling candidate)
    closed: tuple[bool, ...]
    stroked: bool
    filled: bool
    line_width_pt: float
    stroke: tuple[int, int, int]
    fill: tuple[int, int, int]


@dataclass(frozen=True)
class DrawnImage:
    member: str
    matrix: Matrix  # unit square (image space, y down) -> page points


@dataclass(frozen=True)
class Drawing:
    """Everything drawn on one page, in draw order, in points."""

    width: float
    height: float
    glyphs: tuple[DrawnGlyph, ...]
    paths: tuple[DrawnPath, ...]
    images: tuple[DrawnImage, ...]
