"""Volumes: where each report of a many-report file starts and ends.

Archives scan a bound volume, or a folder of a year's reports, into one PDF. This module
decides, page by page, what each page is from what is cheap to know about it, and splits
the file into reports. It is pure: `PageSignals` in, a `VolumeSplit` out.

What a page tells (`PageSignals`, built by `page_signals` from a `PageContent` whose text
outside its tables is known; on scanned pages only the head and foot lines are read,
see `extract.scan.margins`):

- a **title block** at its top (×××（机关）×××年政府信息公开工作年度报告, alone or under a
  letterhead, over one to four lines): a report starts here;
- a **contents page** (目录, or several title lines, or lines ending in leader dots and a
  page number) lists titles that look exactly like report titles: never a start;
- the **section headings** 一、总体情况 … 六、其他需要报告的事项 outside tables, and the
  **template tables** 二/三/四 it holds: a sequence that starts again (一 after 二–六, or
  二's table after 三's or 四's) is a new report, even without a title (a lost title
  page, or a title OCR could not read): split there, with a warning;
- a **printed page number** at its foot ("- 1 -", "第1页", "1", "1/5") that restarts at 1;
- a **blank** page, or a **cover**-like page (a few short lines, no sentence, no table,
  no date of signature).

Pages before the first report, blank, contents and cover pages between reports, are not
part of any report: they are listed (`VolumeSplit.unassigned`), never merged into a
neighbour. Pages after a report's 六 (an appendix, the signature page) stay with it.
A report that starts mid-page (its title under the end of the previous one, text layer
only) shares that page: `ReportSpan.start_y` / `end_y` cut it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal, Optional, Sequence

from .geometry import BBox, group_into_lines
from .page import PageContent
from .records import Finding

PageRole = Literal["title", "body", "contents", "cover", "blank"]


@dataclass(frozen=True)
class TextLine:
    """One printed line outside the page's tables: NFKC, spaces removed; y in points from
    the top of the page."""

    text: str
    top: float
    bottom: float


@dataclass(frozen=True)
class PageSignals:
    number: int  # 1-based page number in the file
    height: float  # points
    lines: tuple[TextLine, ...]  # text outside tables, top to bottom
    tables: tuple[str, ...] = ()  # template tables the page holds, in order (template.TABLE_KEYS)
    table_tops: tuple[float, ...] = ()  # y (points) of each of those tables' top
    source: Literal["text", "ocr"] = "text"
    ruled: int = 0  # ruled tables on the page, of the template or not (a fragment has no kind)
    unread_rows: int = 0  # scanned pages: text rows found but not read (see PageContent)
    # A scanned page's lines are only its head and foot (the rest was not read).
    partial: bool = False


@dataclass(frozen=True)
class Title:
    text: str  # the title as printed, lines joined
    top: float  # y of its first line (points)
    agency: Optional[str]
    year: Optional[int]


@dataclass(frozen=True)
class ReportSpan:
    """One report found in the file: pages first..last (1-based, inclusive)."""

    first_page: int
    last_page: int
    title: Optional[str]
    agency: Optional[str]
    year: Optional[int]
    confidence: float  # 0..1, see `_confidence`
    findings: tuple[Finding, ...] = ()  # volume.* findings about this report's bounds
    # A report that starts (ends) mid-page: only the part of first_page below start_y
    # (of last_page above end_y), in points from the top; None: the whole page.
    start_y: Optional[float] = None
    end_y: Optional[float] = None


@dataclass(frozen=True)
class UnassignedPage:
    page: int
    role: PageRole  # cover, contents, blank, or body (a page with text outside any report)
    text: str  # its first line or two, to recognise it by


@dataclass(frozen=True)
class VolumeSplit:
    reports: tuple[ReportSpan, ...]
    unassigned: tuple[UnassignedPage, ...]


# ---------------------------------------------------------------- page signals

def page_signals(page: PageContent, table_boxes: Sequence[BBox], table_kinds: Sequence[Optional[str]],
                 partial: bool = False) -> PageSignals:
    """A page's signals: its text lines outside the given tables, and the kinds of the
    tables that are the template's (None for a fragment or a table of something else)."""
    outside = page.boxes_outside(table_boxes)
    groups = group_into_lines(outside, [b.ink or b.bbox for b in outside], [b.baseline for b in outside])
    lines = []
    for group in groups:
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", "".join(outside[i].text for i in group)))
        if text:
            boxes = [outside[i].ink or outside[i].bbox for i in group]
            lines.append(TextLine(text, min(b.top for b in boxes), max(b.bottom for b in boxes)))
    kinds = [(kind, box.top) for kind, box in zip(table_kinds, table_boxes) if kind]
    return PageSignals(
        number=page.number,
        height=page.height,
        lines=tuple(lines),
        tables=tuple(k for k, _ in kinds),
        table_tops=tuple(t for _, t in kinds),
        source=page.source,
        ruled=len(table_boxes),
        unread_rows=page.unread_rows,
        partial=partial,
    )


# The title: agency and year in either order before 政府信息公开工作年度报告, and nothing after
# it on its line but a bracketed remark ((全文), (2024年度)). A volume's cover (…年度报告汇编)
# and a contents line (…年度报告……3) have more after it.
_TITLE = re.compile(
    r"(?P<before>[^。，,；;：:]{0,40}?)(?P<year>(?:19|20)\d{2})年度?(?P<after>[^。，,；;：:]{0,40}?)"
    r"政府信息公开(?:工作)?年度?报告(?P<rest>.*)$"
)
_TITLE_REMARK = re.compile(r"^([(（][^()（）]{0,12}[)）])?$")
_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")
_CN_YEAR = re.compile(r"[〇零○一二三四五六七八九]{4}(?=年)")
# Lines before the title may be a letterhead (机关 name + 文件, a document number, a rule);
# a sentence or a section heading means the body has begun.
_BODY = re.compile(r"。|^(一、|根据|按照|依据|本报告)")
_FILLER = re.compile(r"^(关于|的)|(的|关于)$")
# A title is within the first lines of the page's text outside tables.
_TITLE_LINES = 8
_CONTENTS_WORD = re.compile(r"^(目录|目次)[:：]?$")
_LEADER = re.compile(r"(\.{3,}|…{2,}|·{3,}|-{3,}|—{2,}|_{3,})\s*\d{1,4}$")
_DATE = re.compile(r"(19|20)\d{2}年\d{1,2}月\d{1,2}日")
_SECTIONS = (
    ("一", ("总体情况", "总体", "概述")),
    ("二", ("主动公开",)),
    ("三", ("收到和处理", "依申请公开", "收到")),
    ("四", ("政府信息公开行政复议", "行政复议", "因政府信息公开")),
    ("五", ("存在的主要问题", "存在的问题", "主要问题")),
    ("六", ("其他需要报告", "其他")),
)
_HEADING = re.compile(r"^([一二三四五六])[、.．]")
_PAGE_NUMBER = (
    re.compile(r"^[-－—–~〜·•]*(\d{1,3})[-－—–~〜·•]*$"),
    re.compile(r"^第(\d{1,3})页(?:[,，]?共\d{1,4}页)?$"),
    re.compile(r"^(\d{1,3})/\d{1,4}$"),
)
# A printed page number sits in the bottom band of the page (share of its height).
_FOOT_BAND = 0.12


def _with_digit_years(text: str) -> str:
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)


def _title_from(window: Sequence[TextLine]) -> Optional[Title]:
    """The title printed on the first lines of `window` (one to four of them, fewest first)."""
    for end in range(1, len(window) + 1):
        text = _with_digit_years("".join(line.text for line in window[:end]))
        m = _TITLE.search(text)
        if m and _TITLE_REMARK.match(m.group("rest")):
            if text[: m.start()].endswith((":", "：")) or text.startswith(("附件", "附表")):
                return None  # 附件：×××年度报告…: an appendix names the report, it does not start one
            name = _FILLER.sub("", m.group("before") or m.group("after")).strip()
            return Title(text[m.start() :], window[0].top, name or None, int(m.group("year")))
    return None


def _title_in(lines: Sequence[TextLine]) -> Optional[Title]:
    """A title block among `lines`: the tightest window that still reads as one (starting
    earlier would pull a letterhead or a document number into the agency's name; starting
    later may leave the agency out)."""
    found: Optional[Title] = None
    for start in range(len(lines)):
        title = _title_from(lines[start : start + 4])
        if title is None:
            if found is not None:
                break
            continue
        if found is not None and not title.agency:
            break
        found = title
    return found


def head_lines(signals: PageSignals) -> list[TextLine]:
    """The page's lines before its body begins (a sentence or a section heading), at most
    `_TITLE_LINES`, above its first table."""
    top_table = min(signals.table_tops, default=signals.height)
    head = []
    for line in signals.lines[:_TITLE_LINES]:
        if line.top >= top_table or _BODY.search(line.text):
            break
        head.append(line)
    return head


def title_at_top(signals: PageSignals) -> Optional[Title]:
    if is_contents(signals):
        return None
    return _title_in(head_lines(signals))


def looks_like_title(lines: Sequence[str]) -> bool:
    """Cheap test on a scanned page's head lines (as recognised, OCR errors and all):
    worth reading the page's head in full? A title or a contents page."""
    text = "".join(lines)
    # Not 公开工作: a body line says 政府信息公开工作 often, and each false alarm costs a
    # detection pass over the head.
    return any(word in text for word in ("年度报", "度报告", "目录", "目次"))


def title_mid_page(signals: PageSignals) -> Optional[Title]:
    """A title set on its own lines below other text (a report that starts mid-page; text
    layer only: on scans only the head is read). Its lines must be the whole title, after
    a line that ends a paragraph or a signature."""
    if signals.partial or is_contents(signals):
        return None
    lines = signals.lines
    head = len(head_lines(signals))
    for k in range(max(1, head), len(lines)):
        title = _title_in(lines[k : k + 4])
        if title is None or title.top != lines[k].top:
            continue
        if len(title.text) > 50 or "。" in title.text:
            continue
        return title
    return None


def is_contents(signals: PageSignals) -> bool:
    texts = [line.text for line in signals.lines]
    if any(_CONTENTS_WORD.match(t) for t in texts[:3]):
        return True
    leaders = sum(1 for t in texts if _LEADER.search(t))
    titles = sum(1 for t in texts if "年度报告" in t and not t.endswith(("年度报告", "报告)", "报告）")))
    full_titles = sum(1 for t in texts if _TITLE.search(_with_digit_years(t)))
    return leaders >= 2 or (titles >= 1 and leaders >= 1) or full_titles >= 3


def is_blank(signals: PageSignals) -> bool:
    return not signals.lines and not signals.tables and not signals.ruled and not signals.unread_rows


def looks_like_cover(signals: PageSignals) -> bool:
    """A few short lines, no sentence, no section heading, no table, no signature date, and
    nothing left unread: a volume's cover or a separator sheet (not a report's last page
    with its signature)."""
    texts = [line.text for line in signals.lines]
    return (
        bool(texts)
        and not signals.tables
        and not signals.ruled
        and len(texts) <= 10
        # A scan's page is known only as far as it was read: with rows left unread it may
        # be a report's short last page (五, 六 and the signature), not a cover.
        and not signals.unread_rows
        and all(len(t) <= 24 for t in texts)
        and not any("。" in t or _DATE.search(t) or _HEADING.match(t) for t in texts)
    )


def title_sheet(signals: PageSignals) -> bool:
    """A page holding a report's title and nothing of its body (no sentence, section
    heading or table): a cover sheet bound before the report's first page."""
    texts = [line.text for line in signals.lines]
    return (
        title_at_top(signals) is not None
        and not signals.tables
        and not signals.ruled
        and len(texts) + signals.unread_rows <= 8
        and not any("。" in t or _HEADING.match(t) for t in texts)
    )


def section_headings(signals: PageSignals) -> list[tuple[int, float]]:
    """Section numbers 1..6 of the headings printed outside tables, with their y."""
    found = []
    for line in signals.lines:
        m = _HEADING.match(line.text)
        if not m:
            continue
        number = "一二三四五六".index(m.group(1)) + 1
        name = line.text[m.end() :]
        if any(name.startswith(word) for word in _SECTIONS[number - 1][1]):
            found.append((number, line.top))
    return found


def printed_page_number(signals: PageSignals) -> Optional[int]:
    if not signals.lines:
        return None
    last = signals.lines[-1]
    if last.top < signals.height * (1 - _FOOT_BAND):
        return None
    for pattern in _PAGE_NUMBER:
        m = pattern.match(last.text)
        if m:
            return int(m.group(1))
    return None


def page_role(signals: PageSignals) -> PageRole:
    if is_blank(signals):
        return "blank"
    if is_contents(signals):
        return "contents"
    if title_at_top(signals):
        return "title"
    if looks_like_cover(signals):
        return "cover"
    return "body"


# ---------------------------------------------------------------- the split

@dataclass(frozen=True)
class _Start:
    page: int
    title: Optional[Title]
    why: str  # "title", or the restart evidence for a report without a title
    y: Optional[float] = None  # mid-page start


@dataclass
class _State:
    """What the report being walked has shown so far."""

    tables: set[str]
    max_heading: int = 0
    last_number: Optional[int] = None


def _finding(rule: str, severity: str, zh: str, en: str) -> Finding:
    return Finding(rule=rule, severity=severity, message=zh, message_en=en)  # type: ignore[arg-type]


def _starts(pages: Sequence[PageSignals]) -> list[_Start]:
    by_number = {sig.number: sig for sig in pages}
    starts: list[_Start] = []
    state: Optional[_State] = None
    for sig in pages:
        role = page_role(sig)
        if role == "contents":
            continue
        title = title_at_top(sig) if role == "title" else None
        number = printed_page_number(sig)
        headings = section_headings(sig)
        previous = starts[-1] if starts else None
        same_title = title is not None and previous is not None and previous.title is not None \
            and previous.title.text == title.text
        if same_title and previous is not None and previous.page == sig.number - 1 and title_sheet(by_number[previous.page]):
            # The report's own cover sheet (its title alone), then its first page: the
            # report starts here; the sheet is a cover (see split_volume).
            starts[-1] = _Start(sig.number, title, "title")
            state = _State(set())
        elif same_title and state is not None and not _restart(sig, state, number, headings):
            pass  # the report's title repeated as a running header: the same report goes on
        elif title is not None:
            starts.append(_Start(sig.number, title, "title"))
            state = _State(set())
        elif state is None:
            if role in ("blank", "cover"):
                continue
            if not (sig.tables or headings or number == 1):
                continue  # text before any report that shows nothing of one: unassigned
            starts.append(_Start(sig.number, None, "content before any title"))
            state = _State(set())
        else:
            mid = title_mid_page(sig)
            restart = _restart(sig, state, number, headings)
            if mid is not None:
                starts.append(_Start(sig.number, mid, "title", y=mid.top))
                state = _State(set())
            elif restart:
                starts.append(_Start(sig.number, None, restart))
                state = _State(set())
        if state is not None:
            # After a mid-page start, only what is printed below the title is the new report's.
            below = starts[-1].y if starts and starts[-1].page == sig.number and starts[-1].y is not None else None
            state.tables.update(k for k, top in zip(sig.tables, sig.table_tops) if below is None or top > below)
            state.max_heading = max([state.max_heading, *(n for n, y in headings if below is None or y > below)])
            state.last_number = number if number is not None else state.last_number
    return starts


def _restart(sig: PageSignals, state: _State, number: Optional[int], headings: list[tuple[int, float]]) -> str:
    """Evidence that a new report begins on this page although no title was found."""
    if headings and headings[0][0] == 1 and (state.max_heading >= 2 or state.tables):
        return "section 一 again"
    if sig.tables and sig.tables[0] == "proactive" and state.tables & {"applications", "review_litigation"}:
        return "table 二 again"
    if number == 1 and state.last_number is not None and state.last_number >= 1:
        return "page numbers start again at 1"
    return ""


def _role(signals: PageSignals) -> PageRole:
    """The page's role once it is known not to start a report: a title sheet is a cover."""
    role = page_role(signals)
    return "cover" if role == "title" and title_sheet(signals) else role


def split_volume(pages: Sequence[PageSignals]) -> VolumeSplit:
    """Reports and unassigned pages of a file, from its pages' signals (in page order)."""
    by_number = {sig.number: sig for sig in pages}
    numbers = [sig.number for sig in pages]
    starts = _starts(pages)
    reports: list[ReportSpan] = []
    assigned: set[int] = set()
    for k, start in enumerate(starts):
        following = starts[k + 1] if k + 1 < len(starts) else None
        if following is None:
            candidates = [n for n in numbers if n >= start.page]
        elif following.y is not None:  # the next report starts mid-page: this one ends there
            candidates = [n for n in numbers if start.page <= n <= following.page]
        else:
            candidates = [n for n in numbers if start.page <= n < following.page]
        shares_last = following is not None and following.y is not None
        # Blank, contents and cover pages at the end belong to no report.
        while len(candidates) > 1 and not (shares_last and candidates[-1] == following.page):
            if _role(by_number[candidates[-1]]) not in ("blank", "contents", "cover"):
                break
            candidates.pop()
        members = [by_number[n] for n in candidates]
        assigned.update(candidates)
        reports.append(_span(start, members, following.y if shares_last and following else None))
    unassigned = tuple(
        UnassignedPage(n, _role(by_number[n]), "".join(line.text for line in by_number[n].lines[:2])[:60])
        for n in numbers
        if n not in assigned
    )
    return VolumeSplit(tuple(reports), unassigned)


def _span(start: _Start, members: Sequence[PageSignals], end_y: Optional[float]) -> ReportSpan:
    first, last = members[0].number, members[-1].number
    findings: list[Finding] = []
    tables = [kind for sig in members for kind in sig.tables]
    kinds = set(tables)
    if start.title is None:
        findings.append(
            _finding(
                "volume.untitled_start",
                "warning",
                f"第{first}页起的报告没有找到标题（依据：{_WHY_ZH.get(start.why, start.why)}），起止页可能不准",
                f"the report from page {first} has no title block (split on: {start.why}); its first page may be off",
            )
        )
    missing = [k for k in ("proactive", "applications", "review_litigation") if k not in kinds]
    if missing:
        findings.append(
            _finding(
                "volume.tables_incomplete",
                "warning",
                f"第{first}–{last}页的报告中缺少表格：{'、'.join(_TABLE_ZH[k] for k in missing)}（可能缺页或分册有误）",
                f"pages {first}-{last} lack the {', '.join(missing)} table(s): pages missing, or the split is off",
            )
        )
    for sig in members[1:-1]:
        if is_blank(sig):
            findings.append(
                _finding("volume.blank_page", "info", f"第{sig.number}页为空白页", f"page {sig.number} is blank")
            )
    if start.y is not None:
        findings.append(
            _finding(
                "volume.mid_page_start",
                "info",
                f"报告从第{first}页中部开始（与上一份报告共用该页）",
                f"the report starts mid-page on page {first} (the page is shared with the previous report)",
            )
        )
    return ReportSpan(
        first_page=first,
        last_page=last,
        title=start.title.text if start.title else None,
        agency=start.title.agency if start.title else None,
        year=start.title.year if start.title else None,
        confidence=_confidence(start, members, kinds),
        findings=tuple(findings),
        start_y=start.y,
        end_y=end_y,
    )


_WHY_ZH = {
    "section 一 again": "再次出现“一、总体情况”",
    "table 二 again": "再次出现第二部分表格",
    "page numbers start again at 1": "页码重新从1开始",
    "content before any title": "首个标题之前已有报告内容",
}
_TABLE_ZH = {"proactive": "二", "applications": "三", "review_litigation": "四"}


def _confidence(start: _Start, members: Sequence[PageSignals], kinds: set[str]) -> float:
    """How sure the split is of this report's bounds (0..1): a title block 0.6 (0.3
    without), +0.1 when it names agency and year, +0.2 when the pages hold all three
    tables in order, +0.1 when printed page numbers run 1, 2, … over the report (or none
    are printed at all and the title was found)."""
    score = 0.6 if start.title else 0.3
    if start.title and start.title.agency and start.title.year:
        score += 0.1
    order = [kind for sig in members for kind in sig.tables]
    if kinds == {"proactive", "applications", "review_litigation"} and _in_order(order):
        score += 0.2
    numbers = [printed_page_number(sig) for sig in members]
    printed = [(k, n) for k, n in enumerate(numbers) if n is not None]
    if printed and all(n == k + 1 for k, n in printed):
        score += 0.1
    elif not printed and start.title:
        score += 0.1
    return round(min(1.0, score), 2)


def _in_order(kinds: Sequence[str]) -> bool:
    rank = {"proactive": 0, "applications": 1, "review_litigation": 2}
    ranks = [rank[k] for k in kinds]
    return ranks == sorted(ranks)


def unassigned_finding(pages: Sequence[UnassignedPage]) -> Finding:
    """One info finding listing pages that belong to no report (cover, contents, blank)."""
    listed_zh = "、".join(f"第{p.page}页（{_ROLE_ZH[p.role]}）" for p in pages)
    listed_en = ", ".join(f"{p.page} ({p.role})" for p in pages)
    severity = "warning" if any(p.role == "body" for p in pages) else "info"
    return _finding(
        "volume.unassigned_pages",
        severity,
        f"{listed_zh}不属于任何报告，未提取",
        f"page(s) {listed_en} belong to no report and were not extracted",
    )


_ROLE_ZH = {"cover": "封面", "contents": "目录", "blank": "空白页", "body": "其他内容", "title": "标题页"}
