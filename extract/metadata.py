"""Report metadata from the printed text: agency, year and the template version."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Optional, Sequence

from .geometry import group_into_lines
from .page import PageContent
from . import template as tpl
from .records import Finding, ReportInfo
from .template import TemplateVersion
from .text import label_core

# The title: 政府信息公开工作年度报告, and the shorter forms reports of 2008-2018 also print
# (政府信息公开年度报告, 政府信息公开工作报告, 政府信息公开工作年报).
_TITLE = re.compile(
    r"(?P<before>[^。，,；;：:]{0,40}?)(?P<year>(?:19|20)\d{2})年度?(?P<after>[^。，,；;：:]{0,40}?)"
    r"政府信息公开(?:工作)?(?:年度报告|工作报告|年报|报告)"
)
# A year written in Chinese numerals (二〇二三年) reads as digits.
_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")
_CN_YEAR = re.compile(r"[〇零○一二三四五六七八九]{4}(?=年)")
# The title ends where the body begins: the first sentence, or the first section heading.
_BODY = re.compile(r"。|^(一、|根据|按照|依据)")
_PERIOD = re.compile(r"((?:19|20)\d{2})年1月1日")
_FILLER = re.compile(r"^(关于|的)|(的|关于)$")
# An agency's name starts with a Chinese character: what precedes it on the title's line
# is a browser's print header (12/1/26, 12:37 PM), a document number or a page mark.
_NOT_A_NAME_START = re.compile(r"^[^\u3400-\u9fff]+")


def _template_words() -> tuple[frozenset[str], frozenset[str]]:
    """The template's printed labels and headers (label cores), and among them the words
    that only a table's header prints (no agency's name holds them)."""
    labels = {r.label for rows in tpl.APPLICATION_ROWS.values() for r in rows}
    labels |= {r.group for rows in tpl.APPLICATION_ROWS.values() for r in rows if r.group}
    labels |= {c.label for c in tpl.APPLICATION_COLUMNS} | {c.group for c in tpl.APPLICATION_COLUMNS if c.group}
    labels |= {label for rows in tpl.PROACTIVE_ROWS.values() for (label, _, heading) in rows.values()}
    labels |= {heading for rows in tpl.PROACTIVE_ROWS.values() for (_, _, heading) in rows.values()}
    labels |= {v for cols in tpl.PROACTIVE_COLUMNS.values() for v in cols.values()}
    labels |= {c.label for c in tpl.REVIEW_COLUMNS} | {r.label for r in tpl.REVIEW_ROWS} | {r.group for r in tpl.REVIEW_ROWS if r.group}
    header_only = {"申请人情况", "法人或其他组织", "信息内容", tpl.APPLICATION_RESULTS_LABEL, "商业企业", "科研机构",
                   "社会公益组织", "法律服务机构", "自然人", "结果维持", "结果纠正", "尚未审结"}
    header_only |= set(tpl.PROACTIVE_COLUMNS["2021"].values()) | set(tpl.PROACTIVE_COLUMNS["2019"].values())
    cores = {label_core(w) for w in labels | header_only}
    return frozenset(c for c in cores if c), frozenset(c for w in header_only if len(c := label_core(w)) >= 3)


# A title line on a page image that holds two pages side by side, or a head read across a
# table, can lend the title a table's header ("申请人情况2021年政府信息公开工作年度报告"): a
# name that is a template label, or holds a word only a table's header prints, is no agency.
_TEMPLATE_LABELS, _HEADER_WORDS = _template_words()


def is_template_label(name: str) -> bool:
    """Whether an agency candidate is (or holds) a label of the report template's tables."""
    core = label_core(name)
    return core in _TEMPLATE_LABELS or any(word in core for word in _HEADER_WORDS)


def page_lines(page: PageContent) -> list[str]:
    """The page's visible text as lines, top to bottom, without spaces."""
    boxes = page.boxes
    lines = group_into_lines(boxes, [b.ink or b.bbox for b in boxes], [b.baseline for b in boxes])
    return [
        re.sub(r"\s+", "", unicodedata.normalize("NFKC", "".join(boxes[i].text for i in line)))
        for line in lines
    ]


def _agency_in(title: re.Match) -> str:
    """The agency a title match names (before or after the year), without the filler
    words around it or what precedes it on its line."""
    return _FILLER.sub("", _NOT_A_NAME_START.sub("", title.group("before") or title.group("after"))).strip()


def read_info(
    first_page_lines: Sequence[str], all_text: str, version: Optional[TemplateVersion],
    findings: Optional[list[Finding]] = None,
) -> ReportInfo:
    """The title (often broken over two or three lines) names the agency and the year:
    「淮安市人民政府 / 2024年政府信息公开工作年度报告」, or 「2024年度XX局政府信息公开工作年度报告」.
    A name that is a label of the template's tables is refused (no agency rather than a
    wrong one): `findings`, when given, gets a report.agency_label finding naming it."""
    agency: Optional[str] = None
    year: Optional[int] = None
    lines = [_CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), line) for line in first_page_lines[:12]]
    head = []
    for line in lines:
        if _BODY.search(line):
            break
        head.append(line)
    # The title is the tightest window of the head that still reads as one: starting
    # earlier would pull a letterhead or a document number into the agency's name.
    for start in range(len(head)):
        m = _TITLE.search("".join(head[start : start + 4]))
        if not m:
            break
        name = _agency_in(m)
        if not name and year is not None:
            break
        year, agency = int(m.group("year")), name or agency
    if agency is None:
        late_year, late_agency = _title_after_site_furniture(first_page_lines)
        year, agency = late_year or year, late_agency
    if year is None:
        m = _PERIOD.search(all_text)
        if m:
            year = int(m.group(1))
    if agency is not None and is_template_label(agency):
        if findings is not None:
            findings.append(_label_as_agency(agency))
        agency = None
    return ReportInfo(agency=agency, year=year, template=version)


def _label_as_agency(name: str) -> Finding:
    return Finding(
        rule="report.agency_label",
        severity="warning",
        message=f"标题处读到的机关名称“{name}”是表格的标签，未作为机关名称",
        message_en=f"the title's agency name read as “{name}”, a label of the tables: no agency is given",
    )


# How far down the first page a title is looked for when it does not open the page.
_LATE_TITLE_LINES = 80


def _title_after_site_furniture(first_page_lines: Sequence[str]) -> tuple[Optional[int], Optional[str]]:
    """A web page printed to PDF opens with the site's menus, breadcrumbs and a sidebar
    listing other reports; the report's title is the last line naming a report before its
    body begins (the sidebar's entries come earlier), possibly broken over two lines."""
    lines = [_CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), line)
             for line in first_page_lines[:_LATE_TITLE_LINES]]
    body = next((k for k, line in enumerate(lines) if _BODY.search(line)), len(lines))
    for start in range(body - 1, -1, -1):
        m = _TITLE.search("".join(lines[start : min(start + 2, body)]))
        if m:
            name = _agency_in(m)
            return int(m.group("year")), name or None
    return None, None


def report_title(first_page_lines: Sequence[str]) -> Optional[str]:
    """The annual report's title when the head of the first page (or of a printed web
    page, after the site's menus) names one: ×××年政府信息公开工作年度报告 and its shorter
    forms. None when the document does not open as an annual report."""
    lines = [_CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), line) for line in first_page_lines[:_LATE_TITLE_LINES]]
    for start in range(len(lines)):
        m = _TITLE.search("".join(lines[start : start + 3]))
        if m:
            return m.group(0)[-80:]
    return None


def what_it_seems(first_page_lines: Sequence[str]) -> str:
    """What a document that is not an annual report seems to be, for the one-line error:
    its first line that reads like a title."""
    for line in first_page_lines[:20]:
        text = line.strip()
        if 4 <= len(text) <= 60 and re.search(r"[\u3400-\u9fff]{4}", text) and not re.match(r"^[\d\W]+$", text):
            return f"its first heading reads “{text}”"
    return "its text names no annual report"


def decide_version(votes: Counter, year: Optional[int]) -> tuple[TemplateVersion, list[Finding]]:
    """The tables themselves decide (labels only one version prints); the year decides only
    when the tables say nothing. Soft findings for a mix, or for a version at odds with the year."""
    findings: list[Finding] = []
    v2021, v2019 = votes.get("2021", 0), votes.get("2019", 0)
    if v2021 and v2019:
        findings.append(
            Finding(
                rule="template.mixed",
                severity="warning",
                message=f"表格同时含有2021版（{v2021}处）和2019版（{v2019}处）模板特有的标签",
                message_en=f"tables carry labels of both the 2021 ({v2021}) and the 2019 ({v2019}) template",
            )
        )
    if v2021 > v2019:
        version: TemplateVersion = "2021"
    elif v2019 > v2021:
        version = "2019"
    else:
        version = "2021" if year is None or year >= 2021 else "2019"
    if year is not None and ((version == "2019" and year >= 2021) or (version == "2021" and year < 2021)):
        findings.append(
            Finding(
                rule="template.year_mismatch",
                severity="warning",
                message=f"{year}年度报告使用了{version}版表格模板",
                message_en=f"a report for {year} uses the {version} table template",
            )
        )
    return version, findings
