"""The report's numbered sections (一、总体情况 … 六、其他需要报告的事项), from its text lines
outside its tables. Pure: no I/O, no pages; the pipeline hands the lines in.

A section starts at a line that begins with the next number in order (一、 then 二、 …,
also 第一部分): the sequence only goes up, so a 一、 of a list inside a section, or a
number inside a table (tables are left out before), is never a new section. A number one
or two ahead of the expected one (a caption that sat inside a table's frame and was left
out with the table) starts a section only when its wording is a section's (主动公开,
依申请, 复议, 问题, 其他需要报告 …). A list that restarts at 一、 inside a section keeps its
二、 三、 as list items unless their wording is a section's.

A heading may stand alone on its line or run straight into the first sentence
(一、总体情况。2024年，…; 一、概述2016年，…): it ends at the first punctuation, bracketed
sub-number (（一）), year or, past 30 characters, after the last heading word (情况, 概述,
事项 …). Text before the first heading (title, introduction) is a section with number
None, headed by the title when one is found among its first lines.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Collection, Optional, Sequence

from .geometry import BBox, group_into_lines
from .page import PageContent
from .records import Section

if TYPE_CHECKING:
    from .read.markup import MarkupDocument

BBoxTuple = tuple[float, float, float, float]

_CN_NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True)
class ProseLine:
    """One line of the report's text outside its tables: NFKC text without whitespace (as
    `metadata.page_lines` gives it), its page and bbox on a PDF page (None for web pages
    and Word files), and for text-layer and OCR lines the box of each character of `text`
    (OCR runs: the run's box shared out by character). `source` is text, ocr, html or
    docx; `confidence` is the OCR confidence (1.0 otherwise)."""

    text: str
    page: Optional[int] = None
    bbox: Optional[BBoxTuple] = None
    chars: Optional[tuple[BBoxTuple, ...]] = field(default=None, repr=False)
    source: str = "text"
    confidence: float = 1.0


def cn_number(text: str) -> Optional[int]:
    """一 … 九十九 as an int; None for anything else."""
    if not text or any(c not in _CN_NUMBERS for c in text):
        return None
    digits = {c: i + 1 for i, c in enumerate(_CN_NUMBERS)}
    if text == "十":
        return 10
    if "十" not in text:
        return digits[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


# 一、 一． 一. 一, (a comma is a typo seen in print), 第一部分 / 第一章.
# Without its 、 (OCR drops it: 七其他需要报告的事项) only before a section's usual first words.
_NUMBERED = re.compile(
    rf"^(?:第(?P<part>[{_CN_NUMBERS}]{{1,3}})(?:部分|章)[、.．:：]?|(?P<n>[{_CN_NUMBERS}]{{1,3}})[、.．,，]"
    rf"|(?P<bare>[{_CN_NUMBERS}]{{1,3}})(?=概述|总体情况|基本情况|主动公开|依申请|政府信息公开的收费|因政府信息公开"
    r"|存在的主要问题|其他需要报告))"
)
# A heading's own words: what sections of both eras are called (2019+ template, pre-2019
# outlines: 概述 / 主动公开 / 依申请公开 / 收费及减免 / 复议诉讼申诉 / 问题和改进 / 其他事项).
_SECTION_WORDS = re.compile(
    r"概述|概况|总体情况|基本情况|主动公开|依申请|公开申请|申请公开|答复|收费|减免|复议|诉讼|申诉|举报"
    r"|存在的|主要问题|问题和|问题及|改进|其他需要|其他事项|需要报告|保障|机构|平台|监督|咨询|情况$"
)
_HEADING_END = re.compile(r"(?:概述|概况|情况|事项|措施|问题|工作|建设)")
_HEADING_MAX = 30
# Where a heading that runs into its first sentence ends.
_HEADING_STOP = re.compile(r"[。；;：:，,！!？?]|[（(][一二三四五六七八九十\d][）)]|(?<!\d)(?:19|20)\d{2}年|\d+[.、．]")
_SENTENCE_PUNCT = re.compile(r"[。；;，,]")
# A printed page number alone on a page's first or last line: -1-, — 2 —, 第1页, 1/6, 3.
_PAGE_NUMBER = re.compile(r"^(?:[-—–－一_~～]*\d{1,3}[-—–－一_~～]*|第\d{1,3}页(?:共\d{1,3}页)?|\d{1,3}/\d{1,3}|[-—–－]?[(（]?\d{1,3}[)）]?[-—–－]?)$")
_TITLE = re.compile(r"年度?报告|工作报告|年报$")
_AGENCY_END = re.compile(r"(?:政府|办公室|办公厅|局|委员会|委|办|院|厅|署|会|中心|街道办事处|镇|乡|所|站|处|队|馆)$")
_TITLE_SEARCH_LINES = 15


@dataclass(frozen=True)
class _Heading:
    number: int
    printed: str  # the number as printed (一, 十二)
    heading: str  # the heading's words, numbering included
    rest: str  # the rest of the line: the start of the section's text


def split_heading(text: str) -> Optional[_Heading]:
    """A line that starts with a section number, cut into heading and first sentence;
    None when it starts with none, or with a number followed by no heading words."""
    m = _NUMBERED.match(text)
    if not m:
        return None
    printed = m.group("part") or m.group("n") or m.group("bare")
    number = cn_number(printed)
    if number is None:
        return None
    after = text[m.end():]
    words, rest = _heading_words(after)
    if not words:
        return None
    return _Heading(number, printed, text[: m.end()] + words, rest)


def _heading_words(after: str) -> tuple[str, str]:
    """(heading words, the rest) of what follows a section number on its line."""
    body = after.rstrip("。：:；;，,")
    stop = _HEADING_STOP.search(body)
    if stop is None and len(body) <= _HEADING_MAX:
        ends = [m.end() for m in _HEADING_END.finditer(body)]
        if ends and ends[-1] < len(body) and len(body) - ends[-1] <= 2:
            # 其他需要报告的事项无 (a line the OCR joined): the heading ends with 事项.
            return body[: ends[-1]], body[ends[-1]:]
        return body, ""
    cut = stop.start() if stop else len(body)
    ends_oddly = _HEADING_END.search(after[:cut]) is not None and not _ends_heading(after[:cut])
    if cut > _HEADING_MAX or ends_oddly:
        # 概述今年以来，… : the heading ends after its last heading word.
        ends = [m.end() for m in _HEADING_END.finditer(after[: min(cut, _HEADING_MAX)])]
        if ends:
            cut = ends[-1]
        elif cut > _HEADING_MAX:
            return "", after
    words, rest = after[:cut], after[cut:]
    if rest[:1] in "。：:；;，,":
        rest = rest[1:]
    return words, rest


def _ends_heading(words: str) -> bool:
    return bool(re.search(f"(?:{_HEADING_END.pattern})$", words))


def _is_section_wording(heading: _Heading) -> bool:
    return bool(_SECTION_WORDS.search(heading.heading))


def _page_marks(lines: Sequence[ProseLine]) -> set[int]:
    """Indexes of printed page numbers: a line matching one that is its page's first or last."""
    marks = set()
    for i, line in enumerate(lines):
        if line.page is None or not _PAGE_NUMBER.match(line.text):
            continue
        first = i == 0 or lines[i - 1].page != line.page
        last = i == len(lines) - 1 or lines[i + 1].page != line.page
        if first or last:
            marks.add(i)
    return marks


@dataclass
class _Open:
    number: Optional[int]
    printed: Optional[str]
    heading: str
    parts: list[str]
    pages: list[int]
    lines: list[int]  # indexes of the lines whose text is in the section
    list_item: int = 0  # the last number of a list restarted at 一、 inside the section


@dataclass(frozen=True)
class SectionSpan:
    """A section and where its text came from: `starts[k]` is the offset in `section.text`
    where the text of line `line_indexes[k]` starts (the heading's line: its rest, if any)."""

    section: Section
    line_indexes: tuple[int, ...]
    starts: tuple[int, ...]
    skips: tuple[int, ...]  # per line: characters of the line before its part in the text


def find_sections(lines: Sequence[ProseLine]) -> list[SectionSpan]:
    """The report's sections, in order, the untitled opening first (when it has any text)."""
    marks = _page_marks(lines)
    opening = _Open(None, None, "", [], [], [])
    done: list[_Open] = []
    current = opening
    # Per line kept: (line index, characters skipped at its start) for each section.
    skips: dict[int, int] = {}
    for i, line in enumerate(lines):
        if i in marks or not line.text:
            continue
        heading = split_heading(line.text)
        if heading is not None and _starts_section(heading, current, done):
            done.append(current)
            words = heading.heading
            if not heading.rest and _wrapped_heading(words, lines, i + 1, marks):
                # 五、政府信息公开工作存在的主要问题 / 及改进情况: the heading's second line.
                words += lines[i + 1].text
                marks.add(i + 1)
            current = _Open(heading.number, heading.printed, words, [], [], [])
            if line.page is not None:
                current.pages.append(line.page)
            if heading.rest:
                current.parts.append(heading.rest)
                current.lines.append(i)
                skips[i] = len(line.text) - len(heading.rest)
            continue
        if heading is not None and current.number is not None and (
            heading.number <= current.number or heading.number == current.list_item + 1
        ):
            # A list inside the section (一、… 二、…): its next items are not sections.
            current.list_item = heading.number
        current.parts.append(line.text)
        current.lines.append(i)
        skips[i] = 0
        if line.page is not None:
            current.pages.append(line.page)
    done.append(current)
    _title_opening(done[0])
    spans = []
    for k, part in enumerate(done):
        if k == 0 and part.number is None and not part.parts and not part.heading:
            continue
        spans.append(_span(part, lines, skips))
    return spans


def _wrapped_heading(words: str, lines: Sequence[ProseLine], following: int, marks: set[int]) -> bool:
    """The line after a heading alone on its line is the heading's end: the heading does
    not end as headings do, and that line is short, without punctuation, and does."""
    if following >= len(lines) or following in marks:
        return False
    text = lines[following].text
    if len(text) > 12 or _SENTENCE_PUNCT.search(text) or not _ends_heading(text) or split_heading(text) is not None:
        return False
    return not _ends_heading(words) or text[0] in "及和与并暨、"


def _starts_section(heading: _Heading, current: _Open, done: list[_Open]) -> bool:
    expected = (current.number or 0) + 1
    if heading.number == expected:
        if current.list_item and heading.number == current.list_item + 1 and not _is_section_wording(heading):
            return False
        return True
    # A heading or two lost with a table (a caption inside its frame): only a section's words.
    return expected < heading.number <= expected + 2 and current.number is not None and _is_section_wording(heading)


def _title_opening(opening: _Open) -> None:
    """The title of the opening part (its first lines naming the report), taken out of its text."""
    if opening.number is not None or not opening.parts:
        return
    parts = opening.parts
    found = start = None
    for k, text in enumerate(parts[:_TITLE_SEARCH_LINES]):
        if _SENTENCE_PUNCT.search(text):
            continue
        if _TITLE.search(text):
            found = start = k
        elif k and not _SENTENCE_PUNCT.search(parts[k - 1]) and _TITLE.search(parts[k - 1] + text):
            found, start = k, k - 1  # 年度报 / 告
        if found is not None:
            break
    if found is None or start is None:
        return
    while start > 0 and found - start < 2:
        before = parts[start - 1]
        if _SENTENCE_PUNCT.search(before) or len(before) > _HEADING_MAX:
            break
        if not (_AGENCY_END.search(before) or re.search(r"(?:19|20)\d{2}", before) or before.endswith("公")):
            break
        start -= 1
    opening.heading = "".join(parts[start : found + 1])
    del opening.parts[start : found + 1]
    del opening.lines[start : found + 1]


def _span(part: _Open, lines: Sequence[ProseLine], skips: dict[int, int]) -> SectionSpan:
    starts, offset = [], 0
    for text in part.parts:
        starts.append(offset)
        offset += len(text)
    pages = part.pages or [lines[i].page for i in part.lines if lines[i].page is not None]
    section = Section(
        number=part.printed,
        heading=part.heading,
        text="".join(part.parts),
        first_page=min(pages) if pages else None,
        last_page=max(pages) if pages else None,
    )
    return SectionSpan(section, tuple(part.lines), tuple(starts), tuple(skips[i] for i in part.lines))


def sections(lines: Sequence[ProseLine]) -> tuple[Section, ...]:
    return tuple(span.section for span in find_sections(lines))


# ---------------------------------------------------------------- lines from pages and markup

_WHITESPACE = re.compile(r"\s+")


def _normalized(text: str) -> str:
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def page_prose_lines(page: PageContent, table_boxes: Sequence[BBox]) -> list[ProseLine]:
    """A PDF page's (or page image's) text outside the given table boxes as lines, top to
    bottom, grouped as `metadata.page_lines` groups them, each character with the box of
    its glyph (text layer: its ink) or its share of its OCR run's box."""
    boxes = page.boxes_outside(table_boxes)
    if not boxes:
        return []
    grouped = group_into_lines(boxes, [b.ink or b.bbox for b in boxes], [b.baseline for b in boxes])
    lines = []
    for members in grouped:
        text, chars = "", []
        confidence, ocr = 1.0, False
        for i in members:
            box = boxes[i]
            part = _normalized(box.text)
            if not part:
                continue
            text += part
            chars += _char_boxes(box.bbox, len(part), per_glyph=box.source == "text")
            if box.source == "ocr":
                ocr = True
                confidence = min(confidence, box.confidence)
        if not text:
            continue
        bbox = (round(min(c[0] for c in chars), 2), round(min(c[1] for c in chars), 2),
                round(max(c[2] for c in chars), 2), round(max(c[3] for c in chars), 2))
        lines.append(ProseLine(text, page.number, bbox, tuple(chars), "ocr" if ocr else "text", confidence))
    return lines


def _char_boxes(box: BBox, count: int, per_glyph: bool) -> list[BBoxTuple]:
    """The box of each of `count` characters: a glyph's box for each of its characters (a
    ligature), or a run's box cut in equal widths (an OCR run: no glyph boxes). Not
    rounded: only the few a figure is found in are used, and rounded where they are (a
    rounded min or max is the min or max of the rounded values)."""
    if per_glyph or count == 1:
        return [(box.x0, box.top, box.x1, box.bottom)] * count
    step = (box.x1 - box.x0) / count
    return [(box.x0 + k * step, box.top, box.x0 + (k + 1) * step, box.bottom) for k in range(count)]


def markup_prose_lines(document: "MarkupDocument", report_tables: Collection[int]) -> list[ProseLine]:
    """A web page's or Word file's text outside its tables, from its body (menus and
    breadcrumbs before the title left out), its separate title first. A line is in a table
    when it sits in one of the report's tables, or when its innermost table is a data table
    (rows and columns: a grid of two or more of each); text in a layout table, or in a
    one-row or one-column box around the article, is prose."""
    data_tables = {
        table
        for grid in document.grids
        if (table := document.table_of(grid)) and len(grid.xs) > 2 and len(grid.ys) > 2
    }
    report = set(report_tables)
    lines = [ProseLine(title, source=document.kind) for title in document.title]
    for line in document.lines[document.body_from :]:
        if line.tables & report or (line.tables and max(line.tables) in data_tables):
            continue
        lines.append(ProseLine(line.text, source=document.kind))
    return lines
