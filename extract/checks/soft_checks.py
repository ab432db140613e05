"""Soft checks: what a careful auditor notices beyond the 勾稽关系 — figures in the prose
that contradict the tables, and agencies reporting things their level cannot produce.
All warnings: the report may be right and the prose loose, but a reader should look.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Optional

from ..records import CellValue, Finding, as_number
from ..template import TemplateVersion


@dataclass(frozen=True)
class _ProseFigure:
    name: str  # what the sentence states, for messages
    pattern: re.Pattern  # group "n": the count; group "kind" (optional): what was applied for
    cells: tuple[str, ...]  # the table cells whose sum the figure states
    # Words that, in the figure's clause, make it a different quantity than the cells
    # (e.g. 办结 is not 新收; 行政复议纠正1件 is not the 复议 总计).
    other_quantity: Optional[re.Pattern] = None
    # The sentence must say it is about 政府信息公开 (else e.g. a 司法局's own 行政复议 work).
    needs_disclosure_anchor: bool = False


def _p(expr: str) -> re.Pattern:
    return re.compile(expr)


# A gap inside one clause part: no clause punctuation, no digits (the count comes next).
_GAP = r"[^。；;，,、：:\d]"
# A count: digits (full-width too: \d is Unicode), maybe a space before the unit.
_N = r"(?P<n>\d+)[\s\u3000]*"

_FIGURES: tuple[_ProseFigure, ...] = (
    _ProseFigure(
        "收到政府信息公开申请",
        _p(rf"(?:新收到?|收到|受理|接收)(?P<kind>{_GAP}{{0,24}}?)申请{_GAP}{{0,8}}?{_N}件"),
        ("applications.new_received.total",),
        # later stages of the same applications, other requests, results
        other_quantity=_p(r"办结|答复|转办|转交|转送|咨询|目录|补正|撤回|不予受理"
                          r"|予以公开|部分公开|不予公开|无法提供|不予处理"),
    ),
    _ProseFigure("予以公开", _p(rf"予以公开{_GAP}{{0,4}}?{_N}件"), ("applications.granted.total",)),
    _ProseFigure("部分公开", _p(rf"部分公开[^。；;，,、：:\d（(]{{0,4}}?{_N}件"), ("applications.partially_granted.total",)),
    _ProseFigure(
        "政府信息公开行政复议",
        _p(rf"行政复议{_GAP}{{0,6}}?{_N}(?:件|起)"),
        ("review_litigation.review.total",),
        other_quantity=_p(r"维持|纠正|纠错|撤销|驳回|确认违法|审结|结案|尚未|在审|败诉|胜诉|决定书|文书|案卷"),
        needs_disclosure_anchor=True,
    ),
    _ProseFigure(
        "政府信息公开行政诉讼",
        _p(rf"行政诉讼{_GAP}{{0,6}}?{_N}(?:件|起)"),
        ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"),
        other_quantity=_p(r"维持|纠正|纠错|撤销|驳回|确认违法|审结|结案|尚未|在审|败诉|胜诉|直接起诉|复议后|一审|二审|上诉"),
        needs_disclosure_anchor=True,
    ),
)

# --- Scope: the tables count one agency's applications for one year, all applicants,
# all channels. A prose figure about anything narrower or wider is not a contradiction
# even when it differs, so its clause is checked for these markers and skipped on a hit.

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


def _clause(prose: str, m: re.Match) -> str:
    """The figure's clause up to its count, with a short lead-in clause before it in the
    same sentence when that states no figure of its own (截至2024年底，… / 其中，…):
    the scope of a figure is said before it, and a later clause is about something else."""
    start = _start_of(prose, m.start(), _CLAUSE_END)
    sentence_start = _start_of(prose, m.start(), _SENTENCE_END)
    if start > sentence_start:
        before = _start_of(prose, start - 1, _CLAUSE_END)
        lead_in = prose[before : start - 1]
        if len(lead_in) <= _LEAD_IN_MAX and not _COUNT.search(lead_in):
            start = before
    return prose[start : m.end("n")]


def _sentence(prose: str, m: re.Match) -> str:
    return prose[_start_of(prose, m.start(), _SENTENCE_END) : m.end("n")]


def _one_applicant_type(clause: str) -> bool:
    return bool(_PERSON.search(clause)) != bool(_ORGANISATION.search(clause))


def _out_of_scope(figure: _ProseFigure, prose: str, m: re.Match) -> bool:
    """True when the matched figure is not the whole agency's figure for the year of the
    same quantity as `figure.cells`, or when that cannot be told."""
    clause = _clause(prose, m)
    if (
        _AGGREGATE.search(clause)
        or _SUB_UNIT.search(clause)
        or _one_applicant_type(clause)
        or _CHANNEL.search(clause)
        or _OTHER_PERIOD.search(clause)
    ):
        return True
    if figure.other_quantity and figure.other_quantity.search(clause):
        return True
    if "kind" in m.re.groupindex:  # the received figure
        # 受理行政许可申请3000件 is not about disclosure: the applied-for kind must be
        # 公开 (收到政府信息公开申请, 收到依申请公开…) or left unsaid (收到申请28件).
        if "公开" not in m.group(0) and m.group("kind").strip() not in ("", "的"):
            return True
        if _SHARE.search(clause):
            return True
    if figure.needs_disclosure_anchor and not _DISCLOSURE.search(_sentence(prose, m)):
        return True
    return False


def _stated(figure: _ProseFigure, prose: str) -> set[int]:
    """The distinct counts the prose states for `figure`, in scope."""
    return {int(m.group("n")) for m in figure.pattern.finditer(prose) if not _out_of_scope(figure, prose, m)}


def prose_vs_tables(prose: str, values: Mapping[str, CellValue]) -> list[Finding]:
    """A figure the prose states once, against the table cells it describes. Only the
    whole agency's figure for the year counts (see `_out_of_scope`); a figure stated with
    different numbers in different places is ambiguous and left alone."""
    findings = []
    for figure in _FIGURES:
        stated = _stated(figure, prose)
        if len(stated) != 1:
            continue
        numbers = [as_number(values.get(k)) for k in figure.cells]
        if any(n is None for n in numbers):
            continue
        said, table = stated.pop(), sum(numbers)  # type: ignore[arg-type]
        if said != table:
            findings.append(
                Finding(
                    rule="prose.contradicts_table",
                    severity="warning",
                    message=f"正文称{figure.name}{said}件，表格为{int(table)}件",
                    message_en=f"the text states {said} for {figure.name}; the table has {int(table)}",
                    cells=figure.cells,
                    expected=float(said),
                    printed=float(table),
                )
            )
    return findings


# Only provincial governments, governments of cities with districts and autonomous
# prefectures, and State Council ministries make 规章; a county, district, township or a
# local department does not.
_NATIONAL = re.compile(r"^(国务院|国家|中华人民共和国|中国)")
_RULE_MAKING_GOVERNMENT = re.compile(r"(省|自治区|市|州)人民政府(办公厅|办公室)?$")
_BELOW_CITY = re.compile(r"(?<!自治)(县|区|镇|乡|街道|旗)人民政府|街道办事处")
_REGULATION_COUNTS: dict[TemplateVersion, tuple[str, ...]] = {
    "2021": ("proactive.regulations.issued", "proactive.regulations.repealed"),
    "2019": ("proactive.regulations.made", "proactive.regulations.published"),
}


def makes_regulations(agency: str) -> bool:
    if _NATIONAL.match(agency):
        return True
    return bool(_RULE_MAKING_GOVERNMENT.search(agency)) and not _BELOW_CITY.search(agency)


def agency_plausibility(agency: Optional[str], values: Mapping[str, CellValue], version: TemplateVersion) -> list[Finding]:
    if not agency or makes_regulations(agency):
        return []
    made = [k for k in _REGULATION_COUNTS[version] if (as_number(values.get(k)) or 0) > 0]
    if not made:
        return []
    return [
        Finding(
            rule="plausibility.regulations",
            severity="warning",
            message=f"“{agency}”报告了本年制发或废止的规章，但只有省级、设区的市级人民政府和国务院部门制定规章",
            message_en=f"{agency} reports 规章 made or repealed this year; only provincial and city governments and ministries make them",
            cells=tuple(made),
        )
    ]


def run_soft_checks(
    prose: str, values: Mapping[str, CellValue], agency: Optional[str], version: TemplateVersion
) -> list[Finding]:
    return prose_vs_tables(prose, values) + agency_plausibility(agency, values, version)
