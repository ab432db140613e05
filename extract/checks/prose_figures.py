"""Figures stated in the report's text (全年共主动公开政府信息1352条, 收到申请28件), each with
its sentence, page and bbox, section, what it counts and, where that is clear, the table
cells whose sum it states. Pure: the pipeline hands in the text lines (`sections.ProseLine`).

A figure is a number (digits, full-width too; decimals; 5500余条) followed by a unit
(件, 条, 次, 人次, 个, 人, 篇, 万元, 元, 期, 场 …). Dates, years, 第N, percentages, document
numbers (〔2016〕3号), phone numbers and list numbers have no unit after them and are not
figures; durations (20个工作日) are left out too.

Which cells a figure states is decided by the phrases of `_KINDS` (收到…申请N件 → the 新收
total; 予以公开及部分公开N件 → 予以公开 + 部分公开), and only for the whole agency's figure of the
year: a clause about several agencies, one office, one kind of applicant, one channel,
another period or another quantity (办结, 纠正 …) maps to nothing (`_out_of_scope`). For a
report of 2008-2018 (template "pre2019") the same phrases map to the indicators of its
statistics table (`Report.indicators`, keys of `extract.indicators`), the this-year column
preferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

from ..records import CellValue, ProseFigure, Section
from ..sections import ProseLine, SectionSpan, find_sections


def _p(expr: str) -> re.Pattern:
    return re.compile(expr)


# ---------------------------------------------------------------- figures: a number and its unit

_UNITS = ("人次", "件次", "万人次", "万元", "亿元", "千元", "万条", "万件", "元", "件", "条", "次", "个", "人", "篇",
          "期", "场", "起", "项", "份", "家", "批")
_UNIT_ALTERNATION = "|".join(sorted(_UNITS, key=len, reverse=True))
# Not after a letter, digit, decimal point, dash or slash (phone numbers, codes, dates),
# nor after 第 (an ordinal).
_FIGURE = _p(
    rf"(?<![0-9A-Za-z.\-/第〔\[])(?P<n>\d+(?:,\d{{3}})*(?:\.\d+)?)[\s\u3000]*(?P<approx>余|多)?(?P<unit>{_UNIT_ALTERNATION})"
)
# A unit that is the start of another word: 3人民…, 期间, 条例, 个工作日 (a duration).
_NOT_A_UNIT_AFTER = {
    "人": ("民",),
    "期": ("间", "限"),
    "条": ("例", "款"),
    "个": ("工作日", "月", "小时", "季度", "星期", "年", "自然日", "日", "百分点"),
    "元": ("旦",),
    "次": ("日", "年"),
}


# ---------------------------------------------------------------- what a figure states

# A gap inside one clause part: no clause punctuation, no digits (the count comes next).
_GAP = r"[^。；;，,、：:\d]"
# A count: digits (full-width too: \d is Unicode), maybe a space before the unit.
_N = r"(?P<n>\d+)[\s\u3000]*"

_WITHHELD = tuple(
    f"applications.{row}.total"
    for row in ("withheld_state_secret", "withheld_prohibited_by_law", "withheld_security_stability",
                "withheld_third_party", "withheld_internal_affairs", "withheld_process_info",
                "withheld_enforcement_file", "withheld_admin_query")
)
_UNABLE = tuple(f"applications.{row}.total" for row in ("unable_not_held", "unable_needs_creation", "unable_unclear"))
_REJECTED = tuple(
    f"applications.{row}.total"
    for row in ("rejected_petition", "rejected_duplicate", "rejected_publication", "rejected_excessive",
                "rejected_confirmation")
)
# Later stages of the same applications, and their results, are other quantities than 新收.
_NOT_RECEIVED = _p(r"办结|答复|转办|转交|转送|咨询|目录|补正|撤回|不予受理|予以公开|部分公开|不予公开|无法提供|不予处理")
_NOT_A_CASE_COUNT = _p(r"维持|纠正|纠错|撤销|驳回|确认违法|审结|结案|尚未|在审|败诉|胜诉|决定书|文书|案卷")


@dataclass(frozen=True)
class FigureKind:
    name: str  # what the sentence states, for messages and `about`
    pattern: re.Pattern  # group "n": the count; group "kind" (optional): what was applied for
    cells: tuple[str, ...]  # the template cells (2019/2021) whose sum the figure states
    indicators: tuple[str, ...] = ()  # the indicator keys (pre-2019) whose sum it states
    # Words that, in the figure's clause, make it a different quantity than the cells
    # (e.g. 办结 is not 新收; 行政复议纠正1件 is not the 复议 总计).
    other_quantity: Optional[re.Pattern] = None
    # The sentence must say it is about 政府信息公开 (else e.g. a 司法局's own 行政复议 work).
    needs_disclosure_anchor: bool = False
    # The pattern's group "kind" says what was applied for: it must be disclosure (公开) or
    # left unsaid (收到申请28件, not 受理行政许可申请3000件).
    applied_for: bool = False
    # 其中… before the count makes it a share (其中自然人…), except 其中本年新收….
    whole_only: bool = False


# Tried in this order; a number claimed by one kind (in scope or not) is not tried by the
# next: 予以公开及部分公开42件 is the combined figure, not 部分公开 alone.
KINDS: tuple[FigureKind, ...] = (
    FigureKind(
        "予以公开和部分公开",
        _p(rf"(?:(?:予以|同意|全部)?公开(?:及|和|与|或|、|以及)(?:予以|同意)?部分公开|予以公开[（(]含部分公开[）)])"
           rf"{_GAP}{{0,4}}?{_N}件"),
        ("applications.granted.total", "applications.partially_granted.total"),
        ("replies_granted", "replies_partially_granted"),
    ),
    FigureKind(
        "收到政府信息公开申请",
        _p(rf"(?:新收到?|收到|受理|接收)(?P<kind>{_GAP}{{0,24}}?)申请{_GAP}{{0,8}}?{_N}件"),
        ("applications.new_received.total",),
        ("applications_received",),
        other_quantity=_NOT_RECEIVED,
        applied_for=True,
        whole_only=True,
    ),
    FigureKind("予以公开", _p(rf"(?:予以公开|(?<!不)同意公开|全部公开){_GAP}{{0,4}}?{_N}件"),
               ("applications.granted.total",), ("replies_granted",)),
    FigureKind("部分公开", _p(rf"部分公开[^。；;，,、：:\d（(]{{0,4}}?{_N}件"),
               ("applications.partially_granted.total",), ("replies_partially_granted",)),
    FigureKind("不予公开", _p(rf"(?:不予公开|不同意公开){_GAP}{{0,4}}?{_N}件"), _WITHHELD, ("replies_refused",)),
    FigureKind("无法提供", _p(rf"无法提供{_GAP}{{0,4}}?{_N}件"), _UNABLE),
    FigureKind("不予处理", _p(rf"不予处理{_GAP}{{0,4}}?{_N}件"), _REJECTED),
    FigureKind(
        "政府信息公开行政复议",
        _p(rf"行政复议{_GAP}{{0,6}}?{_N}(?:件|起)"),
        ("review_litigation.review.total",),
        ("review_total",),
        other_quantity=_NOT_A_CASE_COUNT,
        needs_disclosure_anchor=True,
    ),
    FigureKind(
        "政府信息公开行政诉讼",
        _p(rf"行政诉讼{_GAP}{{0,6}}?{_N}(?:件|起)"),
        ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"),
        ("litigation_total",),
        other_quantity=_p(_NOT_A_CASE_COUNT.pattern + r"|直接起诉|复议后|一审|二审|上诉"),
        needs_disclosure_anchor=True,
    ),
    # No template cell counts these; a pre-2019 statistics table does.
    FigureKind(
        "主动公开政府信息",
        _p(rf"主动公开(?P<kind>{_GAP}{{0,12}}?){_N}(?:余|多)?条"),
        (),
        ("proactive_published",),
        other_quantity=_p(r"规范性文件|文件|解读|目录|政策|动态|公报"),
        whole_only=True,
    ),
    FigureKind(
        "依申请公开收取的费用",
        _p(rf"收取{_GAP}{{0,16}}?费{_GAP}{{0,4}}?(?P<n>\d+(?:\.\d+)?)[\s\u3000]*(?:万元|元)"),
        (),
        ("fees_charged",),
    ),
)

# --- Scope: the tables count one agency's applications for one year, all applicants,
# all channels. A figure about anything narrower or wider is not the cells' figure even
# when it differs, so its clause is checked for these markers and maps to nothing on a hit.

# Several agencies together (全区各部门共受理…, 各镇街…). Even a district government's
# tables normally cover only its own (本级) applications, and a department's never cover
# the district's; the prose does not say which, so such figures are not compared.
_AGGREGATE = _p(r"全(?:省|市|州|盟|县|区|旗|镇|乡|街道|系统)|各(?:级|部门|单位|镇|乡|街|区|县|委办局|科室)"
                r"|镇街|乡镇|县直|区直|市直")
# One office's share of the agency's figure (区政府办代表区政府受理…17件).
_SUB_UNIT = _p(r"代表|本级|下属|所属|直属|二级单位|科室|分局")
# One kind of applicant. Naming both persons and organisations (公民、法人和其他组织)
# is all applicants, which is the table's 总计.
_PERSON = _p(r"自然人|公民")  # not 群众: loosely, the public at large
_ORGANISATION = _p(r"法人|其他组织|企业|科研机构|公益组织|法律服务机构|律师")
# One channel of receipt (通过信函受理5件).
_CHANNEL = _p(r"通过|信函|来信|邮寄|传真|电子邮件|网上|网络|在线|线上|线下|当面|现场|来访|平台|热线")
# Another period, or several years together.
_OTHER_PERIOD = _p(r"上年|去年|上一年|前年|往年|历年|同比|结转|截至|截止|累计|以来|近[\d一二三四五六七八九十]+年"
                   r"|\d{4}年?[-—–~～至到]\d{4}年")
# 其中… under the received figure is a share (其中自然人…, 其中区政府办受理…) — except
# 其中本年新收…, which splits 办理 into 新收 and 结转 and so is the year's own figure.
_SHARE = _p(r"其中(?!(?:本年度?)?新收)")
_DISCLOSURE = _p(r"信息公开|依申请公开|公开申请")

_SENTENCE_END = "。；;！？!?"
_CLAUSE_END = _SENTENCE_END + "，,：:"
_LEAD_IN_MAX = 16  # 截至2024年12月31日 / 从申请人类型看: a phrase, not a statement
_COUNT = _p(r"\d+[\s\u3000]*(?:件|条|起|个|次|人|份|%|％)")


def _start_of(text: str, end: int, stops: str) -> int:
    """Index just after the last of `stops` before `end` (0 if none)."""
    return max(text.rfind(c, 0, end) for c in stops) + 1


def _end_of(text: str, start: int, stops: str) -> int:
    """Index just after the first of `stops` at or after `start` (the end if none)."""
    found = [i for i in (text.find(c, start) for c in stops) if i >= 0]
    return min(found) + 1 if found else len(text)


def clause_before(prose: str, start: int, number_end: int) -> str:
    """The figure's clause up to its count, with a short lead-in clause before it in the
    same sentence when that states no figure of its own (截至2024年底，… / 其中，…):
    the scope of a figure is said before it, and a later clause is about something else."""
    begin = _start_of(prose, start, _CLAUSE_END)
    sentence_start = _start_of(prose, start, _SENTENCE_END)
    if begin > sentence_start:
        before = _start_of(prose, begin - 1, _CLAUSE_END)
        lead_in = prose[before : begin - 1]
        if len(lead_in) <= _LEAD_IN_MAX and not _COUNT.search(lead_in):
            begin = before
    return prose[begin:number_end]


def _one_applicant_type(clause: str) -> bool:
    return bool(_PERSON.search(clause)) != bool(_ORGANISATION.search(clause))


def out_of_scope(kind: FigureKind, prose: str, m: re.Match) -> bool:
    """True when the matched figure is not the whole agency's figure for the year of the
    same quantity as `kind.cells`, or when that cannot be told."""
    clause = clause_before(prose, m.start(), m.end("n"))
    if (
        _AGGREGATE.search(clause)
        or _SUB_UNIT.search(clause)
        or _one_applicant_type(clause)
        or _CHANNEL.search(clause)
        or _OTHER_PERIOD.search(clause)
    ):
        return True
    if kind.other_quantity and kind.other_quantity.search(clause):
        return True
    # 受理行政许可申请3000件 is not about disclosure: the applied-for kind must be 公开
    # (收到政府信息公开申请, 收到依申请公开…) or left unsaid (收到申请28件).
    if kind.applied_for and "公开" not in m.group(0) and m.group("kind").strip() not in ("", "的"):
        return True
    if kind.whole_only and _SHARE.search(clause):
        return True
    sentence = prose[_start_of(prose, m.start(), _SENTENCE_END) : m.end("n")]
    if kind.needs_disclosure_anchor and not _DISCLOSURE.search(sentence):
        return True
    return False


@dataclass(frozen=True)
class Statement:
    """What a number of the text states, where a kind claims it: the kind, and whether the
    figure is the agency's own for the year (in scope)."""

    kind: FigureKind
    in_scope: bool


def statements(prose: str) -> dict[int, Statement]:
    """Start offset of each claimed count in `prose` -> what it states (first kind wins)."""
    claimed: dict[int, Statement] = {}
    for kind in KINDS:
        for m in kind.pattern.finditer(prose):
            at = m.start("n")
            if at in claimed:
                continue
            claimed[at] = Statement(kind, not out_of_scope(kind, prose, m))
    return claimed


# ---------------------------------------------------------------- cells of pre-2019 indicators


def indicator_cells(indicators: Sequence[Any]) -> dict[str, tuple[str, Optional[str]]]:
    """Vocabulary key -> (the cell of its this-year value, its unit), for the indicators a
    report printed once in its first table holding them (the this-year column, else the
    only value column)."""
    by_key: dict[str, list[Any]] = {}
    for item in indicators:
        if getattr(item, "key", None):
            by_key.setdefault(item.key, []).append(item)
    chosen: dict[str, tuple[str, Optional[str]]] = {}
    for key, items in by_key.items():
        first_table = min(i.table for i in items)
        items = [i for i in items if i.table == first_table]
        this_year = [i for i in items if i.column_key == "this_year"]
        if len(this_year) == 1:
            chosen[key] = (this_year[0].cell, this_year[0].unit)
        elif not this_year and len(items) == 1 and items[0].column_key is None:
            chosen[key] = (items[0].cell, items[0].unit)
    return chosen


# ---------------------------------------------------------------- the entry point


@dataclass(frozen=True)
class ProseReading:
    sections: tuple[Section, ...]
    figures: tuple[ProseFigure, ...]


def read_prose(
    lines: Sequence[ProseLine],
    version: Optional[str],
    values: Optional[Mapping[str, CellValue]] = None,
    indicators: Sequence[Any] = (),
) -> ProseReading:
    """The report's sections and the figures its text states. `version` is the report's
    template ("2019", "2021", "pre2019"); `values` its template values (a cell the report
    has no value for is still named: the check says it could not compare); `indicators`
    its pre-2019 indicator records (`records.Indicator`)."""
    spans = find_sections(lines)
    pre2019 = version == "pre2019"
    by_indicator = indicator_cells(indicators) if pre2019 else {}
    figures: list[ProseFigure] = []
    for span in spans:
        figures += _figures_of(span, lines, pre2019, by_indicator)
    return ProseReading(tuple(s.section for s in spans), tuple(figures))


def figures_in_text(text: str, version: Optional[str] = None, indicators: Sequence[Any] = ()) -> tuple[ProseFigure, ...]:
    """The figures of a text given as one string (one text-layer line, no page): for tests
    and callers that hold only the prose."""
    return read_prose([ProseLine(text)], version, None, indicators).figures


def _figures_of(
    span: SectionSpan, lines: Sequence[ProseLine], pre2019: bool, by_indicator: Mapping[str, tuple[str, Optional[str]]]
) -> list[ProseFigure]:
    text = span.section.text
    claimed = statements(text)
    figures = []
    for m in _FIGURE.finditer(text):
        unit = m.group("unit")
        after = text[m.end():]
        if any(after.startswith(w) for w in _NOT_A_UNIT_AFTER.get(unit, ())):
            continue
        printed = m.group("n").replace(",", "")
        value: float | int = float(printed) if "." in printed else int(printed)
        statement = claimed.get(m.start("n"))
        cells: tuple[str, ...] = ()
        about = None
        if statement is not None:
            about = statement.kind.name
            if statement.in_scope:
                cells = _cells(statement.kind, unit, pre2019, by_indicator)
        if about is None:
            about = _about(text, m.start())
        sentence_start = _start_of(text, m.start(), _SENTENCE_END)
        sentence = text[sentence_start : _end_of(text, m.end(), _SENTENCE_END)]
        page, bbox, source, confidence = _place(span, lines, m.start("n"), m.end("n"))
        figures.append(
            ProseFigure(
                value=value,
                unit=unit,
                text=m.group(0).strip(),
                sentence=sentence,
                page=page,
                bbox=bbox,
                section=span.section.number,
                about=about,
                cells=cells,
                source=source,
                confidence=confidence,
            )
        )
    return figures


def _cells(
    kind: FigureKind, unit: str, pre2019: bool, by_indicator: Mapping[str, tuple[str, Optional[str]]]
) -> tuple[str, ...]:
    if not pre2019:
        return kind.cells
    if not kind.indicators or any(k not in by_indicator for k in kind.indicators):
        return ()
    return tuple(by_indicator[k][0] for k in kind.indicators)


_ABOUT_FILLER = re.compile(r"^(?:其中|另有|另|共计|共|合计|累计|全年度?|本年度?|今年|年内|全年共)+|(?:共计|共|计|达到?|为|约|累计|总数)+$")


def _about(text: str, start: int) -> Optional[str]:
    """What a figure no kind claims counts: its clause before the number, without fillers."""
    clause = text[_start_of(text, start, _CLAUSE_END + "、（(") : start]
    clause = re.sub(r"(?:19|20)\d{2}年度?", "", clause)
    clause = _ABOUT_FILLER.sub("", clause)
    clause = _ABOUT_FILLER.sub("", clause)
    return clause[-30:] or None


def _place(
    span: SectionSpan, lines: Sequence[ProseLine], start: int, end: int
) -> tuple[Optional[int], Optional[tuple[float, float, float, float]], str, float]:
    """Page, bbox (the union of the number's glyphs on its first page), source and
    confidence of the characters start..end of the section's text."""
    boxes: list[tuple[float, float, float, float]] = []
    page: Optional[int] = None
    source, confidence = "text", 1.0
    for k, line_index in enumerate(span.line_indexes):
        line = lines[line_index]
        line_start = span.starts[k]
        line_end = line_start + len(line.text) - span.skips[k]
        lo, hi = max(start, line_start), min(end, line_end)
        if lo >= hi:
            continue
        if page is None:
            page, source, confidence = line.page, line.source, line.confidence
        else:
            confidence = min(confidence, line.confidence)
        if line.chars is None or line.page != page:
            continue
        offset = span.skips[k] - line_start
        boxes += [line.chars[i + offset] for i in range(lo, hi) if 0 <= i + offset < len(line.chars)]
    if not boxes:
        return page, None, source, confidence
    bbox = (
        round(min(b[0] for b in boxes), 2),
        round(min(b[1] for b in boxes), 2),
        round(max(b[2] for b in boxes), 2),
        round(max(b[3] for b in boxes), 2),
    )
    return page, bbox, source, confidence
