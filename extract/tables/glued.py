"""A row label and its value read as one grid cell: the ruling between the label column and
a value column was not found (a faint grey line on a 150 DPI scan), so the cell prints
规章0, 行政许可 80001 or (一)政府信息公开工作专门机构数个1.

This module only takes such a cell apart: the label as printed, the numbers at its end
(left to right), each number as a cell of its own (its text, the part of the page it
occupies, its confidence). Whether the label is the row's and which columns the numbers
belong to is the table readers' decision (mapping.py, indicators.py): they split only
when that is unique, and otherwise leave the cell to be reported unplaced.
Coordinates are the grid's (points, top-left origin, see extract.geometry).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Optional, Sequence

from ..geometry import BBox, group_into_lines
from ..records import Finding
from ..text import parse_value
from ..page import GridCell

# A number at the end of a line: a count, an amount with thousands separators or decimals,
# a signed change (本年增/减). The digits before it belong to it (greedy), so two numbers
# at a line's end are always separated by something that is no digit.
_TRAILING_NUMBER = re.compile(r"[-−+]?\d[\d,，]*(?:[.．]\d+)?\s*$")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class GluedCell:
    """A grid cell printing a label followed by one or more numbers."""

    cell: GridCell  # the cell as the grid has it
    label: str  # the label part as printed (lines joined, no trailing space)
    # Each number as a cell of its own, left to right (top to bottom across lines): its
    # printed text, its bbox (see `split_glued`), its confidence; row/col/spans the cell's.
    numbers: tuple[GridCell, ...]
    # Per number: whether its bbox is its own glyphs' (else the boxes did not say).
    located: tuple[bool, ...] = ()

    def fits(self, extents: Sequence[tuple[float, float]]) -> bool:
        """Whether the numbers may go to these value columns (x0..x1, left to right), one
        each: as many numbers as columns, and, when there are several, each printed inside
        its own column as its glyphs show (without glyph positions, 1 4 11 over three
        columns could as well be 14 1 1: no split)."""
        if len(extents) != len(self.numbers) or not extents:
            return False
        if len(extents) == 1:
            return True
        return all(
            located and x0 <= number.bbox.center[0] <= x1
            for number, located, (x0, x1) in zip(self.numbers, self.located, extents)
        )


def _split_text(text: str) -> Optional[tuple[str, list[str]]]:
    """label, numbers of a cell's text: the numbers at the end of its lines (a wrapped
    label's number may sit on a middle line of its own). None when no line ends with a
    number, or the label keeps a digit after them (a number inside the label: no telling
    which is the value)."""
    labels: list[str] = []
    numbers: list[str] = []
    for line in text.split("\n"):
        found: list[str] = []
        rest = line.rstrip()
        while (m := _TRAILING_NUMBER.search(rest)) is not None:
            token = m.group(0).strip()
            before = rest[: m.start()]
            # 第（五）项 / 表2 / 2019年: a digit right after these is no standing number, and
            # a number joined to a following digit-like character never gets here.
            if before.endswith(("第", "表", "图", "注", ".", "．")):
                break
            found.append(token)
            rest = before.rstrip()
        numbers.extend(reversed(found))
        labels.append(rest)
    label = "".join(part.strip() for part in labels)
    if not numbers or not _CJK.search(label):
        return None
    if any(not parse_value(n).ok for n in numbers):
        return None
    if re.search(r"\d", _without_numbering(label)):
        return None
    return label, numbers


def _without_numbering(label: str) -> str:
    """The label without its own numbering and remarks: 1. （1） ① and the digits of a
    bracketed remark (计1条) are no values."""
    t = unicodedata.normalize("NFKC", re.sub(r"^\s*[①-⑳]", "", label))
    t = re.sub(r"^\s*(?:\(\s*\d+\s*\)|\d{1,2}\s*[.、,，]|[一二三四五六七八九十]+[、.])", "", t)
    t = re.sub(r"\([^)]*\)", "", t)
    return re.sub(r"第\d+", "", t)


def split_glued(cell: GridCell, value_extent: Optional[Sequence[tuple[float, float]]] = None) -> Optional[GluedCell]:
    """The label and the numbers of a cell printing both, or None when it does not read
    as a label followed by numbers.

    A number's bbox is the ink of the text boxes that print it alone (the text layer's
    glyphs; an OCR run holding only the number). When an OCR run holds label and number
    together, the boxes do not say where the number is: the bbox is then the cell's part
    over the value column the number is read into (`value_extent`, the columns' x0..x1
    left to right, one per number), or the whole cell. A number's confidence is that of the
    boxes printing it."""
    parts = _split_text(cell.text)
    if parts is None:
        return None
    label, numbers = parts
    located = _locate_numbers(cell, numbers)
    alternatives = _alternative_numbers(cell, len(numbers))
    out = []
    own: list[bool] = []
    for n, text in enumerate(numbers):
        bbox, confidence = located[n] if located is not None else (None, cell.confidence)
        own.append(bbox is not None)
        if bbox is None:
            bbox = cell.bbox
            if value_extent is not None and len(value_extent) == len(numbers):
                x0, x1 = max(cell.bbox.x0, value_extent[n][0]), min(cell.bbox.x1, value_extent[n][1])
                if x1 > x0:
                    bbox = BBox(x0, cell.bbox.top, x1, cell.bbox.bottom)
        out.append(
            replace(
                cell,
                bbox=bbox,
                text=text,
                confidence=confidence,
                alternatives=tuple(a[n] for a in alternatives if a[n] != text),
                boxes=(),
            )
        )
    return GluedCell(cell, label, tuple(out), tuple(own))


def _locate_numbers(cell: GridCell, numbers: Sequence[str]) -> Optional[list[tuple[Optional[BBox], float]]]:
    """Per number: the union of the boxes that print it and nothing else (None when a box
    prints label characters with it), and the lowest confidence among the boxes holding
    any of its characters. None without boxes (a cell built by hand or from markup)."""
    boxes = cell.boxes
    if not boxes:
        return None
    inks = [b.ink or b.bbox for b in boxes]
    lines = group_into_lines(boxes, inks, [b.baseline for b in boxes])
    # The cell's characters in reading order, each with the box printing it.
    chars: list[tuple[str, int]] = [
        (ch, i) for line in lines for i in line for ch in boxes[i].text if not ch.isspace()
    ]
    flat = "".join(ch for ch, _ in chars)
    end = len(flat)
    spans: list[tuple[int, int]] = []
    for token in reversed(numbers):
        token = "".join(token.split())
        start = flat.rfind(token, 0, end)
        if start < 0:
            return None
        spans.append((start, start + len(token)))
        end = start
    spans.reverse()
    out: list[tuple[Optional[BBox], float]] = []
    for start, stop in spans:
        held = sorted({i for _, i in chars[start:stop]})
        confidence = min(boxes[i].confidence for i in held)
        own = all(
            all(k in range(start, stop) for k, (_, j) in enumerate(chars) if j == i) for i in held
        )
        if not own:
            out.append((None, confidence))
            continue
        x0 = min(inks[i].x0 for i in held)
        top = min(inks[i].top for i in held)
        x1 = max(inks[i].x1 for i in held)
        bottom = max(inks[i].bottom for i in held)
        out.append((BBox(x0, top, x1, bottom), confidence))
    return out


def _alternative_numbers(cell: GridCell, count: int) -> list[list[str]]:
    """The cell's other readings that also split into `count` numbers: their numbers, so
    a doubtful OCR number keeps the candidates the rules may choose among."""
    out = []
    for alt in cell.alternatives:
        parts = _split_text(alt)
        if parts is not None and len(parts[1]) == count:
            out.append(parts[1])
    return out


def split_finding(glued: GluedCell, keys: Sequence[str], page: Optional[int]) -> Finding:
    """The warning that a cell's value was taken from its label cell: the column boundary
    was inferred, so a reader should look at that cell."""
    where = f"第{page}页" if page is not None else ""
    numbers = "、".join(n.text for n in glued.numbers)
    return Finding(
        rule="cell.split_from_label",
        severity="warning",
        message=f"{where}单元格“{_one_line(glued.cell.text)}”中行标签与数值连在一起（表格竖线未识别），"
        f"数值 {numbers} 按表头分列计入 {'、'.join(keys)}，请核对",
        message_en=f"the cell {_one_line(glued.cell.text)!r}"
        + (f" on page {page}" if page is not None else "")
        + f" prints its row label and value(s) together (the ruling between them was not found); "
        f"{numbers} was read into {', '.join(keys)} by the columns of the table's header: check it",
        cells=tuple(keys),
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())
