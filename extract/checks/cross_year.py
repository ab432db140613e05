"""Cross-report checks that only an archive can make: one agency's reports of consecutive years.

- `cross_year.carried_over` (error): 二、上年结转政府信息公开申请数量 of year N+1
  (`applications.carried_over.<column>`) equals 四、结转下年度继续办理 of year N
  (`applications.carried_forward.<column>`), in every applicant column and the total.
- `cross_year.in_force` (warning, a soft check): 现行有效件数 of 规章 and of 行政规范性文件 in
  year N+1 equals year N's plus N+1's 本年制发件数 minus N+1's 本年废止件数 (2021 template
  on both sides; the 2019 template has no 现行有效件数). Clean-up campaigns can legitimately
  break it, hence a warning.

Pre-2019 reports (template pre2019), for an indicator the vocabulary maps, printed once in
each report (matched by vocabulary key and column kind, whatever the row ids):
- `cross_year.cumulative_mismatch` (warning): a 历年累计 (cumulative) running total of year
  N+1 equals N's running total plus N+1's this-year figure. Names both reports and the cells.
- `cross_year.cumulative_restarted` (info): N+1's running total equals its this-year figure
  (and not N's total plus it): the agency restarted the count.
- `cross_year.previous_year_mismatch` (warning): a 上年度 (previous_year) column of N+1
  equals N's this-year figure.
Template rules are not applied to pre-2019 reports (their keys are absent, so not checkable).

A rule with a null side is not checked. Agencies are matched tolerantly (`same_agency`):
淮安市洪泽区人民政府 and 洪泽区人民政府 are one agency, two different districts never are.

`extract check results.sqlite` (`extract.cross_check`) runs the rules over the values in
effect (corrections applied), replaces the `cross_findings` table, and prints a summary.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional, Sequence

from ..records import CellValue, as_number
from ..template import APPLICATION_COLUMNS

CARRIED_RULE = "cross_year.carried_over"
IN_FORCE_RULE = "cross_year.in_force"
# in_force(N+1) - (in_force(N) + issued(N+1) - repealed(N+1)) allowed before a warning.
IN_FORCE_TOLERANCE = 0
IN_FORCE_ROWS = {"regulations": "规章", "normative_documents": "行政规范性文件"}
CUMULATIVE_RULE = "cross_year.cumulative_mismatch"
RESTARTED_RULE = "cross_year.cumulative_restarted"
PREVIOUS_YEAR_RULE = "cross_year.previous_year_mismatch"
# Amounts (万元) are decimals: equal within this.
INDICATOR_TOLERANCE = 1e-6


@dataclass(frozen=True)
class IndicatorValue:
    """One pre-2019 indicator value as the cross-year rules see it."""

    cell: str  # indicators.<row id>.<column id>
    label: str  # as printed
    column: str  # the column header as printed
    value: CellValue


# (vocabulary key, column kind) -> the indicator's value: one report's mapped indicators.
IndicatorMap = Mapping[tuple[str, str], IndicatorValue]


def indicator_map(indicators: Iterable[Mapping]) -> dict[tuple[str, str], IndicatorValue]:
    """The vocabulary-mapped indicators of a JSON record (values in effect) by (key, column
    kind). An indicator printed more than once in one column kind is left out: which of its
    printings a running total continues is not clear."""
    seen: dict[tuple[str, str], list[IndicatorValue]] = defaultdict(list)
    for ind in indicators:
        if ind.get("key") and ind.get("column_key"):
            seen[(ind["key"], ind["column_key"])].append(
                IndicatorValue(ind["cell"], ind["label"], ind["column"], ind.get("value")))
    return {k: v[0] for k, v in seen.items() if len(v) == 1}


@dataclass(frozen=True)
class YearReport:
    """What the rules need of one report: who, when, and its values in effect."""

    sha256: str
    first_page: int
    agency: Optional[str]
    year: Optional[int]
    values: Mapping[str, CellValue]
    # Pre-2019 reports: the vocabulary-mapped indicators (`indicator_map`); empty otherwise.
    indicators: IndicatorMap = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return self.sha256[:12] + (f":{self.first_page}" if self.first_page != 1 else "")

    @property
    def title(self) -> str:
        return f"{self.agency or '?'} {self.year or '?'} ({self.ref})"


@dataclass(frozen=True)
class CrossFinding:
    rule: str
    severity: str  # error | warning | info
    message: str
    message_en: str
    earlier: YearReport
    later: YearReport
    # Cell keys involved: for carried_over, the earlier report's carried_forward and the
    # later report's carried_over; for in_force, in_force of both and the later issued/repealed.
    cells: tuple[str, ...]


# ---------------------------------------------------------------- agency names

# A level above the district/county one: stripped from the front of a longer name.
_HIGHER = r"[\u4e00-\u9fff]{2,9}?(?:省|自治区|特别行政区|市|自治州|州|盟|地区)"
_HIGHER_CHAIN = re.compile(f"(?:{_HIGHER})+")
# A name that starts with its own place: X市/X区/X旗/X镇/X乡/X街道 (two characters at least),
# or X县 (沛县 has one). Characters of agency bodies cannot be part of a place name, so that
# 住房和城乡建设局 does not read as a place ending in 乡.
_BODY_CHARS = "和与及局委厅办部会院所处室站队科"
_PLACE_START = re.compile(
    f"^(?:[^{_BODY_CHARS}]{{2,9}}?(?:省|自治区|市|自治州|州|盟|地区|区|旗|镇|乡|街道)"
    f"|[^{_BODY_CHARS}]{{1,9}}?(?:县|自治县))"
)


def normalise_agency(name: str) -> str:
    """Full-width to half-width (NFKC), no whitespace, 政府 written 人民政府 (区政府办公室 ->
    区人民政府办公室)."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    return re.sub(r"(?<!人民)政府", "人民政府", text)


def same_agency(a: str, b: str) -> bool:
    """One agency written two ways: equal once normalised, or the shorter is the longer
    without a leading chain of province/prefecture names (江苏省淮安市洪泽区… vs 洪泽区…), the
    shorter then starting with its own place. Two districts of different names never match;
    namesakes in different cities (南京市鼓楼区 vs 徐州市鼓楼区) neither."""
    return _same_normalised(normalise_agency(a), normalise_agency(b))


def _same_normalised(a: str, b: str) -> bool:
    if a == b:
        return True
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    if not longer.endswith(shorter) or not _PLACE_START.match(shorter):
        return False
    return bool(_HIGHER_CHAIN.fullmatch(longer[: len(longer) - len(shorter)]))


def agency_groups(names: Iterable[str]) -> dict[str, str]:
    """name -> its agency's key: the longest (normalised) name it matches, when all the
    names it matches are one agency; a short name matching two different agencies (鼓楼区…
    beside 南京市鼓楼区… and 徐州市鼓楼区…) stays on its own. Names equal once normalised
    (洪泽区政府, 洪泽区人民政府) are one agency. Linear in the number of names: longer names
    are looked up by their suffixes, not compared pairwise."""
    forms = {name: normalise_agency(name) for name in set(names)}
    distinct = sorted(set(forms.values()), key=lambda n: (-len(n), n))
    by_suffix: dict[str, list[str]] = defaultdict(list)
    for form in distinct:
        for i in range(1, len(form)):
            by_suffix[form[i:]].append(form)
    canonical: dict[str, str] = {}
    for form in distinct:  # longest first: a longer name's key is known before a shorter one's
        longer = sorted((m for m in by_suffix.get(form, ()) if _same_normalised(m, form)), key=lambda m: (-len(m), m))
        if longer and all(_same_normalised(longer[0], m) for m in longer[1:]):
            canonical[form] = canonical[longer[0]]
        else:
            canonical[form] = form
    return {name: canonical[form] for name, form in forms.items()}


# ---------------------------------------------------------------- rules


def _fmt(x: float) -> str:
    return f"{x:g}"


def _carried_over(earlier: YearReport, later: YearReport) -> list[CrossFinding]:
    out = []
    for column in APPLICATION_COLUMNS:
        forward_key = f"applications.carried_forward.{column.key}"
        over_key = f"applications.carried_over.{column.key}"
        forward, over = as_number(earlier.values.get(forward_key)), as_number(later.values.get(over_key))
        if forward is None or over is None or forward == over:
            continue
        label = f"{column.group}›{column.label}" if column.group else column.label
        out.append(CrossFinding(
            CARRIED_RULE, "error",
            f"{label}列：{later.year}年“二、上年结转政府信息公开申请数量”为{_fmt(over)}，"
            f"应等于{earlier.year}年“四、结转下年度继续办理”{_fmt(forward)}（{later.title} ← {earlier.title}）",
            f"column {column.key}: carried_over of {later.year} is {_fmt(over)}, carried_forward of "
            f"{earlier.year} is {_fmt(forward)} ({later.title} <- {earlier.title})",
            earlier, later, (forward_key, over_key),
        ))
    return out


def _in_force(earlier: YearReport, later: YearReport) -> list[CrossFinding]:
    out = []
    for row, label in IN_FORCE_ROWS.items():
        keys = [f"proactive.{row}.{c}" for c in ("in_force", "issued", "repealed")]
        before = as_number(earlier.values.get(keys[0]))
        now, issued, repealed = (as_number(later.values.get(k)) for k in keys)
        if None in (before, now, issued, repealed):
            continue  # a null side, or a 2019-template report: not checkable
        expected = before + issued - repealed  # type: ignore[operator]
        if abs(now - expected) <= IN_FORCE_TOLERANCE:  # type: ignore[operator]
            continue
        out.append(CrossFinding(
            IN_FORCE_RULE, "warning",
            f"{label}：{later.year}年现行有效件数{_fmt(now)}，按{earlier.year}年{_fmt(before)}件加本年制发"
            f"{_fmt(issued)}件减本年废止{_fmt(repealed)}件应为{_fmt(expected)}（{later.title} ← {earlier.title}）",
            f"{row}: in_force of {later.year} is {_fmt(now)}; {earlier.year}'s {_fmt(before)} + issued "
            f"{_fmt(issued)} - repealed {_fmt(repealed)} gives {_fmt(expected)} ({later.title} <- {earlier.title})",
            earlier, later, tuple(keys),
        ))
    return out


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= INDICATOR_TOLERANCE * max(1.0, abs(a), abs(b))


def _cumulative(earlier: YearReport, later: YearReport) -> list[CrossFinding]:
    out = []
    for (key, kind), running in later.indicators.items():
        if kind != "cumulative":
            continue
        this_year = later.indicators.get((key, "this_year"))
        before = earlier.indicators.get((key, "cumulative"))
        if this_year is None or before is None:
            continue
        now, year, prior = as_number(running.value), as_number(this_year.value), as_number(before.value)
        if now is None or year is None or prior is None or _same(now, prior + year):
            continue
        cells = (before.cell, this_year.cell, running.cell)
        where = f"{later.title} ← {earlier.title}"
        where_en = f"{later.title} <- {earlier.title}"
        if _same(now, year):
            out.append(CrossFinding(
                RESTARTED_RULE, "info",
                f"“{running.label}”：{later.year}年{running.column}{_fmt(now)}等于本年度数，未接续{earlier.year}年的"
                f"{before.column}{_fmt(prior)}（累计重新起算；{later.year}年单元格 {running.cell}，{earlier.year}年单元格 "
                f"{before.cell}；{where}）",
                f"{key}: the running total of {later.year} ({running.cell}: {_fmt(now)}) equals that year's figure, "
                f"not {earlier.year}'s running total {_fmt(prior)} ({before.cell}) plus it: the count was restarted "
                f"({where_en})",
                earlier, later, cells))
            continue
        out.append(CrossFinding(
            CUMULATIVE_RULE, "warning",
            f"“{running.label}”：{later.year}年{running.column}为{_fmt(now)}（{running.cell}），按{earlier.year}年"
            f"{before.column}{_fmt(prior)}（{before.cell}）加{later.year}年{this_year.column}{_fmt(year)}"
            f"（{this_year.cell}）应为{_fmt(prior + year)}（{where}）",
            f"{key}: the running total of {later.year} is {_fmt(now)} ({running.cell}); {earlier.year}'s running "
            f"total {_fmt(prior)} ({before.cell}) + {later.year}'s figure {_fmt(year)} ({this_year.cell}) gives "
            f"{_fmt(prior + year)} ({where_en})",
            earlier, later, cells))
    return out


def _previous_year(earlier: YearReport, later: YearReport) -> list[CrossFinding]:
    out = []
    for (key, kind), previous in later.indicators.items():
        if kind != "previous_year":
            continue
        before = earlier.indicators.get((key, "this_year"))
        if before is None:
            continue
        printed, reported = as_number(previous.value), as_number(before.value)
        if printed is None or reported is None or _same(printed, reported):
            continue
        where = f"{later.title} ← {earlier.title}"
        out.append(CrossFinding(
            PREVIOUS_YEAR_RULE, "warning",
            f"“{previous.label}”：{later.year}年报告的{previous.column}为{_fmt(printed)}（{previous.cell}），"
            f"{earlier.year}年报告的{before.column}为{_fmt(reported)}（{before.cell}）（{where}）",
            f"{key}: the previous-year column of {later.year} says {_fmt(printed)} ({previous.cell}); {earlier.year}'s "
            f"own figure is {_fmt(reported)} ({before.cell}) ({later.title} <- {earlier.title})",
            earlier, later, (before.cell, previous.cell)))
    return out


def check_pair(earlier: YearReport, later: YearReport) -> list[CrossFinding]:
    """The cross-year rules for one report of year N and one of year N+1: the template rules
    (keys a pre-2019 report lacks are not checked) and the indicator rules (empty for a
    template report)."""
    return (_carried_over(earlier, later) + _in_force(earlier, later)
            + _cumulative(earlier, later) + _previous_year(earlier, later))


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[CrossFinding, ...]
    pairs: tuple[tuple[YearReport, YearReport], ...]
    agencies: int
    unplaced: tuple[YearReport, ...]  # no agency or no year: not checkable


def consecutive_pairs(reports: Sequence[YearReport]) -> tuple[list[tuple[YearReport, YearReport]], int, list[YearReport]]:
    """(earlier, later) for every two reports of one agency in years N and N+1, the number of
    agencies, and the reports without agency or year."""
    placed = [r for r in reports if r.agency and r.year]
    unplaced = [r for r in reports if not (r.agency and r.year)]
    canonical = agency_groups(r.agency for r in placed)  # type: ignore[misc]
    by_agency: dict[str, dict[int, list[YearReport]]] = defaultdict(lambda: defaultdict(list))
    for r in placed:
        by_agency[canonical[r.agency]][r.year].append(r)  # type: ignore[index]
    pairs = [
        (a, b)
        for years in by_agency.values()
        for year in sorted(years)
        for a in years[year]
        for b in years.get(year + 1, ())
    ]
    return pairs, len(by_agency), unplaced


def check_reports(reports: Sequence[YearReport]) -> CheckResult:
    pairs, agencies, unplaced = consecutive_pairs(reports)
    findings = tuple(f for a, b in pairs for f in check_pair(a, b))
    return CheckResult(findings, tuple(pairs), agencies, tuple(unplaced))
