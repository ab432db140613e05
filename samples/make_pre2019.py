#!/usr/bin/env python3
"""Deterministic generator of the pre-2019 sample reports in ``samples/pre2019/``.

Before the national 2019 template (2008-2018) each province printed its own statistics
table (政府信息公开情况统计表): indicator rows that nest (其中 …), a unit column or a unit
in the label or the header, one or more value columns (本年度, 历年累计, 统计数, a split by
level). This script writes fictional reports of that era as real agencies published them:
a title, an introduction with the statistics period, numbered sections whose prose states
figures consistent with the table, then the table (or no table at all). Every report is
described once (`DOCS`: its agency, year, section headings, table variant, values drawn
from ``random.Random(seed)``) and rendered as

- a digital PDF (python-docx → LibreOffice, as the other samples; ``p*``),
- a Word file (``word-*.docx``, fixed zip dates),
- a government-portal web page (``html-*.html``; one GBK-encoded),
- a scan of a digital PDF (``scan-*.pdf``, made with ``make_scans.py``'s degradations).

Each ``<name>.<ext>`` gets ``<name>.expected.json`` (format in samples/README.md,
"Pre-2019 reports"): one indicator record per printed value cell, the section headings,
and the agency's own printed inconsistencies (``findings``).

Usage::

    python samples/make_pre2019.py            # everything (about 30 s; one LibreOffice call)
    python samples/make_pre2019.py --no-pdf   # only the .docx / .html / expected files

Needs python-docx, LibreOffice, fonts-noto-cjk, pypdfium2, and for the scans
``make_scans.py``'s dependencies (pdfplumber, OpenCV, Pillow). Two runs give identical bytes
with the same LibreOffice and fonts (PDF dates, /ID and /DocChecksum fixed as in generate.py).
"""

from __future__ import annotations

import argparse
import copy
import html as htmlmod
import io
import json
import re
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from types import SimpleNamespace
from typing import Optional

SAMPLES = Path(__file__).resolve().parent
OUT = SAMPLES / "pre2019"
sys.path.insert(0, str(SAMPLES))
sys.path.insert(0, str(SAMPLES.parent))

import generate as gen  # noqa: E402
from docx import Document  # noqa: E402
from docx.enum.table import WD_ALIGN_VERTICAL  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Cm, Pt  # noqa: E402

SERIF, SANS = gen.SERIF, gen.SANS


# ====================================================================== the model

@dataclass
class Row:
    depth: int
    label: str  # as printed (may hold "\n": a line break in the cell)
    key: Optional[str]  # vocabulary key (None: outside the vocabulary); ignored for groups
    unit: Optional[str] = None  # printed in the unit column (or None)
    group: bool = False  # a heading row without values
    fig: Optional[str] = None  # figure name when key is None
    printed: list = field(default_factory=list)  # printed value strings, one per column
    serial: str = ""


@dataclass
class Table:
    caption: list[str]  # lines printed above the table
    label_head: str
    columns: list[tuple[str, ...]]  # value column headers (1 or 2 levels)
    rows: list[Row]
    unit_head: Optional[str] = "计量单位"
    serial_head: Optional[str] = None  # 序号
    group_style: str = "merge"  # merge | dash | category
    qizhong: bool = False  # a column holding 其中 (rowspan) before the sub-items' labels
    indent: bool = True  # sub-items indented by depth
    repeat_header: bool = False
    unit_of_label: bool = False  # unit folded into the label: 主动公开政府信息数（条）
    header_unit: Optional[str] = None  # the unit the column header carries (单位：件)
    new_page: bool = True  # the caption starts a page
    note: str = ""  # a line under the table


@dataclass
class Doc:
    name: str
    kind: str  # pdf | docx | html
    agency: str
    year: int
    seed: int
    headings: list[str]
    title_lines: list[str]
    table: Optional[Table]
    prose: dict  # heading index -> list of paragraphs, "intro" -> list
    findings: list = field(default_factory=list)
    sign_before_table: bool = True
    html_style: str = ""  # gbk | cms | plain
    body_pt: float = 14.0
    table_pt: float = 10.5


def ws(text: str) -> str:
    return re.sub(r"\s+", "", text)


def parse_value(s: str):
    t = ws(s).replace(",", "")
    if t in ("", "—", "——", "/", "－", "-", "无"):
        return None
    return float(t) if "." in t else int(t)


def fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".") if v != int(v) else (f"{int(v)}" if v >= 1 else "0")
    return str(v)


# ====================================================================== figures

def alloc(rng: Random, total: int, weights: list[float]) -> list[int]:
    out = [0] * len(weights)
    for _ in range(total):
        out[rng.choices(range(len(weights)), weights)[0]] += 1
    return out


def figures(rng: Random, big: bool = True, channels=(3, 1, 6, 2), old: bool = False,
            received: Optional[int] = None) -> dict:
    """Consistent figures keyed by vocabulary key (plus a few extra names)."""
    f: dict = {}
    n = rng.randint(900, 3800) if big else rng.randint(60, 480)
    f["proactive_published"] = n
    f["proactive_full_text_electronic"] = n - rng.randint(0, n // 12)
    f["proactive_normative_documents"] = rng.randint(3, 28) if big else rng.randint(0, 4)
    f["normative_documents_issued"] = f["proactive_normative_documents"] + rng.randint(0, 2)
    f["channel_gazette"] = rng.randint(10, n // 10) if big else 0
    f["channel_website"] = n - rng.randint(0, n // 15)
    f["channel_weibo"] = rng.randint(n // 6, n // 2)
    f["channel_wechat"] = rng.randint(n // 8, n // 2)
    f["channel_other"] = rng.randint(0, n // 12)
    f["hotspot_responses"] = rng.randint(3, 36) if big else rng.randint(0, 5)
    f["press_conferences"] = rng.randint(2, 14) if big else rng.randint(0, 2)
    f["press_conferences_principal"] = rng.randint(0, f["press_conferences"])
    f["online_interviews"] = rng.randint(1, 10) if big else rng.randint(0, 2)
    f["online_interviews_principal"] = rng.randint(0, f["online_interviews"])
    f["policy_interpretations"] = rng.randint(6, 75) if big else rng.randint(0, 8)
    f["microblog_wechat_responses"] = rng.randint(4, 90) if big else rng.randint(0, 6)
    f["other_responses"] = rng.randint(0, 18) if big else 0
    f["website_visits"] = rng.randint(20000, 380000) if big else rng.randint(800, 9000)
    f["onsite_visitors"] = rng.randint(40, 900) if big else rng.randint(0, 60)
    recv = received if received is not None else (rng.randint(9, 80) if big else rng.randint(1, 9))
    ch = alloc(rng, recv, list(channels))
    for k, v in zip(("applications_in_person", "applications_fax", "applications_online", "applications_letter",
                     "applications_email", "applications_other_channel"), ch + [0] * (6 - len(ch))):
        f[k] = v
    f["applications_received"] = recv
    done = recv - (rng.randint(0, min(3, recv // 4)) if recv >= 4 else 0)
    f["applications_completed"] = done
    f["completed_extended"] = rng.randint(0, done // 6)
    f["completed_on_time"] = done - f["completed_extended"]
    f["replies_total"] = done
    if old:
        g, p, r = alloc(rng, done, [6, 1.5, 2.5])
        f["replies_granted"], f["replies_partially_granted"], f["replies_refused"] = g, p, r
        reasons = alloc(rng, r, [1, 2.5, 2, 1, 0.6, 0.6, 1, 0.3, 0.6, 1])
        for k, v in zip(("refused_not_government_information", "replies_not_exist", "replies_not_this_agency",
                         "replies_unclear", "refused_state_secret", "refused_commercial_secret", "refused_privacy",
                         "refused_security_stability", "refused_law_prohibited", "replies_other_reasons"), reasons):
            f[k] = v
    else:
        kinds = alloc(rng, done, [3, 6, 2, 1.6, 2, 2, 0.6, 0.8])
        for k, v in zip(("replies_already_public", "replies_granted", "replies_partially_granted", "replies_refused",
                         "replies_not_this_agency", "replies_not_exist", "replies_told_to_amend",
                         "replies_other_route"), kinds):
            f[k] = v
        reasons = alloc(rng, f["replies_refused"], [1, 1, 2, 0.5, 0.8, 1])
        for k, v in zip(("refused_state_secret", "refused_commercial_secret", "refused_privacy",
                         "refused_security_stability", "refused_not_government_information",
                         "refused_law_prohibited"), reasons):
            f[k] = v
    rv = rng.randint(0, 4) if big else 0
    f["review_total"] = rv
    f["review_upheld"], f["review_corrected"], f["review_other"] = alloc(rng, rv, [5, 1, 1])
    lt = rng.randint(0, 3) if big else 0
    f["litigation_total"] = lt
    f["litigation_upheld"], f["litigation_corrected"], f["litigation_other"] = alloc(rng, lt, [5, 1, 1])
    f["complaints_total"] = rng.randint(0, 4) if big else 0
    f["fees_charged"] = 0 if rng.random() < 0.5 else round(rng.uniform(0.01, 0.35), 2)
    f["fees_waived"] = 0
    f["disclosure_offices"] = 1
    f["reading_points"] = rng.randint(2, 30) if big else 1
    f["staff_full_time"] = rng.randint(1, 5) if big else rng.randint(0, 1)
    f["staff_part_time"] = rng.randint(2, 40) if big else rng.randint(1, 3)
    f["staff_total"] = f["staff_full_time"] + f["staff_part_time"]
    f["funding"] = round(rng.uniform(2, 30), 1) if big else round(rng.uniform(0.2, 1.5), 1)
    f["meetings"] = rng.randint(2, 12) if big else rng.randint(1, 3)
    f["trainings"] = rng.randint(1, 8) if big else rng.randint(0, 2)
    f["training_attendees"] = rng.randint(60, 900) if big else rng.randint(0, 40)
    f["x_catalogue_updates"] = rng.randint(2, 12)
    return f


def fill(rows: list[Row], cols: list[dict], over: dict | None = None) -> None:
    """Printed strings from one figure dict per column; `over` maps (label or key, column
    index) to a printed string (blank, —, /, a wrong number)."""
    over = over or {}
    for r in rows:
        if r.group:
            continue
        r.printed = []
        for ci, f in enumerate(cols):
            name = r.key or r.fig
            hit = next((over[k] for k in ((r.label, ci), (name, ci)) if k in over), None)
            r.printed.append(hit if hit is not None else fmt(f[name]))


# ====================================================================== tables

def R(depth, label, key, unit=None, fig=None):
    return Row(depth, label, key, unit, fig=fig)


def G(depth, label):
    return Row(depth, label, None, group=True)


def rows_old(unit=True, email=False) -> list[Row]:
    """The 2008-2013 table (指标名称 / 计量单位 / 本年度), flat labels."""
    u = (lambda s: s) if unit else (lambda s: None)
    rows = [
        R(0, "主动公开政府信息数", "proactive_published", u("条")),
        R(1, "其中：全文电子化主动公开政府信息数", "proactive_full_text_electronic", u("条")),
        R(0, "申请总数", "applications_received", u("件")),
        R(1, "其中：1.当面申请数", "applications_in_person", u("件")),
        R(1, "2.传真申请数", "applications_fax", u("件")),
        R(1, "3.网上申请数", "applications_online", u("件")),
        R(1, "4.信函申请数", "applications_letter", u("件")),
    ]
    if email:
        rows += [R(1, "5.电子邮件申请数", "applications_email", u("件")),
                 R(1, "6.其他形式申请数", "applications_other_channel", u("件"))]
    rows += [
        R(0, "对申请的答复总数", "replies_total", u("件")),
        R(1, "其中：1.同意公开答复数", "replies_granted", u("件")),
        R(1, "2.同意部分公开答复数", "replies_partially_granted", u("件")),
        R(1, "3.否决公开答复总数", "replies_refused", u("件")),
        R(2, "（1）非政府信息", "refused_not_government_information", u("件")),
        R(2, "（2）信息不存在", "replies_not_exist", u("件")),
        R(2, "（3）非本部门掌握", "replies_not_this_agency", u("件")),
        R(2, "（4）申请内容不明确", "replies_unclear", u("件")),
        R(2, "（5）涉及国家秘密", "refused_state_secret", u("件")),
        R(2, "（6）涉及商业秘密", "refused_commercial_secret", u("件")),
        R(2, "（7）涉及个人隐私", "refused_privacy", u("件")),
        R(2, "（8）危及国家安全、公共安全、经济安全和社会稳定", "refused_security_stability", u("件")),
        R(2, "（9）其他法律法规禁止公开", "refused_law_prohibited", u("件")),
        R(2, "（10）其它原因", "replies_other_reasons", u("件")),
        R(0, "行政复议数", "review_total", u("件")),
        R(0, "行政诉讼数", "litigation_total", u("件")),
        R(0, "申诉数", "complaints_total", u("件")),
        R(0, "依申请提供政府信息收取的费用", "fees_charged", u("万元")),
        R(0, "政府信息公开工作专门机构数", "disclosure_offices", u("个")),
        R(0, "设置政府信息公开查阅点数", "reading_points", u("个")),
        R(0, "接待公众查阅咨询人数", "onsite_visitors", u("人次")),
        R(0, "从事政府信息公开工作人员数", "staff_total", u("人")),
        R(1, "其中：专职人员数", "staff_full_time", u("人")),
        R(1, "兼职人员数", "staff_part_time", u("人")),
        R(0, "政府信息公开专项经费", "funding", u("万元")),
        R(0, "召开政府信息公开工作会议数", "meetings", u("次")),
        R(0, "举办培训班数", "trainings", u("次")),
        R(0, "接受培训人员数", "training_attendees", u("人次")),
        R(0, "政府信息公开指南和目录更新次数", None, u("次"), fig="x_catalogue_updates"),
    ]
    return rows


def rows_cumulative() -> list[Row]:
    """A 2011-2012 county table with headed groups and 本年度 / 历年累计."""
    return [
        G(0, "一、主动公开情况"),
        R(1, "主动公开信息数", "proactive_published", "条"),
        R(2, "其中：全文电子化信息数", "proactive_full_text_electronic", "条"),
        G(0, "二、依申请公开情况"),
        R(1, "受理申请总数", "applications_received", "件"),
        R(2, "其中：1.当面申请数", "applications_in_person", "件"),
        R(2, "2.传真申请数", "applications_fax", "件"),
        R(2, "3.网上申请数", "applications_online", "件"),
        R(2, "4.信函申请数", "applications_letter", "件"),
        R(2, "5.电子邮件申请数", "applications_email", "件"),
        R(1, "对申请的答复数", "replies_total", "件"),
        R(2, "其中：1.同意公开答复数", "replies_granted", "件"),
        R(2, "2.同意部分公开答复数", "replies_partially_granted", "件"),
        R(2, "3.不予公开答复数", "replies_refused", "件"),
        R(3, "（1）涉及国家秘密", "refused_state_secret", "件"),
        R(3, "（2）涉及商业秘密", "refused_commercial_secret", "件"),
        R(3, "（3）涉及个人隐私", "refused_privacy", "件"),
        R(3, "（4）非政府信息", "refused_not_government_information", "件"),
        R(3, "（5）信息不存在", "replies_not_exist", "件"),
        R(3, "（6）非本部门掌握", "replies_not_this_agency", "件"),
        R(3, "（7）申请内容不明确", "replies_unclear", "件"),
        R(3, "（8）其他原因", "replies_other_reasons", "件"),
        G(0, "三、行政复议、行政诉讼和申诉情况"),
        R(1, "行政复议数", "review_total", "件"),
        R(1, "行政诉讼数", "litigation_total", "件"),
        R(1, "申诉数", "complaints_total", "件"),
        G(0, "四、收费情况"),
        R(1, "收取费用", "fees_charged", "万元"),
        R(1, "减免费用", "fees_waived", "万元"),
        G(0, "五、机构建设和保障经费情况"),
        R(1, "工作机构数", "disclosure_offices", "个"),
        R(1, "工作人员数", "staff_total", "人"),
        R(2, "其中：专职人员", "staff_full_time", "人"),
        R(2, "兼职人员", "staff_part_time", "人"),
        R(1, "专项经费", "funding", "万元"),
        G(0, "六、会议和培训情况"),
        R(1, "召开工作会议数", "meetings", "次"),
        R(1, "举办培训班数", "trainings", "次"),
        R(1, "培训人次", "training_attendees", "人次"),
    ]


def rows_national(review_heading=True) -> list[Row]:
    """The national-style table of 2014-2018 (国办 format): nine headed groups."""
    rows = [
        G(0, "一、主动公开情况"),
        R(1, "（一）主动公开政府信息数\n（不同渠道和方式公开相同信息计1条）", "proactive_published", "条"),
        R(2, "其中：主动公开规范性文件数", "proactive_normative_documents", "条"),
        R(2, "制发规范性文件总数", "normative_documents_issued", "件"),
        G(1, "（二）通过不同渠道和方式公开政府信息的情况"),
        R(2, "1.政府公报公开政府信息数", "channel_gazette", "条"),
        R(2, "2.政府网站公开政府信息数", "channel_website", "条"),
        R(2, "3.政务微博公开政府信息数", "channel_weibo", "条"),
        R(2, "4.政务微信公开政府信息数", "channel_wechat", "条"),
        R(2, "5.其他方式公开政府信息数", "channel_other", "条"),
        G(0, "二、回应解读情况"),
        R(1, "（一）回应公众关注热点或重大舆情数\n（不同方式回应同一热点或舆情计1次）", "hotspot_responses", "次"),
        G(1, "（二）通过不同渠道和方式回应解读的情况"),
        R(2, "1.参加或举办新闻发布会总次数", "press_conferences", "次"),
        R(3, "其中：主要负责同志参加新闻发布会次数", "press_conferences_principal", "次"),
        R(2, "2.政府网站在线访谈次数", "online_interviews", "次"),
        R(3, "其中：主要负责同志参加政府网站在线访谈次数", "online_interviews_principal", "次"),
        R(2, "3.政策解读稿件发布数", "policy_interpretations", "篇"),
        R(2, "4.微博微信回应事件数", "microblog_wechat_responses", "次"),
        R(2, "5.其他方式回应事件数", "other_responses", "次"),
        G(0, "三、依申请公开情况"),
        R(1, "（一）收到申请数", "applications_received", "件"),
        R(2, "1.当面申请数", "applications_in_person", "件"),
        R(2, "2.传真申请数", "applications_fax", "件"),
        R(2, "3.网络申请数", "applications_online", "件"),
        R(2, "4.信函申请数", "applications_letter", "件"),
        R(1, "（二）申请办结数", "applications_completed", "件"),
        R(2, "1.按时办结数", "completed_on_time", "件"),
        R(2, "2.延期办结数", "completed_extended", "件"),
        R(1, "（三）申请答复数", "replies_total", "件"),
        R(2, "1.属于已主动公开范围数", "replies_already_public", "件"),
        R(2, "2.同意公开答复数", "replies_granted", "件"),
        R(2, "3.同意部分公开答复数", "replies_partially_granted", "件"),
        R(2, "4.不同意公开答复数", "replies_refused", "件"),
        R(3, "其中：涉及国家秘密", "refused_state_secret", "件"),
        R(3, "涉及商业秘密", "refused_commercial_secret", "件"),
        R(3, "涉及个人隐私", "refused_privacy", "件"),
        R(3, "危及国家安全、公共安全、经济安全和社会稳定", "refused_security_stability", "件"),
        R(3, "不是《条例》所指政府信息", "refused_not_government_information", "件"),
        R(3, "法律法规规定的其他情形", "refused_law_prohibited", "件"),
        R(2, "5.不属于本行政机关公开数", "replies_not_this_agency", "件"),
        R(2, "6.申请信息不存在数", "replies_not_exist", "件"),
        R(2, "7.告知作出更改补充数", "replies_told_to_amend", "件"),
        R(2, "8.告知通过其他途径办理数", "replies_other_route", "件"),
        R(0, "四、行政复议数量", "review_total", "件"),
        R(1, "（一）维持具体行政行为数", "review_upheld", "件"),
        R(1, "（二）被依法纠错数", "review_corrected", "件"),
        R(1, "（三）其他情形数", "review_other", "件"),
        R(0, "五、行政诉讼数量", "litigation_total", "件"),
        R(1, "（一）维持具体行政行为或者驳回原告诉讼请求数", "litigation_upheld", "件"),
        R(1, "（二）被依法纠错数", "litigation_corrected", "件"),
        R(1, "（三）其他情形数", "litigation_other", "件"),
        R(0, "六、举报投诉数量", "complaints_total", "件"),
        R(0, "七、依申请公开信息收取的费用", "fees_charged", "万元"),
        G(0, "八、机构建设和保障经费情况"),
        R(1, "（一）政府信息公开工作专门机构数", "disclosure_offices", "个"),
        R(1, "（二）设置政府信息公开查阅点数", "reading_points", "个"),
        R(1, "（三）从事政府信息公开工作人员数", "staff_total", "人"),
        R(2, "1.专职人员数（不包括政府公报及政府网站工作人员数）", "staff_full_time", "人"),
        R(2, "2.兼职人员数", "staff_part_time", "人"),
        R(1, "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）",
          "funding", "万元"),
        G(0, "九、政府信息公开会议和培训情况"),
        R(1, "（一）召开政府信息公开工作会议或专题会议数", "meetings", "次"),
        R(1, "（二）举办各类培训班数", "trainings", "次"),
        R(1, "（三）接受培训人员数", "training_attendees", "人次"),
    ]
    return rows


def rows_category() -> list[Row]:
    """The national indicators under a category column (rowspan) as a county web page
    prints them: 四、行政复议 holds its total as a row of its own."""
    out = []
    for r in rows_national():
        if r.key == "review_total":
            out += [G(0, "四、行政复议"), R(1, "行政复议数量", "review_total", "件")]
        elif r.key == "litigation_total":
            out += [G(0, "五、行政诉讼"), R(1, "行政诉讼数量", "litigation_total", "件")]
        elif r.key in ("review_upheld", "review_corrected", "review_other",
                       "litigation_upheld", "litigation_corrected", "litigation_other"):
            lab = re.sub(r"^（[一二三]）", "", r.label)
            if r.key.endswith("upheld"):
                lab = "其中：" + lab
            out.append(R(2, lab, r.key, "件"))
        elif r.key == "complaints_total":
            out += [G(0, "六、举报投诉"), R(1, "举报投诉数量", "complaints_total", "件")]
        elif r.key == "fees_charged":
            out += [G(0, "七、收费情况"), R(1, "依申请公开信息收取的费用", "fees_charged", "万元")]
        else:
            out.append(r)
    return out


def rows_serial() -> list[Row]:
    rows = [
        R(0, "主动公开政府信息数", "proactive_published", "条"),
        R(1, "其中：全文电子化", "proactive_full_text_electronic", "条"),
        R(1, "主动公开规范性文件数", "proactive_normative_documents", "件"),
        R(0, "收到申请数", "applications_received", "件"),
        R(1, "其中：当面申请", "applications_in_person", "件"),
        R(1, "传真申请", "applications_fax", "件"),
        R(1, "网络申请", "applications_online", "件"),
        R(1, "信函申请", "applications_letter", "件"),
        R(0, "申请办结数", "applications_completed", "件"),
        R(1, "其中：按时办结数", "completed_on_time", "件"),
        R(1, "延期办结数", "completed_extended", "件"),
        R(0, "申请答复数", "replies_total", "件"),
        R(1, "其中：属于已主动公开范围数", "replies_already_public", "件"),
        R(1, "同意公开答复数", "replies_granted", "件"),
        R(1, "同意部分公开答复数", "replies_partially_granted", "件"),
        R(1, "不同意公开答复数", "replies_refused", "件"),
        R(1, "不属于本行政机关公开数", "replies_not_this_agency", "件"),
        R(1, "申请信息不存在数", "replies_not_exist", "件"),
        R(1, "告知作出更改补充数", "replies_told_to_amend", "件"),
        R(1, "告知通过其他途径办理数", "replies_other_route", "件"),
        R(0, "行政复议数", "review_total", "件"),
        R(0, "行政诉讼数", "litigation_total", "件"),
        R(0, "举报投诉数", "complaints_total", "件"),
        R(0, "收取费用", "fees_charged", "万元"),
        R(0, "专项经费", "funding", "万元"),
        R(0, "工作人员数", "staff_total", "人"),
        R(1, "其中：专职", "staff_full_time", "人"),
        R(1, "兼职", "staff_part_time", "人"),
        R(0, "培训班数", "trainings", "次"),
        R(0, "培训人次", "training_attendees", "人次"),
        R(0, "政府网站信息公开专栏访问量", "website_visits", "人次"),
    ]
    for i, r in enumerate(rows, 1):
        r.serial = str(i)
    return rows


def rows_levels() -> list[Row]:
    """Unit folded into the label, no unit column (values by level)."""
    return [
        G(0, "一、主动公开情况"),
        R(1, "主动公开政府信息数（条）", "proactive_published"),
        R(2, "其中：主动公开规范性文件数（件）", "proactive_normative_documents"),
        R(1, "政府网站公开政府信息数（条）", "channel_website"),
        R(1, "政务微博公开政府信息数（条）", "channel_weibo"),
        R(1, "政务微信公开政府信息数（条）", "channel_wechat"),
        G(0, "二、回应解读情况"),
        R(1, "回应公众关注热点或重大舆情数（次）", "hotspot_responses"),
        R(1, "政策解读稿件发布数（篇）", "policy_interpretations"),
        G(0, "三、依申请公开情况"),
        R(1, "收到申请数（件）", "applications_received"),
        R(2, "其中：当面申请数（件）", "applications_in_person"),
        R(2, "网络申请数（件）", "applications_online"),
        R(2, "信函申请数（件）", "applications_letter"),
        R(1, "申请答复数（件）", "replies_total"),
        R(2, "其中：属于已主动公开范围数（件）", "replies_already_public"),
        R(2, "同意公开答复数（件）", "replies_granted"),
        R(2, "同意部分公开答复数（件）", "replies_partially_granted"),
        R(2, "不同意公开答复数（件）", "replies_refused"),
        R(2, "不属于本行政机关公开数（件）", "replies_not_this_agency"),
        R(2, "申请信息不存在数（件）", "replies_not_exist"),
        R(2, "告知作出更改补充数（件）", "replies_told_to_amend"),
        R(2, "告知通过其他途径办理数（件）", "replies_other_route"),
        G(0, "四、行政复议、行政诉讼及举报投诉情况"),
        R(1, "行政复议数量（件）", "review_total"),
        R(1, "行政诉讼数量（件）", "litigation_total"),
        R(1, "举报投诉数量（件）", "complaints_total"),
        G(0, "五、收费、机构和经费情况"),
        R(1, "依申请公开信息收取的费用（万元）", "fees_charged"),
        R(1, "从事政府信息公开工作人员数（人）", "staff_total"),
        R(1, "政府信息公开专项经费（万元）", "funding"),
    ]


def rows_unit_header() -> list[Row]:
    """Applications only, all counted in 件 (the unit in the column header)."""
    return [
        R(0, "一、收到申请数", "applications_received"),
        R(1, "其中：当面申请", "applications_in_person"),
        R(1, "传真申请", "applications_fax"),
        R(1, "网络申请", "applications_online"),
        R(1, "信函申请", "applications_letter"),
        R(0, "二、申请办结数", "applications_completed"),
        R(1, "其中：按时办结", "completed_on_time"),
        R(1, "延期办结", "completed_extended"),
        R(0, "三、申请答复数", "replies_total"),
        R(1, "（一）属于已主动公开范围", "replies_already_public"),
        R(1, "（二）同意公开", "replies_granted"),
        R(1, "（三）同意部分公开", "replies_partially_granted"),
        R(1, "（四）不同意公开", "replies_refused"),
        R(1, "（五）不属于本行政机关公开", "replies_not_this_agency"),
        R(1, "（六）申请信息不存在", "replies_not_exist"),
        R(1, "（七）告知作出更改补充", "replies_told_to_amend"),
        R(1, "（八）告知通过其他途径办理", "replies_other_route"),
        R(0, "四、行政复议数", "review_total"),
        R(1, "其中：维持具体行政行为数", "review_upheld"),
        R(1, "被依法纠错数", "review_corrected"),
        R(1, "其他情形数", "review_other"),
        R(0, "五、行政诉讼数", "litigation_total"),
        R(1, "其中：维持具体行政行为或者驳回原告诉讼请求数", "litigation_upheld"),
        R(1, "被依法纠错数", "litigation_corrected"),
        R(1, "其他情形数", "litigation_other"),
        R(0, "六、举报投诉数", "complaints_total"),
    ]


# ====================================================================== prose

def intro(agency: str, year: int, rng: Random, parts: str, site: str) -> list[str]:
    tel = f"0{rng.randint(510, 899)}-{rng.randint(2000000, 8999999)}"
    return [
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）的要求，由{agency}编制。"
        f"全文包括{parts}。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
        f"本报告的电子版可在“{site}”下载。如对本报告有任何疑问，请与{agency}办公室联系"
        f"（电话：{tel}）。"
    ]


ONE = [
    "{year}年，{agency}认真贯彻落实《条例》和上级关于政府信息公开工作的部署，坚持“公开为原则、不公开为例外”，"
    "把政府信息公开作为建设法治政府、服务型政府的重要抓手，进一步健全工作机制，规范公开程序，拓宽公开渠道。",
    "调整充实了政府信息公开工作领导小组，由分管领导任组长，办公室具体负责日常工作，各科室（单位）明确一名信息员，"
    "形成了主要领导亲自抓、分管领导具体抓、职能科室协同配合的工作格局。",
    "修订完善了政府信息公开指南和政府信息公开目录，建立健全了主动公开、依申请公开、保密审查、考核评议和责任追究等制度。",
]
PROBLEMS = [
    "{year}年，我单位政府信息公开工作取得了一定成效，但也存在一些不足：一是公开内容不够全面，部分信息更新不够及时；"
    "二是公开形式还比较单一，与群众的互动有待加强；三是工作人员业务水平有待进一步提高。",
    "下一步，我们将进一步加强组织领导，完善工作制度，加大重点领域信息公开力度，加强业务培训，"
    "不断提高政府信息公开工作的质量和水平。",
]


def sign(doc: Doc) -> list[str]:
    return [doc.agency, f"{doc.year + 1}年{1 + doc.seed % 3}月{5 + doc.seed % 20}日"]


def yuan(v) -> str:
    return fmt(v)


# ====================================================================== documents


def doc_p2010(name="p2010-basic-01", kind="pdf") -> Doc:
    rng = Random(2010)
    agency, year = "云川市教育局", 2010
    f = figures(rng, big=True, old=True, received=23)
    rows = rows_old()
    fill(rows, [f], {("applications_fax", 0): ""})
    hs = ["一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况", "四、政府信息公开的收费及减免情况",
          "五、因政府信息公开申请行政复议、提起行政诉讼的情况", "六、存在的主要问题和改进措施", "七、其他需要报告的事项"]
    prose = {
        "intro": intro(agency, year, rng, "概述，主动公开政府信息情况，依申请公开政府信息情况，政府信息公开的收费及减免情况，"
                       "因政府信息公开申请行政复议、提起行政诉讼的情况，存在的主要问题和改进措施，其他需要报告的事项",
                       "云川市人民政府门户网站"),
        0: [ONE[0].format(year=year, agency=agency), ONE[1]],
        1: [f"{year}年，我局全年主动公开政府信息{f['proactive_published']}条，其中全文电子化"
            f"{f['proactive_full_text_electronic']}条。公开的内容主要包括机构职能、政策法规、规划计划、教育经费使用、"
            "招生考试、学校收费、人事任免等。",
            "公开形式以云川市教育信息网为主，同时通过市档案馆、市图书馆和局机关政务公开栏等场所提供查阅服务。"],
        2: [f"全年共受理政府信息公开申请{f['applications_received']}件，其中当面申请{f['applications_in_person']}件，"
            f"网上申请{f['applications_online']}件，信函申请{f['applications_letter']}件。已答复"
            f"{f['replies_total']}件，其中同意公开{f['replies_granted']}件，同意部分公开"
            f"{f['replies_partially_granted']}件，不予公开{f['replies_refused']}件（主要为申请的信息不存在或不属于本机关掌握）。"],
        3: ["我局依申请提供政府信息，除按规定收取检索、复制、邮寄等成本费用外，未收取其他费用。"
            + ("全年未收取任何费用。" if not f["fees_charged"] else f"全年共收取费用{yuan(f['fees_charged'])}万元。")],
        4: [f"{year}年，我局因政府信息公开申请被提起行政复议{f['review_total']}件，提起行政诉讼"
            f"{f['litigation_total']}件。" if f["review_total"] or f["litigation_total"] else
            f"{year}年，我局未发生因政府信息公开申请行政复议、提起行政诉讼的情况。"],
        5: [p.format(year=year) for p in PROBLEMS],
        6: ["无。"],
    }
    t = Table(["附表", f"{agency}{year}年政府信息公开情况统计表"], "指标名称", [("本年度",)], rows, indent=False)
    return Doc(name, kind, agency, year, 2010, hs, [f"{agency}{year}年政府信息公开工作年度报告"], t, prose)


def doc_p2012_cum(name="p2012-cumulative-split-01") -> Doc:
    rng = Random(2012)
    agency, year = "临江县人民政府", 2012
    f = figures(rng, big=True, old=True, channels=(3, 1, 5, 2, 1), received=31)
    prior = figures(Random(20120), big=True, old=True, channels=(3, 1, 5, 2, 1), received=58)
    cum = {k: (v + prior[k] if isinstance(v, int) else round(v + prior[k], 2)) for k, v in f.items()}
    rows = rows_cumulative()
    over = {(k, 1): "—" for k in ("disclosure_offices", "staff_total", "staff_full_time", "staff_part_time")}
    over[("fees_waived", 0)] = over[("fees_waived", 1)] = "/"
    fill(rows, [f, cum], over)
    hs = ["一、概述", "二、主动公开政府信息的情况", "三、依申请公开政府信息和不予公开政府信息的情况",
          "四、政府信息公开的收费及减免情况", "五、因政府信息公开申请提起行政复议、行政诉讼的情况",
          "六、政府信息公开工作存在的主要问题及改进情况", "七、其他需要报告的事项"]
    prose = {
        "intro": intro(agency, year, rng, "概述、主动公开政府信息的情况、依申请公开政府信息和不予公开政府信息的情况、"
                       "政府信息公开的收费及减免情况、因政府信息公开申请提起行政复议、行政诉讼的情况、"
                       "政府信息公开工作存在的主要问题及改进情况、其他需要报告的事项，并附统计表",
                       "临江县人民政府网（www.linjiang.gov.cn）"),
        0: [ONE[0].format(year=year, agency="县政府"), ONE[2],
            "（一）加强组织领导。县政府召开常务会议专题研究政府信息公开工作，将其纳入各乡镇、各部门年度目标考核。",
            "（二）完善公开平台。对县政府网站信息公开专栏进行改版，增设了财政预决算、“三公”经费、保障性住房等专题栏目。"],
        1: [f"{year}年全县共主动公开政府信息{f['proactive_published']}条，其中全文电子化"
            f"{f['proactive_full_text_electronic']}条；自《条例》施行以来累计主动公开政府信息"
            f"{cum['proactive_published']}条。",
            "主动公开的信息主要包括：县政府文件、规划计划、财政预决算、行政审批事项、重大建设项目、"
            "征地拆迁、社会救助、人事任免、突发公共事件应对等。"],
        2: [f"{year}年共受理政府信息公开申请{f['applications_received']}件，全部按期答复。其中同意公开"
            f"{f['replies_granted']}件，同意部分公开{f['replies_partially_granted']}件，不予公开"
            f"{f['replies_refused']}件。申请内容主要涉及征地补偿、房屋拆迁、社会保障等方面。"],
        3: ["全年依申请公开政府信息未收取任何费用。" if not f["fees_charged"] else
            f"全年依申请公开政府信息共收取复制费{yuan(f['fees_charged'])}万元，无减免情况。"],
        4: [f"全年因政府信息公开申请提起行政复议{f['review_total']}件，提起行政诉讼{f['litigation_total']}件，"
            f"申诉{f['complaints_total']}件。"],
        5: [p.format(year=year) for p in PROBLEMS] + [
            "（一）进一步深化公开内容。围绕群众关心的热点问题，加大财政预决算、保障性住房等重点领域信息公开力度。",
            "（二）进一步规范依申请公开工作。严格按照法定时限答复，完善登记、审核、答复、归档等环节。",
            "（三）进一步加强监督检查。"],
        6: ["无其他需要报告的事项。"],
    }
    t = Table(["附件", f"{agency}{year}年政府信息公开工作情况统计表"], "指标名称",
              [("本年度",), ("历年累计",)], rows, repeat_header=True, new_page=False)
    return Doc(name, "pdf", agency, year, 2012, hs, [agency, f"{year}年政府信息公开工作年度报告"], t, prose)


def doc_p2013_error() -> Doc:
    rng = Random(2013)
    agency, year = "南岭市国土资源局", 2013
    f = figures(rng, big=True, old=True, channels=(2, 0, 3, 1), received=6)
    # Answered: 4 granted, 1 partly; printed total 6 (the agency counted an application carried over).
    f.update(replies_granted=4, replies_partially_granted=1, replies_refused=0, replies_total=5)
    for k in ("refused_not_government_information", "replies_not_exist", "replies_not_this_agency", "replies_unclear",
              "refused_state_secret", "refused_commercial_secret", "refused_privacy", "refused_security_stability",
              "refused_law_prohibited", "replies_other_reasons"):
        f[k] = 0
    rows = [r for r in rows_old() if r.key != "onsite_visitors" and r.fig is None]
    fill(rows, [f], {("replies_total", 0): "6", ("fees_charged", 0): "0", ("review_total", 0): "—",
                     ("litigation_total", 0): "—", ("complaints_total", 0): "—"})
    hs = ["一、基本情况", "二、主动公开情况", "三、依申请公开情况", "四、行政复议、行政诉讼和申诉情况",
          "五、收费及减免情况", "六、存在的问题和改进措施"]
    prose = {
        "intro": [f"根据《中华人民共和国政府信息公开条例》规定，现公布{agency}{year}年度政府信息公开工作年度报告。"
                  f"本报告统计数据的时限为{year}年1月1日至{year}年12月31日。"],
        0: [ONE[0].format(year=year, agency=agency), ONE[1]],
        1: [f"全年共主动公开政府信息{f['proactive_published']}条，其中全文电子化{f['proactive_full_text_electronic']}条。"
            "重点公开了土地利用总体规划、征地报批、建设用地审批、矿业权出让、地质灾害防治等信息。"],
        2: [f"全年共受理政府信息公开申请{f['applications_received']}件，其中当面申请{f['applications_in_person']}件，"
            f"网上申请{f['applications_online']}件，信函申请{f['applications_letter']}件。"
            f"已答复的申请中，同意公开4件，同意部分公开1件。"],
        3: ["全年未发生因政府信息公开申请提起行政复议、行政诉讼和申诉的情况。"],
        4: ["依申请提供政府信息未收取任何费用。"],
        5: [p.format(year=year) for p in PROBLEMS],
    }
    t = Table(["附表：", "政府信息公开工作情况统计表"], "指标名称", [("本年度",)], rows, unit_head="计量单位", indent=False)
    return Doc("p2013-error-replies-01", "pdf", agency, year, 2013, hs,
               [f"{agency}{year}年政府信息公开工作年度报告"], t, prose,
               findings=[{"rule": "indicators.parts_sum", "indicator": "replies_total"}])


def doc_p2014_serial() -> Doc:
    rng = Random(2014)
    agency, year = "东湖区人民政府", 2014
    f = figures(rng, big=True, received=42)
    rows = rows_serial()
    fill(rows, [f], {("fees_charged", 0): "/", ("applications_fax", 0): "/", ("completed_extended", 0): ""})
    f["completed_extended"] = None
    hs = ["一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况", "四、政府信息公开的收费及减免情况",
          "五、因政府信息公开申请行政复议、提起行政诉讼的情况", "六、存在的主要问题和改进措施", "七、其他需要报告的事项"]
    prose = {
        "intro": intro(agency, year, rng, "概述、主动公开政府信息情况、依申请公开政府信息情况、收费及减免情况、"
                       "行政复议和行政诉讼情况、存在的主要问题和改进措施、其他需要报告的事项",
                       "东湖区人民政府门户网站（www.donghu.gov.cn）"),
        0: [ONE[0].format(year=year, agency="区政府"), ONE[1], ONE[2]],
        1: [f"{year}年，区政府及区政府各部门共主动公开政府信息{f['proactive_published']}条，其中全文电子化"
            f"{f['proactive_full_text_electronic']}条，主动公开规范性文件{f['proactive_normative_documents']}件。",
            f"区政府门户网站信息公开专栏全年访问量达{f['website_visits']}人次。"],
        2: [f"全年共收到政府信息公开申请{f['applications_received']}件，办结{f['applications_completed']}件，"
            f"其中同意公开{f['replies_granted']}件，同意部分公开{f['replies_partially_granted']}件，"
            f"属于已主动公开范围{f['replies_already_public']}件，不同意公开{f['replies_refused']}件。"],
        3: ["依申请公开政府信息未收取任何费用。"],
        4: [f"全年因政府信息公开申请提起行政复议{f['review_total']}件、行政诉讼{f['litigation_total']}件。"],
        5: [p.format(year=year) for p in PROBLEMS],
        6: ["无。"],
    }
    t = Table([f"{agency}{year}年政府信息公开情况统计表"], "指标名称", [("数量",)], rows, unit_head="单位",
              serial_head="序号", indent=False)
    return Doc("p2014-serial-01", "pdf", agency, year, 2014, hs, [f"{agency}{year}年政府信息公开工作年度报告"], t, prose,
               sign_before_table=False)


NATIONAL_HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、重点领域信息公开情况", "四、回应解读情况",
                     "五、依申请公开情况", "六、政府信息公开的收费及减免情况",
                     "七、因政府信息公开申请提起行政复议、行政诉讼情况", "八、存在的主要问题及改进措施",
                     "九、其他需要报告的事项"]


def national_prose(agency, year, f, rng, site, who="我市") -> dict:
    return {
        "intro": intro(agency, year, rng, "总体情况、主动公开政府信息情况、重点领域信息公开情况、回应解读情况、"
                       "依申请公开情况、政府信息公开的收费及减免情况、因政府信息公开申请提起行政复议、行政诉讼情况、"
                       "存在的主要问题及改进措施、其他需要报告的事项，并附统计表", site),
        0: [ONE[0].format(year=year, agency=agency),
            f"（一）加强组织领导。调整了政府信息公开工作领导小组，召开政府信息公开工作会议{f['meetings']}次。",
            f"（二）加强培训。举办各类培训班{f['trainings']}次，培训{f['training_attendees']}人次。"],
        1: [f"{year}年{who}共主动公开政府信息{f['proactive_published']}条，其中主动公开规范性文件"
            f"{f['proactive_normative_documents']}条。通过政府网站公开政府信息{f['channel_website']}条，"
            f"政务微博公开{f['channel_weibo']}条，政务微信公开{f['channel_wechat']}条。"],
        2: ["围绕行政权力运行、财政资金、公共资源配置、重大建设项目、公共服务、国有企业、环境保护、食品药品安全、"
            "社会组织和中介机构等重点领域，细化公开内容，推进决策、执行、管理、服务、结果公开。"],
        3: [f"全年回应公众关注热点或重大舆情{f['hotspot_responses']}次，参加或举办新闻发布会{f['press_conferences']}次，"
            f"发布政策解读稿件{f['policy_interpretations']}篇。"],
        4: [f"全年共收到政府信息公开申请{f['applications_received']}件，办结{f['applications_completed']}件，"
            f"其中按时办结{f['completed_on_time']}件，延期办结{f['completed_extended']}件。在已答复的申请中，"
            f"属于已主动公开范围{f['replies_already_public']}件，同意公开{f['replies_granted']}件，同意部分公开"
            f"{f['replies_partially_granted']}件，不同意公开{f['replies_refused']}件，不属于本行政机关公开"
            f"{f['replies_not_this_agency']}件，申请信息不存在{f['replies_not_exist']}件，告知作出更改补充"
            f"{f['replies_told_to_amend']}件，告知通过其他途径办理{f['replies_other_route']}件。"],
        5: ["依申请公开政府信息未收取任何费用。" if not f["fees_charged"] else
            f"全年依申请公开政府信息收取检索、复制、邮寄等费用{yuan(f['fees_charged'])}万元。"],
        6: [f"全年因政府信息公开申请提起行政复议{f['review_total']}件，提起行政诉讼{f['litigation_total']}件，"
            f"收到举报投诉{f['complaints_total']}件。"],
        7: [p.format(year=year) for p in PROBLEMS],
        8: ["无其他需要报告的事项。"],
    }


def doc_p2016_national() -> Doc:
    rng = Random(2016)
    agency, year = "安平市人民政府办公室", 2016
    f = figures(rng, big=True, received=57)
    rows = rows_national()
    fill(rows, [f], {("channel_gazette", 0): "—", ("other_responses", 0): ""})
    prose = national_prose(agency, year, f, rng, "安平市人民政府门户网站（www.anping.gov.cn）")
    t = Table(["附件", f"{year}年政府信息公开工作情况统计表"], "统计指标", [("统计数",)], rows, unit_head="单位",
              group_style="dash")
    return Doc("p2016-national-split-01", "pdf", agency, year, 2016, NATIONAL_HEADINGS,
               [agency, f"{year}年政府信息公开工作年度报告"], t, prose)


def doc_p2017_levels() -> Doc:
    rng = Random(2017)
    agency, year = "青峰县人民政府", 2017
    levels = [figures(rng, big=True, channels=(3, 0, 6, 2), received=18),
              figures(rng, big=True, channels=(3, 0, 6, 2), received=26),
              figures(rng, big=False, channels=(3, 0, 6, 2), received=3)]
    rows = rows_levels()
    fill(rows, levels, {("channel_weibo", 2): "—", ("channel_wechat", 2): "—", ("policy_interpretations", 2): "—",
                        ("funding", 2): ""})
    tot = {k: sum(lv[k] for lv in levels) for k in ("proactive_published", "applications_received", "replies_granted",
                                                     "replies_partially_granted", "review_total", "litigation_total")}
    hs = ["一、总体情况", "二、主动公开政府信息情况", "三、回应解读情况", "四、依申请公开政府信息情况",
          "五、政府信息公开收费及减免情况", "六、因政府信息公开申请提起行政复议、行政诉讼情况",
          "七、存在的主要问题及改进措施", "八、其他需要报告的事项"]
    prose = {
        "intro": intro(agency, year, rng, "总体情况、主动公开政府信息情况、回应解读情况、依申请公开政府信息情况、"
                       "政府信息公开收费及减免情况、因政府信息公开申请提起行政复议、行政诉讼情况、存在的主要问题及改进措施、"
                       "其他需要报告的事项", "青峰县人民政府网"),
        0: [ONE[0].format(year=year, agency="县政府"), ONE[2]],
        1: [f"{year}年，全县共主动公开政府信息{tot['proactive_published']}条，其中县政府本级"
            f"{levels[0]['proactive_published']}条，县直部门{levels[1]['proactive_published']}条，乡镇"
            f"{levels[2]['proactive_published']}条。"],
        2: ["围绕县委、县政府重大决策部署和群众关注的热点问题，及时发布权威信息，做好政策解读。"],
        3: [f"全县共收到政府信息公开申请{tot['applications_received']}件，同意公开{tot['replies_granted']}件，"
            f"同意部分公开{tot['replies_partially_granted']}件，其余均依法作出答复。"],
        4: ["全县依申请公开政府信息均未收取费用。"],
        5: [f"全县因政府信息公开申请提起行政复议{tot['review_total']}件，提起行政诉讼{tot['litigation_total']}件。"],
        6: [p.format(year=year) for p in PROBLEMS],
        7: ["无。"],
    }
    for lv in levels:
        lv["fees_charged"] = 0
    fill(rows, levels, {("channel_weibo", 2): "—", ("channel_wechat", 2): "—", ("policy_interpretations", 2): "—",
                        ("funding", 2): ""})
    cols = [(f"{year}年度", "县政府本级"), (f"{year}年度", "县直部门"), (f"{year}年度", "乡镇（街道）")]
    t = Table([f"{agency}{year}年政府信息公开情况统计表"], "指标名称", cols, rows, unit_head=None, unit_of_label=True)
    return Doc("p2017-levels-01", "pdf", agency, year, 2017, hs, [f"{agency}{year}年政府信息公开工作年度报告"], t, prose)


def doc_p2018_unitheader() -> Doc:
    rng = Random(2018)
    agency, year = "江川市卫生和计划生育委员会", 2018
    f = figures(rng, big=True, received=35)
    rows = rows_unit_header()
    fill(rows, [f])
    hs = ["一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况", "四、政府信息公开收费及减免情况",
          "五、因政府信息公开申请提起行政复议、行政诉讼情况", "六、存在的主要问题及改进措施", "七、其他需要报告的事项"]
    prose = {
        "intro": intro(agency, year, rng, "概述、主动公开政府信息情况、依申请公开政府信息情况、政府信息公开收费及减免情况、"
                       "因政府信息公开申请提起行政复议、行政诉讼情况、存在的主要问题及改进措施、其他需要报告的事项",
                       "江川市卫生和计划生育委员会网站"),
        0: [ONE[0].format(year=year, agency=agency), ONE[1]],
        1: [f"全年共主动公开政府信息{f['proactive_published']}条，其中通过委网站公开{f['channel_website']}条，"
            f"通过“健康江川”政务微信公开{f['channel_wechat']}条；主动公开规范性文件"
            f"{f['proactive_normative_documents']}件。回应公众关注热点{f['hotspot_responses']}次，发布政策解读稿件"
            f"{f['policy_interpretations']}篇。",
            f"全年召开政府信息公开工作会议{f['meetings']}次，举办培训班{f['trainings']}次，培训"
            f"{f['training_attendees']}人次。委机关从事政府信息公开工作人员{f['staff_total']}人，其中专职"
            f"{f['staff_full_time']}人。"],
        2: [f"全年共收到政府信息公开申请{f['applications_received']}件，办结{f['applications_completed']}件。"
            f"具体情况见附表。"],
        3: ["全年未收取任何费用。"],
        4: [f"全年因政府信息公开申请提起行政复议{f['review_total']}件，提起行政诉讼{f['litigation_total']}件。"],
        5: [p.format(year=year) for p in PROBLEMS],
        6: ["无。"],
    }
    t = Table(["附表", "依申请公开政府信息情况统计表"], "项目", [("数量（单位：件）",)], rows, unit_head=None,
              header_unit="件", note="注：本表统计时限为2018年1月1日至2018年12月31日。")
    return Doc("p2018-unitheader-01", "pdf", agency, year, 2018, hs, [f"{agency}{year}年政府信息公开工作年度报告"], t, prose)


def doc_p2012_prose() -> Doc:
    agency, year = "白石镇人民政府", 2012
    rng = Random(20121)
    n = 86
    hs = ["一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况", "四、收费及减免情况",
          "五、行政复议和行政诉讼情况", "六、存在的不足和改进措施"]
    prose = {
        "intro": [f"本报告根据《中华人民共和国政府信息公开条例》要求，由{agency}编制，统计期限自{year}年1月1日起至"
                  f"{year}年12月31日止。"],
        0: [f"{year}年，我镇认真贯彻落实《条例》，成立了由镇长任组长的政府信息公开工作领导小组，"
            "明确党政办公室负责政府信息公开的日常工作，配备兼职工作人员2名。"],
        1: [f"全年共主动公开政府信息{n}条，主要包括镇政府工作报告、财政预决算、惠农补贴发放、低保、"
            "新农合、计划生育、村务公开等内容。公开方式以镇政务公开栏、村务公开栏和县政府网站乡镇专栏为主。"],
        2: [f"{year}年未收到政府信息公开申请。"],
        3: ["无。"],
        4: [f"{year}年未发生因政府信息公开申请提起行政复议和行政诉讼的情况。"],
        5: ["一是公开内容还不够全面；二是公开的及时性有待提高。下一步，我镇将进一步规范公开程序，丰富公开形式。"],
    }
    _ = rng
    return Doc("p2012-prose-township-01", "pdf", agency, year, 20121, hs,
               [f"{agency}{year}年政府信息公开工作年度报告"], None, prose)


def doc_html_gbk() -> Doc:
    rng = Random(2015)
    agency, year = "南岭市环境保护局", 2015
    f = figures(rng, big=True, received=14)
    rows = rows_category()
    fill(rows, [f], {("channel_gazette", 0): "/", ("press_conferences_principal", 0): "/",
                     ("online_interviews_principal", 0): "/"})
    prose = national_prose(agency, year, f, rng, "南岭市环境保护局网站", who="我局")
    t = Table([f"{agency}{year}年政府信息公开情况统计表"], "统计指标", [("统计数",)], rows, unit_head="单位",
              group_style="category")
    return Doc("html-p2015-gbk-national-01", "html", agency, year, 2015, NATIONAL_HEADINGS,
               [f"{agency}{year}年政府信息公开工作年度报告"], t, prose, html_style="gbk")


def doc_html_cms() -> Doc:
    rng = Random(2011)
    agency, year = "北塘区民政局", 2011
    f = figures(rng, big=True, old=True, channels=(5, 0, 2, 1), received=12)
    prior = figures(Random(20110), big=True, old=True, channels=(5, 0, 2, 1), received=9)
    cum = {k: (v + prior[k] if isinstance(v, int) else round(v + prior[k], 2)) for k, v in f.items()}
    rows = [r for r in rows_old() if r.fig is None]
    for r in rows:  # the 其中 sits in its own column: the labels do not print it
        r.label = r.label.replace("其中：", "")
    over = {(k, 1): "—" for k in ("disclosure_offices", "reading_points", "staff_total", "staff_full_time",
                                  "staff_part_time")}
    fill(rows, [f, cum], over)
    hs = ["一、概述", "二、主动公开政府信息的情况", "三、依申请公开政府信息的情况", "四、政府信息公开的收费及减免情况",
          "五、因政府信息公开申请提起行政复议、行政诉讼的情况", "六、存在的主要问题及改进措施", "七、其他需要报告的事项"]
    prose = {
        "intro": intro(agency, year, rng, "概述，主动公开政府信息的情况，依申请公开政府信息的情况，政府信息公开的收费及减免情况，"
                       "因政府信息公开申请提起行政复议、行政诉讼的情况，存在的主要问题及改进措施，其他需要报告的事项",
                       "北塘区政府网"),
        0: [ONE[0].format(year=year, agency=agency), ONE[1]],
        1: [f"{year}年，我局主动公开政府信息{f['proactive_published']}条，其中全文电子化"
            f"{f['proactive_full_text_electronic']}条，内容涵盖城乡低保、医疗救助、优抚安置、社会组织登记、"
            "婚姻登记、殡葬管理等。"],
        2: [f"全年共受理政府信息公开申请{f['applications_received']}件，均已答复。其中同意公开"
            f"{f['replies_granted']}件，同意部分公开{f['replies_partially_granted']}件，不予公开"
            f"{f['replies_refused']}件。"],
        3: ["未收取任何费用。" if not f["fees_charged"] else f"共收取复印费{yuan(f['fees_charged'])}万元。"],
        4: [f"因政府信息公开申请提起行政复议{f['review_total']}件，提起行政诉讼{f['litigation_total']}件。"],
        5: [p.format(year=year) for p in PROBLEMS],
        6: ["无。"],
    }
    cols = [("数量", "本年度"), ("数量", "历年累计")]
    t = Table(["附表", "政府信息公开情况统计表"], "指标名称", cols, rows, qizhong=True)
    return Doc("html-p2011-cms-cumulative-01", "html", agency, year, 2011, hs,
               [f"{agency}{year}年政府信息公开工作年度报告"], t, prose, html_style="cms")


def doc_html_prose() -> Doc:
    agency, year = "石桥街道办事处", 2009
    hs = ["一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息情况", "四、政府信息公开的收费及减免情况",
          "五、因政府信息公开申请提起行政复议、行政诉讼的情况", "六、存在的主要问题和改进措施"]
    prose = {
        "intro": [f"根据《中华人民共和国政府信息公开条例》的规定，现公布{agency}{year}年度政府信息公开工作年度报告。"
                  f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"],
        0: [f"{year}年，我街道按照区政府的统一部署，把政府信息公开工作列入重要议事日程，确定了党政办公室为政府信息公开工作"
            "机构，配备工作人员3名，编制了政府信息公开指南和目录。"],
        1: ["全年共主动公开政府信息214条，其中通过区政府网站街道专栏公开168条，通过社区公开栏公开46条。"
            "主要公开了街道机构职能、工作计划、社区建设、低保救助、劳动就业、计划生育等方面的信息。"],
        2: ["全年共受理政府信息公开申请3件，其中当面申请2件，信函申请1件。已全部按期答复，其中同意公开2件，"
            "同意部分公开1件。"],
        3: ["全年未收取任何费用。"],
        4: ["全年未发生因政府信息公开申请提起行政复议、行政诉讼的情况。"],
        5: ["一是工作人员对《条例》的理解还不够深入；二是信息公开的及时性有待提高。下一步将加强学习培训，完善工作机制。"],
    }
    return Doc("html-p2009-prose-01", "html", agency, year, 2009, hs,
               [f"{agency}{year}年政府信息公开工作年度报告"], None, prose, html_style="plain")


def doc_word_2011() -> Doc:
    rng = Random(20111)
    agency, year = "清河县财政局", 2011
    f = figures(rng, big=True, old=True, channels=(4, 1, 3, 2, 2, 1), received=17)
    rows = rows_old(email=True)
    fill(rows, [f])
    hs = ["一、概述", "二、主动公开政府信息的情况", "三、依申请公开政府信息和不予公开政府信息的情况",
          "四、政府信息公开的收费及减免情况", "五、因政府信息公开申请提起行政复议、行政诉讼的情况",
          "六、政府信息公开工作存在的主要问题及改进情况", "七、其他需要报告的事项"]
    prose = {
        "intro": intro(agency, year, rng, "概述、主动公开政府信息的情况、依申请公开政府信息和不予公开政府信息的情况、"
                       "政府信息公开的收费及减免情况、因政府信息公开申请提起行政复议、行政诉讼的情况、"
                       "政府信息公开工作存在的主要问题及改进情况、其他需要报告的事项", "清河县人民政府网站"),
        0: [ONE[0].format(year=year, agency=agency), ONE[2]],
        1: [f"{year}年，我局共主动公开政府信息{f['proactive_published']}条，其中全文电子化"
            f"{f['proactive_full_text_electronic']}条。重点公开了财政预算、决算报告，部门预算，“三公”经费，"
            "强农惠农资金发放等信息。"],
        2: [f"全年共受理政府信息公开申请{f['applications_received']}件，其中当面申请{f['applications_in_person']}件，"
            f"传真申请{f['applications_fax']}件，网上申请{f['applications_online']}件，信函申请"
            f"{f['applications_letter']}件，电子邮件申请{f['applications_email']}件。已答复{f['replies_total']}件，"
            f"其中同意公开{f['replies_granted']}件，同意部分公开{f['replies_partially_granted']}件，否决公开"
            f"{f['replies_refused']}件。"],
        3: ["未收取任何费用。" if not f["fees_charged"] else
            f"依申请提供政府信息共收取检索、复制等费用{yuan(f['fees_charged'])}万元。"],
        4: [f"全年因政府信息公开申请提起行政复议{f['review_total']}件，提起行政诉讼{f['litigation_total']}件。"],
        5: [p.format(year=year) for p in PROBLEMS],
        6: ["无。"],
    }
    t = Table(["附表", f"{agency}{year}年政府信息公开情况统计表"], "指标名称", [("本年度",)], rows, indent=True)
    return Doc("word-p2011-basic-01", "docx", agency, year, 20111, hs,
               [f"{agency}{year}年政府信息公开工作年度报告"], t, prose)


def doc_word_2018() -> Doc:
    rng = Random(20181)
    agency, year = "宁海市交通运输局", 2018
    f = figures(rng, big=True, received=24)
    p = figures(rng, big=True, received=19)
    rows = rows_national()
    fill(rows, [f, p], {("channel_gazette", 0): "0", ("channel_gazette", 1): "0"})
    prose = national_prose(agency, year, f, rng, "宁海市交通运输局网站", who="我局")
    t = Table([f"{agency}{year}年政府信息公开情况统计表"], "统计指标", [(f"{year}年",), (f"{year - 1}年",)], rows,
              unit_head="单位", group_style="merge")
    return Doc("word-p2018-national-01", "docx", agency, year, 20181, NATIONAL_HEADINGS,
               [agency, f"{year}年政府信息公开工作年度报告"], t, prose, sign_before_table=True)


def all_docs() -> list[Doc]:
    return [doc_p2010(), doc_p2012_cum(), doc_p2013_error(), doc_p2014_serial(), doc_p2016_national(),
            doc_p2017_levels(), doc_p2018_unitheader(), doc_p2012_prose(), doc_html_gbk(), doc_html_cms(),
            doc_html_prose(), doc_word_2011(), doc_word_2018()]


# Scans of digital PDFs (make_scans.py's degradations; small files).
SCANS = [
    dict(name="scan-p2010-basic-01", source="p2010-basic-01", seed=9010, format="pdf", dpi=200, color="gray",
         quality=40, skew=1.5, rotate={}, noise=5.0, blur=0.9, lighting=0.12, seals=["signature"], seal_text="curved"),
    dict(name="scan-p2016-national-split-01", source="p2016-national-split-01", seed=9016, format="pdf", dpi=150,
         color="gray", quality=45, skew=2.0, rotate={}, noise=5.0, blur=0.8, lighting=0.10, seals=["signature"],
         seal_text="curved+straight"),
    dict(name="scan-p2014-serial-01", source="p2014-serial-01", seed=9014, format="pdf", dpi=300, color="gray",
         quality=30, skew=1.0, rotate={}, noise=4.0, blur=1.0, lighting=0.08, seals=["signature"], seal_text="curved"),
]


# ====================================================================== layout (one grid for docx and html)

@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    kind: str = "label"  # head | label | unit | value | serial | group | qizhong | category
    indent: int = 0


def descendants(rows: list[Row], i: int) -> int:
    n = 0
    for r in rows[i + 1:]:
        if r.depth <= rows[i].depth:
            break
        n += 1
    return n


def layout(t: Table) -> tuple[list[list[Cell]], int, int]:
    """The table as rows of cells (spans), its column count and its header row count."""
    H = max(len(c) for c in t.columns)
    L = 2 if (t.qizhong or t.group_style == "category") else 1
    nv = len(t.columns)
    ncols = (1 if t.serial_head else 0) + L + (1 if t.unit_head else 0) + nv
    head: list[list[Cell]] = [[] for _ in range(H)]
    if t.serial_head:
        head[0].append(Cell(t.serial_head, rowspan=H, kind="head"))
    head[0].append(Cell(t.label_head, rowspan=H, colspan=L, kind="head"))
    if t.unit_head:
        head[0].append(Cell(t.unit_head, rowspan=H, kind="head"))
    i = 0
    while i < nv:
        c = t.columns[i]
        if len(c) == 1:
            head[0].append(Cell(c[0], rowspan=H, kind="head"))
            i += 1
            continue
        j = i
        while j < nv and len(t.columns[j]) == 2 and t.columns[j][0] == c[0]:
            head[1].append(Cell(t.columns[j][1], kind="head"))
            j += 1
        head[0].append(Cell(c[0], colspan=j - i, kind="head"))
        i = j
    body: list[list[Cell]] = []
    rows = t.rows
    base_depth = 1 if t.group_style == "category" else 0
    for idx, r in enumerate(rows):
        out: list[Cell] = []
        if t.group_style == "category" and r.depth == 0 and r.group:
            continue  # printed as the category cell of its first child
        if t.group_style == "category" and r.depth >= 1:
            parent = max(k for k in range(idx) if rows[k].depth == 0)
            if parent == idx - 1:
                out.append(Cell(rows[parent].label, rowspan=descendants(rows, parent), kind="category"))
        if t.serial_head:
            out.append(Cell(r.serial, kind="serial"))
        if r.group:
            if t.group_style == "dash":
                out.append(Cell(r.label, colspan=L, kind="group", indent=r.depth if t.indent else 0))
                if t.unit_head:
                    out.append(Cell("——", kind="unit"))
                out += [Cell("——", kind="value") for _ in t.columns]
            else:
                span = ncols - (1 if t.serial_head else 0) - (1 if out and out[0].kind == "category" else 0)
                if t.group_style == "category":
                    span = ncols - 1
                out.append(Cell(r.label, colspan=span, kind="group", indent=(r.depth - base_depth) if t.indent else 0))
            body.append(out)
            continue
        if t.qizhong:
            if r.depth == 0:
                out.append(Cell(r.label, colspan=2, kind="label"))
            else:
                top = max(k for k in range(idx) if rows[k].depth == 0)
                if top == idx - 1:
                    out.append(Cell("其中", rowspan=descendants(rows, top), kind="qizhong"))
                out.append(Cell(r.label, kind="label", indent=(r.depth - 1) if t.indent else 0))
        else:
            span = 1 if t.group_style == "category" else L
            out.append(Cell(r.label, colspan=span, kind="label", indent=(r.depth - base_depth) if t.indent else 0))
        if t.unit_head:
            out.append(Cell(r.unit or "", kind="unit"))
        out += [Cell(v, kind="value") for v in r.printed]
        body.append(out)
    return head + body, ncols, H


# ====================================================================== expected

def expected(doc: Doc) -> dict:
    inds = []
    t = doc.table
    if t is not None:
        stack: list[int] = []
        for i, r in enumerate(t.rows):
            while stack and t.rows[stack[-1]].depth >= r.depth:
                stack.pop()
            path = [ws(t.rows[k].label) for k in stack]
            stack.append(i)
            if r.group:
                continue
            if t.unit_of_label:
                unit = re.search(r"（([^（）]+)）$", r.label).group(1)
            elif t.header_unit:
                unit = t.header_unit
            else:
                unit = r.unit
            for col, s in zip(t.columns, r.printed):
                inds.append({"key": r.key, "label": ws(r.label), "path": path, "unit": unit,
                             "column": " › ".join(ws(c) for c in col), "value": parse_value(s)})
    return {"report": {"agency": doc.agency, "year": doc.year, "template": "pre2019"},
            "indicators": inds, "sections": [ws(h) for h in doc.headings], "findings": doc.findings}


def parts_sum_findings(exp: dict) -> list[dict]:
    """The parts_sum errors in the expected values, along the printed nesting (a parent row
    and its direct children that the vocabulary partitions), null-aware."""
    from extract.indicators import PARTITIONS

    parts_of = {p.parent: set(p.parts) for p in PARTITIONS}
    found = []
    by_col: dict[str, list[dict]] = {}
    for ind in exp["indicators"]:
        by_col.setdefault(ind["column"], []).append(ind)
    for col, inds in by_col.items():
        for a in inds:
            if a["key"] not in parts_of:
                continue
            kids = [b for b in inds if b["path"] and b["path"][-1] == a["label"]
                    and b["path"][:-1] == a["path"] and b["key"] in parts_of[a["key"]]]
            if not kids or a["value"] is None or any(b["value"] is None for b in kids):
                continue
            if abs(sum(b["value"] for b in kids) - a["value"]) > 1e-9:
                f = {"rule": "indicators.parts_sum", "indicator": a["key"]}
                if f not in found:
                    found.append(f)
    return found


def matcher_disagreements(exp: dict) -> list[tuple]:
    from extract.indicators import match_indicator

    out = []
    keys: dict[str, str] = {}
    for ind in exp["indicators"]:
        if ind["column"] != exp["indicators"][0]["column"]:
            continue
        parent = keys.get(ind["path"][-1]) if ind["path"] else None
        got = match_indicator(ind["label"], tuple(ind["path"]), parent)
        keys[ind["label"]] = ind["key"]
        if got != ind["key"]:
            out.append((ind["label"], ind["key"], got))
    return out


# ====================================================================== docx

def base_document(doc: Doc):
    d = Document()
    st = d.styles["Normal"]
    st.font.name = SERIF
    st.font.size = Pt(doc.body_pt)
    rpr = st.element.get_or_add_rPr()
    rpr.find(qn("w:rFonts")).set(qn("w:eastAsia"), SERIF)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    gen.set_section(d.sections[0], False)
    d.core_properties.author = doc.agency
    d.core_properties.title = "".join(doc.title_lines)
    return d


def add_table(d, doc: Doc) -> None:
    t = doc.table
    grid, ncols, H = layout(t)
    size = doc.table_pt
    tw = 21.0 - 2.8 - 2.6
    widths = []
    if t.serial_head:
        widths.append(1.1)
    label_w = {1: 8.6, 2: 7.4, 3: 6.6}.get(len(t.columns), 6.0)
    if t.qizhong or t.group_style == "category":
        widths += [1.4, label_w - 1.4]
    else:
        widths.append(label_w)
    if t.unit_head:
        widths.append(1.9)
    rest = tw - sum(widths)
    widths += [rest / len(t.columns)] * len(t.columns)
    table = d.add_table(rows=len(grid), cols=ncols)
    gen.table_setup(table, widths)
    taken: set = set()
    for r, row in enumerate(grid):
        col = 0
        for c in row:
            while (r, col) in taken:
                col += 1
            target = table.cell(r, col)
            if c.rowspan > 1 or c.colspan > 1:
                target = target.merge(table.cell(r + c.rowspan - 1, col + c.colspan - 1))
            align = "left" if c.kind in ("label", "group") else "center"
            gen.set_cell(target, c.text, size, align=align, bold=c.kind in ("head", "group"),
                         font=SANS if c.kind == "head" else SERIF)
            if c.indent:
                target.paragraphs[0].paragraph_format.left_indent = Pt(size * c.indent)
            for rr in range(r, r + c.rowspan):
                for cc in range(col, col + c.colspan):
                    taken.add((rr, cc))
            col += c.colspan
    for r, row in enumerate(table.rows):
        gen.row_props(row, cant_split=True, header=(r < H and t.repeat_header), min_height_cm=0.5)


def build_docx(doc: Doc) -> bytes:
    d = base_document(doc)
    body = doc.body_pt
    line = body * 1.6
    for i, tl in enumerate(doc.title_lines):
        gen.para(d, tl, 20, bold=True, font=SANS, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
                 space_after=18 if i == len(doc.title_lines) - 1 else 4)
    for p in doc.prose["intro"]:
        gen.para(d, p, body, line=line)
    for i, h in enumerate(doc.headings):
        gen.para(d, h, body, bold=True, font=SANS, line=line)
        for p in doc.prose[i]:
            gen.para(d, p, body, line=line)

    def signature():
        gen.para(d, "", body, line=line, indent=False)
        for s in sign(doc):
            gen.para(d, s, body, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, line=line)

    if doc.sign_before_table or doc.table is None:
        signature()
    t = doc.table
    if t is not None:
        for k, cap in enumerate(t.caption):
            last = k == len(t.caption) - 1
            p = gen.para(d, cap, 16 if last else body, bold=last, font=SANS,
                         align=WD_ALIGN_PARAGRAPH.CENTER if last else None, indent=False, space_after=8 if last else 4)
            p.paragraph_format.keep_with_next = True
            if k == 0 and t.new_page:
                p.paragraph_format.page_break_before = True
        add_table(d, doc)
        if t.note:
            gen.para(d, t.note, 10.5, indent=False)
        if not doc.sign_before_table:
            signature()
    buf = io.BytesIO()
    d.save(buf)
    return fixed_zip(buf.getvalue())


def fixed_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "docProps/core.xml":
                blob = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", blob)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), blob, zipfile.ZIP_DEFLATED)
    return out.getvalue()


# ====================================================================== html

def esc(s: str) -> str:
    return htmlmod.escape(s, quote=False)


def html_table(doc: Doc) -> str:
    t = doc.table
    grid, ncols, H = layout(t)
    gbk = doc.html_style == "gbk"
    lines = []
    if gbk:
        lines.append('<table border="1" cellspacing="0" cellpadding="0" width="600" align="center" '
                     'style="border-collapse:collapse">')
    else:
        lines.append('<table border="1" cellspacing="0" cellpadding="4" style="width:100%;border-collapse:collapse;">')
        lines.append("<tbody>")
    for r, row in enumerate(grid):
        cells = []
        for c in row:
            attrs = ""
            if c.rowspan > 1:
                attrs += f' rowspan="{c.rowspan}"'
            if c.colspan > 1:
                attrs += f' colspan="{c.colspan}"'
            text = esc(c.text).replace("\n", "<br/>" if not gbk else "<br>")
            if c.kind == "value" and gbk:
                text = f"&nbsp;{text}&nbsp;" if text else "&nbsp;"
            if c.indent:
                text = "&nbsp;" * (2 * c.indent) + text
            if gbk:
                align = "left" if c.kind in ("label", "group") else "center"
                inner = f'<font size="2">{text}</font>'
                if c.kind in ("head", "group"):
                    inner = f"<b>{inner}</b>"
                cells.append(f'<td{attrs} align="{align}" valign="middle">{inner}</td>')
            else:
                style = "text-align:left;" if c.kind in ("label", "group") else "text-align:center;"
                tag = "th" if c.kind == "head" else "td"
                cells.append(f'<{tag}{attrs} style="{style}"><p><span style="font-size:14px;">{text}</span></p></{tag}>')
        lines.append("<tr>" + "".join(cells) + "</tr>")
    if not gbk:
        lines.append("</tbody>")
    lines.append("</table>")
    return "\n".join(lines)


def build_html(doc: Doc) -> bytes:
    title = "".join(doc.title_lines)
    paras = []
    if doc.html_style == "gbk":
        P = lambda s, b=False: (f'<p style="text-indent:2em"><font face="仿宋_GB2312" size="3">'  # noqa: E731
                                f'{"<b>" + esc(s) + "</b>" if b else esc(s)}</font></p>')
    else:
        P = lambda s, b=False: (f'<p style="text-indent:2em;">{"<strong>" + esc(s) + "</strong>" if b else esc(s)}'  # noqa: E731
                                '</p>')
    for p in doc.prose["intro"]:
        paras.append(P(p))
    for i, h in enumerate(doc.headings):
        paras.append(P(h, True))
        paras += [P(p) for p in doc.prose[i]]
    paras += [f'<p style="text-align:right">{esc(s)}</p>' for s in sign(doc)]
    if doc.table is not None:
        for cap in doc.table.caption:
            paras.append(f'<p style="text-align:center"><strong>{esc(cap)}</strong></p>')
        paras.append(html_table(doc))
    content = "\n".join(paras)
    date = f"{doc.year + 1}-0{1 + doc.seed % 3}-{5 + doc.seed % 20:02d}"
    if doc.html_style == "gbk":
        page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk" />
<title>{esc(title)}_{esc(doc.agency)}</title>
<link href="/css/style.css" rel="stylesheet" type="text/css" />
</head>
<body>
<div class="top"><div class="logo">{esc(doc.agency)}</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/ndbg/">政府信息公开年报</a></div>
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td>
<h1 class="title">{esc(title)}</h1>
<div class="info">发布日期：{date}&nbsp;&nbsp;信息来源：{esc(doc.agency)}办公室&nbsp;&nbsp;浏览次数：<span id="hits">1286</span>&nbsp;&nbsp;【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
<div class="TRS_Editor">
{content}
</div>
</td></tr></table>
<div class="footer">主办：{esc(doc.agency)}&nbsp;&nbsp;网站标识码：4400000012&nbsp;&nbsp;ICP备案号：南ICP备05012345号</div>
</body>
</html>
"""
        return page.encode("gbk", errors="xmlcharrefreplace")
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{esc(title)}</title>
<meta name="ArticleTitle" content="{esc(title)}">
<meta name="PubDate" content="{date}">
</head>
<body>
<header class="site-head"><div class="site-name">{esc(doc.agency)}</div>
<nav><a href="/">首页</a> | <a href="/xxgk/">信息公开</a> | <a href="/zwfw/">政务服务</a> | <a href="/gzhd/">公众互动</a></nav></header>
<div class="crumb">您现在的位置：首页 &gt; 信息公开 &gt; 年度报告</div>
<div class="article">
<h2 class="article-title">{esc(title)}</h2>
<div class="article-meta">时间：{date} 来源：{esc(doc.agency)}</div>
<div class="article-content">
{content}
</div>
</div>
<footer><p>版权所有：{esc(doc.agency)} 联系电话：0{doc.seed % 900 + 100}-12345678</p></footer>
</body>
</html>
"""
    return page.encode("utf-8")


# ====================================================================== main

def write_json(path: Path, obj: dict) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def check_doc(doc: Doc, exp: dict) -> None:
    planted = parts_sum_findings(exp)
    if planted != exp["findings"]:
        print(f"WARN {doc.name}: parts_sum errors {planted} != declared {exp['findings']}")
    for label, want, got in matcher_disagreements(exp):
        print(f"note {doc.name}: matcher gives {got!r} for {label!r}, expected {want!r}")


def make_scans(docs_by_name: dict) -> None:
    import make_scans as ms

    ms.OUT = OUT
    for twin in SCANS:
        twin = dict(twin)
        twin["source"] = f"pre2019/{twin['source']}"
        res = ms.make_twin(twin)
        path = OUT / f"{twin['name']}.expected.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        data["scan"]["source"] = twin["source"].split("/")[-1]
        write_json(path, data)
        size = res["file"].stat().st_size
        print(f"{twin['name']}: {res['pages']} pages, {size / 1e6:.2f} MB")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-pdf", action="store_true", help="skip LibreOffice and the scans")
    args = ap.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    docs = all_docs()
    pdf_docs = []
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        for doc in docs:
            exp = expected(doc)
            check_doc(doc, exp)
            if doc.kind == "pdf":
                (tmpd / f"{doc.name}.docx").write_bytes(build_docx(doc))
                pdf_docs.append(doc)
                write_json(OUT / f"{doc.name}.expected.json", exp)
            elif doc.kind == "docx":
                (OUT / f"{doc.name}.docx").write_bytes(build_docx(doc))
                write_json(OUT / f"{doc.name}.expected.json", exp)
            else:
                (OUT / f"{doc.name}.html").write_bytes(build_html(doc))
                write_json(OUT / f"{doc.name}.expected.json", exp)
        if args.no_pdf:
            return 0
        gen.convert([tmpd / f"{d.name}.docx" for d in pdf_docs], tmpd)
        for doc in pdf_docs:
            data = (tmpd / f"{doc.name}.pdf").read_bytes()
            spec = SimpleNamespace(name=doc.name, year=doc.year, seed=doc.seed)
            (OUT / f"{doc.name}.pdf").write_bytes(gen.normalize_pdf(data, spec))
    report_pages()
    make_scans({d.name: d for d in docs})
    return 0


def report_pages() -> None:
    """Which pages hold the first and last indicator of each table (the split samples)."""
    import pypdfium2 as pdfium

    for pdf in sorted(OUT.glob("p*.pdf")):
        exp = json.loads(pdf.with_suffix("").with_suffix(".expected.json").read_text(encoding="utf-8"))
        d = pdfium.PdfDocument(str(pdf))
        texts = [ws(d[i].get_textpage().get_text_range()) for i in range(len(d))]
        if exp["indicators"]:
            first, last = exp["indicators"][0]["label"], exp["indicators"][-1]["label"]
            pf = next((i + 1 for i, t in enumerate(texts) if first in t), None)
            pl = next((i + 1 for i, t in enumerate(texts) if last in t), None)
            print(f"{pdf.name}: {len(d)} pages, table rows on pages {pf}-{pl}")
        else:
            print(f"{pdf.name}: {len(d)} pages, no table")
        d.close()


if __name__ == "__main__":
    raise SystemExit(main())
