#!/usr/bin/env python3
"""Deterministic generator of the sample corpus in ``samples/``.

Each sample is a synthetic (or, for ``seed-2024``, real) 政府信息公开工作年度报告:
python-docx builds the report as .docx in a temporary directory, LibreOffice
(headless) converts it to PDF, and the PDF is post-processed so that repeated runs
give byte-identical files. Next to every ``<name>.pdf`` the generator writes
``<name>.expected.json`` (the values a correct extractor must return, plus the error
findings a correct validator must report) and it rewrites ``samples/README.md``.

Usage::

    python samples/generate.py                 # regenerate every sample
    python samples/generate.py --only NAME     # regenerate one sample (repeatable)
    python samples/generate.py --keep-docx DIR # also keep the intermediate .docx files
    python samples/generate.py --calibrate     # search the `push` knob of split samples
    python samples/generate.py --list          # list the samples

Requirements: python-docx, LibreOffice (``soffice``), fonts-noto-cjk, pdfplumber
(layout verification), pypdf (the encrypted sample).

Determinism: every sample draws its values and prose from ``random.Random(seed)``;
LibreOffice output is stable apart from /CreationDate, /ModDate, the trailer /ID and
/DocChecksum, which are replaced by values of the same byte length derived from the sample (so the
xref offsets stay valid). Font subset tags (``/BaseFont /BAAAAA+...``) are checked too
and renamed deterministically if a LibreOffice version makes them vary. The
encrypted sample uses RC4-128 (no random salt) with a fixed file identifier.

Page splits (section 三 cut inside （三）不予公开 / （四）无法提供, section 二 cut) are
produced by filler prose in 一、总体情况: the number of filler sentences (``push``) was
found with ``--calibrate`` and is fixed in SPECS; every run verifies the split with
pdfplumber and warns if it moved (e.g. other fonts or another LibreOffice version).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

SAMPLES_DIR = Path(__file__).resolve().parent
ROOT = SAMPLES_DIR.parent
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from docx.enum.section import WD_ORIENT, WD_SECTION  # noqa: E402
from docx.enum.table import WD_ALIGN_VERTICAL  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Cm, Pt, RGBColor  # noqa: E402

from extract.template import (  # noqa: E402
    APPLICANT_COLUMN_KEYS,
    APPLICATION_COLUMNS,
    APPLICATION_RESULTS_LABEL,
    APPLICATION_ROWS,
    PROACTIVE_COLUMNS,
    PROACTIVE_ROWS,
    RESULT_LEAF_KEYS,
    REVIEW_COLUMNS,
    REVIEW_ROWS,
)

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
CORNER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
IDEO = "\u3000"

# ====================================================================== sample specs


@dataclass
class Spec:
    name: str
    agency: str
    year: int
    template: str  # "2019" | "2021"
    seed: int
    features: list[str]
    profile: str = "normal"  # normal | zeros | big | small
    # number printing
    digits: str = "ascii"  # ascii | fullwidth | mixed
    ideo: float = 0.0  # probability of ideographic spaces around a number
    thousands: bool = False
    fee_decimals: int = 1
    procurement_unit: str = "元"  # 元 | 万元 | "" (plain number)
    negative_change: bool = False
    # unreported cells: scope -> (markers, probability) applied to zero cells
    nulls: dict = field(default_factory=dict)
    # layout
    body_pt: float = 14.0
    table_pt: float = 10.5
    narrow: bool = False
    landscape_review: bool = False
    repeat_header: bool = False
    split: str = ""  # "" | withheld | unable | proactive
    push: int = 0  # filler sentences before the tables (calibrated)
    shade_blocks: bool = True
    review_keep: bool = True  # keep-with-next on 四's header rows (False: may be cut by a page)
    # label variants: org_alt, dun, nonum, halfwidth, wrap
    labels: tuple = ()
    hidden: bool = False
    encrypt: bool = False
    # error injection: (cell key, delta)
    errors: tuple = ()
    # soft checks: a prose variant (see `prose`), forced 规章 counts in 二 (row
    # proactive.regulations), and the soft-check warnings a correct tool reports:
    # ((rule, (cell, ...)), ...). Declared by hand; `soft_warnings` recomputes them from
    # the generated prose and values and the run warns if the two differ.
    prose_variant: str = ""  # "" | granted_natural | received_natural | review_concluded
    regulations: dict = field(default_factory=dict)
    warnings: tuple = ()
    # layouts of real producers (WPS, Word, LibreOffice); the defaults print as before
    producer: str = ""  # "" | wps | word | lo: table fonts (Latin font for digits), borders
    vertical: str = ""  # "" | breaks | tbrl: 三、本年度办理结果 printed vertically, narrow column
    tight: bool = False  # table cells with an exact line height close to the font size (WPS)
    label_widths: tuple = ()  # widths (cm) of 三's three label columns (default: proportional)
    label_map: tuple = ()  # ((row key | "g:" + group label | "results", printed text), ...)
    numbering: tuple = ()  # ((group label, style), ...): dun 1、 | dot 1. | paren （1） | hwparen (1)
    #                        | circled ① | fwdot １． (level-3 labels of that group)
    other_layout: str = "split"  # 2021: split | single | single_emptymid (（六） printed as one row)
    spacer_pt: float = 0.0  # an empty exact-height paragraph before 三 (fine page-break knob)
    shade_fill: str = "D9E2F3"  # fill of 二's 第二十条 rows
    shade_heads: str = ""  # fill of 二's column-header rows ("" none)
    table_pages: bool = False  # 二, 三, 四 and 五 each start a new page (table-only pages)
    landscape_apps: bool = False  # 三 on its own landscape page between portrait pages
    # 四 narrower than the text (cm; 0: the text width) and its 15 values fixed
    # ((group key, (upheld, corrected, other, pending, total)), ...) instead of drawn
    review_width_cm: float = 0.0
    review_values: tuple = ()
    # LibreOffice conversion batch: the embedded Type 1 fonts (their /UniqueID and even their
    # glyph subsets) depend on everything converted in the same call, so samples that use
    # other fonts (Liberation) are converted in a later call and the earlier PDFs keep their bytes
    conversion: int = 0


SPECS: list[Spec] = [
    Spec("seed-2024", "泰安市泰山区行政审批服务局", 2024, "2021", 0,
         ["real report (values and prose of the seed report)", "ideographic spaces in 二",
          "labels wrapped with explicit line breaks"], profile="seed"),
    Spec("r2019-basic-procurement-01", "云川市人民政府", 2019, "2019", 1901,
         ["2019 format", "规章 reported by a city government", "procurement amount with unit (元)",
          "negative 本年增/减"], negative_change=True),
    Spec("r2019-zeros-township-01", "白石镇人民政府", 2019, "2019", 1902,
         ["2019 format", "small township: all zeros but a few cells", "“/” in 二",
          "plain procurement amount"], profile="zeros", procurement_unit="",
         nulls={"proactive": (["/"], 0.7)}),
    Spec("r2020-split-withheld-repeat-01", "临江县人民政府办公室", 2020, "2019", 2001,
         ["2019 format", "三 split inside （三）不予公开", "repeated header row on the next page"],
         split="withheld", repeat_header=True, push=13),
    Spec("r2020-wrap-bigfont-01", "东湖区教育局", 2020, "2019", 2002,
         ["2019 format", "large table font: multi-digit numbers wrap inside cells",
          "procurement amount in 万元", "negative 本年增/减"],
         profile="big", table_pt=14.0, procurement_unit="万元", negative_change=True),
    Spec("r2021-split-unable-norepeat-01", "南岭市生态环境局", 2021, "2021", 2101,
         ["三 split inside （四）无法提供", "no repeated header"], split="unable", push=11),
    Spec("r2021-split-fullwidth-01", "清河县自然资源局", 2021, "2021", 2102,
         ["full-width digits", "ideographic spaces around numbers", "三 split inside （三）不予公开",
          "repeated header", "3-digit full-width numbers wrap inside their cell"],
         digits="fullwidth", ideo=0.4, split="withheld",
         repeat_header=True, push=12),
    Spec("r2021-encrypted-01", "西山区卫生健康委员会", 2021, "2021", 2103,
         ["permissions-only encryption (owner password, empty user password)"], encrypt=True),
    Spec("r2021-error-multi-nulls-01", "安平市人民政府", 2021, "2021", 2104,
         ["error-injected: several cells", "“/” and blanks: one broken row is not checkable",
          "mixed full-width digits"], digits="mixed",
         nulls={"app_org": (["/", ""], 0.5)},
         errors=(("applications.new_received.natural_person", 2),
                 ("applications.unable_not_held.total", -1),
                 ("applications.carried_over.legal_service", 1)),
         # the prose states 无法提供 as generated; the table's 本机关不掌握 was changed by -1
         warnings=(("prose.contradicts_table", ("applications.unable_not_held.total",
                                                "applications.unable_needs_creation.total",
                                                "applications.unable_unclear.total")),)),
    Spec("r2022-landscape-review-01", "安平市住房和城乡建设局", 2022, "2021", 2201,
         ["四 on a landscape page (section break)", "decimal fees"], landscape_review=True,
         fee_decimals=2),
    Spec("r2022-nulls-slash-01", "长宁县市场监督管理局", 2022, "2021", 2202,
         ["“/” for unreported cells in 二, 三 (org columns) and 四"],
         nulls={"proactive": (["/"], 1.0), "app_org": (["/"], 1.0), "review": (["/"], 1.0)}),
    Spec("r2022-labels-variant-01", "北塘区人力资源和社会保障局", 2022, "2021", 2203,
         ["header 法人或其它组织", "leaf numbering 1、", "half-width parentheses (三)",
          "四 cut by a page break inside its header (merged header cells split)"],
         labels=("org_alt", "dun", "halfwidth"), review_keep=False),
    Spec("r2022-split-proactive-01", "江川市公安局", 2022, "2021", 2204,
         ["二 split across pages", "6–7 digit numbers with thousands separators in 二"],
         profile="big", thousands=True, split="proactive", push=10),
    Spec("r2022-error-leaf-01", "凤台县交通运输局", 2022, "2021", 2205,
         ["error-injected: one leaf cell changed"],
         errors=(("applications.granted.natural_person", 1),)),
    Spec("r2023-nulls-dash-01", "梅林镇人民政府", 2023, "2021", 2301,
         ["small township", "“—”, “－”, “无” and blank cells for unreported values"],
         profile="small",
         nulls={"proactive": (["—", "－", "无"], 1.0), "app_all": (["", "—", "－"], 0.35),
                "review": (["无", "—"], 0.6)}),
    Spec("r2023-labels-wrapped-01", "石桥街道办事处", 2023, "2021", 2302,
         ["leaf labels without numbering", "labels wrapped onto 2–3 lines"],
         labels=("nonum", "wrap")),
    Spec("r2023-bignumbers-thousands-01", "宁海市财政局", 2023, "2021", 2303,
         ["6–7 digit numbers with thousands separators", "decimal fees (96171.6-like)",
          "四 on a landscape page", "4-digit numbers with separators wrap in 三 (1,34 / 4)",
          "三 starts at a page foot: header + 2 rows, the rest on the next page without header"],
         profile="big", thousands=True, landscape_review=True),
    Spec("r2023-error-rowtotal-01", "桐溪县农业农村局", 2023, "2021", 2304,
         ["error-injected: a row total changed",
          "the prose states 部分公开 as it was before the change: a prose contradiction too"],
         errors=(("applications.partially_granted.total", 2),),
         warnings=(("prose.contradicts_table", ("applications.partially_granted.total",)),)),
    Spec("r2023-format2019-late-01", "湖滨区民政局", 2023, "2019", 2305,
         ["2019 format in a 2023 report (soft check)", "二 split across pages",
          "procurement amount in 元"], negative_change=True, split="proactive", push=10),
    Spec("r2024-wrap-narrow-01", "云川市司法局", 2024, "2021", 2401,
         ["narrow data columns: multi-digit numbers wrap inside cells"], profile="big",
         narrow=True),
    Spec("r2024-hidden-white-01", "临江县应急管理局", 2024, "2021", 2402,
         ["hidden text: white “999” next to numbers and a 1 pt digit in table cells"],
         hidden=True),
    Spec("r2024-error-grandtotal-01", "东湖区人民政府", 2024, "2021", 2403,
         ["error-injected: （七）总计 changed", "三 split inside （三）不予公开", "repeated header"],
         errors=(("applications.total_handled.total", -3),), split="withheld",
         repeat_header=True, push=15),
    Spec("r2024-zeros-small-01", "青峰县水利局", 2024, "2021", 2404,
         ["all zeros except a few cells", "no block shading"], profile="zeros",
         shade_blocks=False),
    Spec("r2025-error-review-01", "南岭市人民政府办公室", 2025, "2021", 2501,
         ["error-injected: 四 group total broken", "四 on a landscape page"],
         errors=(("review_litigation.litigation_direct.total", 1),), landscape_review=True),
    Spec("r2025-zeros-split-unable-01", "枫林乡人民政府", 2025, "2021", 2502,
         ["small township, mostly zeros", "三 split inside （四）无法提供", "no repeated header",
          "ideographic spaces"], profile="zeros", ideo=0.5, split="unable", push=10),
    # Soft-check samples. New samples go at the end: LibreOffice numbers the embedded Type 1
    # fonts (/UniqueID) across one conversion batch, so a PDF's bytes depend on the samples
    # converted before it in SPECS order.
    Spec("r2022-prose-review-01", "南岭市市场监督管理局", 2022, "2021", 2216,
         ["prose states 政府信息公开行政复议 with only the concluded cases (total − 尚未审结) ≠ 四's "
          "复议 总计: warning prose.contradicts_table", "prose 行政诉讼 figure correct (直接起诉 + 复议后起诉)"],
         prose_variant="review_concluded",
         warnings=(("prose.contradicts_table", ("review_litigation.review.total",)),)),
    Spec("r2023-prose-granted-natural-01", "云川市自然资源和规划局", 2023, "2021", 2306,
         ["prose 予以公开 figure qualified by 自然人 (对自然人提出的申请予以公开N件) states the 自然人 "
          "count only: another scope than 予以公开 总计, so no prose.contradicts_table"],
         prose_variant="granted_natural"),
    Spec("r2024-prose-received-01", "青峰县文化和旅游局", 2024, "2021", 2406,
         ["mostly zeros", "prose 共受理政府信息公开申请2件 (自然人 only) while 三 新收到 总计 is 3: "
          "warning prose.contradicts_table"],
         profile="zeros", prose_variant="received_natural",
         warnings=(("prose.contradicts_table", ("applications.new_received.total",)),)),
    Spec("r2024-township-regulations-01", "柳塘镇人民政府", 2024, "2021", 2407,
         ["small township", "规章 issued by a township (本年制发 1, 现行有效 1): warning "
          "plausibility.regulations"],
         profile="small", regulations={"issued": 1, "repealed": 0, "in_force": 1},
         warnings=(("plausibility.regulations", ("proactive.regulations.issued",)),)),
    # Layouts of real producers (WPS, Word, LibreOffice), appended after the soft-check samples;
    # converted by a second LibreOffice call (see Spec.conversion).
    Spec("r2024-wps-vertical-01", "松溪县人民政府办公室", 2024, "2021", 2408,
         ["WPS-like 三: 三、本年度办理结果 printed vertically in a narrow column, one character per "
          "line (line breaks)", "long labels wrapped naturally over 2–3 lines in merged cells",
          "exact cell line height close to the font size (wrapped lines nearly touch)",
          "spaces inside labels (大量反复 申请, 确认或重 新出具)", "Times-like digits, 0.5 pt rules"],
         producer="wps", vertical="breaks", tight=True, label_widths=(0.7, 1.9),
         label_map=(("rejected_excessive", "4.无正当理由大量反复 申请"),
                    ("rejected_confirmation", "5.要求行政机关确认或重 新出具已获取信息")),
         conversion=1),
    Spec("r2023-word-tbrl-01", "临川市城市管理局", 2023, "2021", 2307,
         ["Word-like 三: 三、本年度办理结果 in a narrow column with text direction tbRl "
          "(w:textDirection)", "Times-like digits, 0.5 pt rules, Word cell margins",
          "long labels wrapped naturally", "each table starts a page"],
         producer="word", vertical="tbrl", label_widths=(0.9, 2.0), table_pages=True, table_pt=10.0,
         conversion=1),
    Spec("r2022-other-single-01", "青峰县卫生健康局", 2022, "2021", 2206,
         ["2021 format with （六）其他处理 printed as ONE row (label merged over levels 2–3), no "
          "sub-rows: values under `other`, the three sub-rows null", "WPS-like tight cells"],
         producer="wps", tight=True, other_layout="single", label_widths=(1.6, 2.2),
         conversion=1),
    Spec("r2023-other-emptymid-01", "石桥区教育局", 2023, "2021", 2308,
         ["2021 format with （六）其他处理 as one row in the level-2 cell and an EMPTY level-3 cell: "
          "values under `other`", "numbering 1、 in 不予公开, （1） in 不予处理",
          "vertical 三、本年度办理结果 (line breaks)"],
         producer="wps", other_layout="single_emptymid", vertical="breaks",
         label_widths=(0.8, 2.0),
         numbering=(("（三）不予公开", "dun"), ("（五）不予处理", "paren")),
         conversion=1),
    Spec("r2024-pagebreak-exact-01", "江川市审计局", 2024, "2021", 2409,
         ["三 ends a page exactly after 2.没有现成信息需要另行制作; the next page starts with "
          "3.补正后申请内容仍不明确, no repeated header; 1.8 pt left at the page foot"],
         split="exact", push=12, spacer_pt=17.0,
         conversion=1),
    Spec("r2021-labels-typos-01", "北塘区退役军人事务局", 2021, "2021", 2105,
         ["typos and dropped characters in labels (2.其他法律行政止公开, 1.本机关不掌握相关信息, "
          "上年结转政府信息公开申请数)", "numbering styles １． 1、 ① （1）; half-width (一) and "
          "straight quotes"],
         label_map=(("withheld_prohibited_by_law", "２．其他法律行政止公开"),
                    ("unable_not_held", "1、本机关不掌握相关信息"),
                    ("carried_over", "二、上年结转政府信息公开申请数"),
                    ("granted", "(一)予以公开"),
                    ("withheld_security_stability", '３．危及"三安全一稳定"'),
                    ("g:（四）无法提供", "(四)无法提供")),
         numbering=(("（三）不予公开", "fwdot"), ("（四）无法提供", "dun"), ("（五）不予处理", "circled"),
                    ("（六）其他处理", "paren")),
         conversion=1),
    Spec("r2022-word-shaded-01", "安平县住房和城乡建设局", 2022, "2021", 2207,
         ["Word-like: Times-like digits, 0.5 pt rules", "二's 第二十条第（×）项 rows span the table, "
          "shaded light blue; column-header rows shaded grey", "each table starts a page "
          "(table-only pages, short numbers)", "四 on a landscape page between portrait pages"],
         profile="small", producer="word", shade_fill="DEEAF6", shade_heads="E7E6E6",
         table_pages=True, landscape_review=True, table_pt=10.0,
         conversion=1),
    Spec("r2025-lo-landscape-01", "梅林县市场监督管理局", 2025, "2021", 2503,
         ["LibreOffice-like: sans table text, hairline rules, 1.15 line spacing",
          "二 on a portrait table-only page, then 三 on its own landscape page", "grey-shaded "
          "第二十条 rows in 二", "short numbers"],
         profile="small", producer="lo", shade_fill="D9D9D9", table_pages=True,
         landscape_apps=True,
         conversion=1),
    # Issue 17, failure class 1: a WPS-like report whose 四 is narrow (15 columns in 12 cm,
    # ~23 pt each: the column labels wrap to two characters a line) and whose value row puts
    # neighbours that join into another number when a ruling between them is lost (复议 总计 2
    # beside 直接起诉 结果维持 1: "21"; 直接起诉 总计 5 beside 复议后起诉 结果维持 0: "50").
    # Its own LibreOffice call (conversion 2): the PDFs before it keep their bytes.
    Spec("r2024-wps-narrow-review-01", "松溪县住房和城乡建设局", 2024, "2021", 2410,
         ["WPS-like, tight cells, Times-like digits, 0.5 pt rules", "四 narrow: 15 columns in 12 cm, "
          "column labels wrapped", "四 value row with neighbours that read as one number if a rule "
          "between them is lost (2|1, 5|0)"],
         producer="wps", tight=True, label_widths=(1.6, 2.2), review_width_cm=12.0, push=7,
         review_values=(("review", (1, 1, 0, 0, 2)), ("litigation_direct", (1, 1, 2, 1, 5)),
                        ("litigation_after_review", (0, 1, 0, 0, 1))),
         conversion=2),
]

# ====================================================================== values


def _zero_apps(version):
    return {r.key: {c.key: 0 for c in APPLICATION_COLUMNS} for r in APPLICATION_ROWS[version]}


LEAF_WEIGHTS = {
    "granted": 40, "partially_granted": 8, "withheld_state_secret": 0.3,
    "withheld_prohibited_by_law": 0.5, "withheld_security_stability": 0.3,
    "withheld_third_party": 2, "withheld_internal_affairs": 1.5, "withheld_process_info": 2,
    "withheld_enforcement_file": 1, "withheld_admin_query": 2, "unable_not_held": 25,
    "unable_needs_creation": 3, "unable_unclear": 2, "rejected_petition": 4,
    "rejected_duplicate": 4, "rejected_publication": 1, "rejected_excessive": 1,
    "rejected_confirmation": 1, "other_overdue_correction": 2, "other_overdue_fee": 0.5,
    "other_other": 3, "other": 6,
}


def gen_applications(rng: Random, version: str, profile: str) -> dict:
    apps = _zero_apps(version)
    leaves = RESULT_LEAF_KEYS[version]
    weights = [LEAF_WEIGHTS[k] for k in leaves]
    for c in APPLICANT_COLUMN_KEYS:
        if profile == "zeros":
            new = rng.choice([0, 1, 2, 3]) if c == "natural_person" else (
                rng.choice([0, 0, 0, 1]) if c == "enterprise" else 0)
        elif profile == "small":
            new = rng.randint(2, 12) if c == "natural_person" else rng.choice([0, 0, 1])
        else:
            big = profile == "big"
            rng_map = {
                "natural_person": (120, 1400) if big else (15, 260),
                "enterprise": (10, 160) if big else (0, 30),
                "research": (0, 3), "public_interest": (0, 6),
                "legal_service": (0, 40) if big else (0, 8), "other_org": (0, 12),
            }
            lo, hi = rng_map[c]
            new = rng.randint(lo, hi) if (c in ("natural_person", "enterprise") or rng.random() < 0.55) else 0
        carried = rng.randint(0, max(0, new // 8)) if new else 0
        pool = new + carried
        forward = rng.randint(0, pool // 10) if pool >= 10 else 0
        handled = pool - forward
        apps["new_received"][c] = new
        apps["carried_over"][c] = carried
        apps["carried_forward"][c] = forward
        apps["total_handled"][c] = handled
        for k in rng.choices(leaves, weights=weights, k=handled):
            apps[k][c] += 1
    for row in apps.values():
        row["total"] = sum(row[c] for c in APPLICANT_COLUMN_KEYS)
    return apps


def gen_proactive(rng: Random, spec: Spec) -> dict:
    """Returns row -> col -> (printed-number-source) where values are int/float/str."""
    v = spec.template
    city_gov = spec.agency.endswith("市人民政府")
    zeros = spec.profile in ("zeros", "small")
    big = spec.profile == "big"
    out: dict = {}
    if v == "2021":
        out["regulations"] = (
            {"issued": rng.randint(1, 6), "repealed": rng.randint(0, 3), "in_force": rng.randint(30, 160)}
            if city_gov else {"issued": 0, "repealed": 0, "in_force": 0})
        nd_issued = 0 if zeros else rng.randint(0, 25)
        out["normative_documents"] = {
            "issued": nd_issued, "repealed": 0 if zeros else rng.randint(0, 8),
            "in_force": (rng.randint(0, 4) if zeros else nd_issued + rng.randint(5, 200))}
        if big:
            lic = rng.randint(120000, 4999999)
        elif zeros:
            lic = rng.choice([0, 0, rng.randint(1, 60)])
        else:
            lic = rng.randint(0, 9000)
        out["licensing"] = {"decisions": lic}
        out["penalty"] = {"decisions": rng.randint(10000, 999999) if big else (0 if zeros else rng.randint(0, 2500))}
        out["enforcement"] = {"decisions": rng.randint(100, 9999) if big else (0 if zeros else rng.randint(0, 150))}
        if zeros:
            fee = 0
        else:
            x = rng.uniform(500, 120000) if big else rng.uniform(0.5, 900)
            fee = f"{x:.{spec.fee_decimals}f}"
        out["fees"] = {"amount_10k_yuan": fee}
    else:
        def made_row(lo, hi, tot):
            m = 0 if zeros else rng.randint(lo, hi)
            p = m if rng.random() < 0.7 else max(0, m - rng.randint(0, 2))
            return {"made": m, "published": p, "total_published": p + (0 if zeros else rng.randint(0, tot))}
        out["regulations"] = made_row(1, 5, 60) if city_gov else {"made": 0, "published": 0, "total_published": 0}
        out["normative_documents"] = made_row(0, 20, 150)

        def item_row(prior_hi, dec_hi):
            prior = 0 if zeros else rng.randint(3, prior_hi)
            ch = 0 if zeros else rng.randint(-4 if spec.negative_change else 0, 6)
            ch = max(ch, -prior)
            dec = (rng.randint(0, 5) if zeros else rng.randint(0, dec_hi))
            return {"prior_year_items": prior, "change": ch, "decisions": dec}
        out["licensing"] = item_row(400, 60000 if big else 6000)
        out["other_services"] = item_row(200, 3000)
        out["penalty"] = item_row(900, 4000)
        out["enforcement"] = item_row(60, 200)
        if spec.negative_change:  # make sure at least one negative value is printed
            out["licensing"]["change"] = -min(3, out["licensing"]["prior_year_items"]) or -0
        fprior = 0 if zeros else rng.randint(0, 20)
        out["fees"] = {"prior_year_items": fprior, "change": 0 if zeros else max(-fprior, rng.randint(-2, 1))}
        items = 0 if zeros else rng.randint(1, 120)
        if items == 0:
            amount: object = 0
        elif spec.procurement_unit == "元":
            amount = f"{rng.randint(20, 9000) * 1000 + rng.choice([0, 0, 500])}元"
        elif spec.procurement_unit == "万元":
            amount = f"{rng.uniform(10, 9000):.1f}万元"
        else:
            amount = f"{rng.uniform(1, 900):.2f}"
        out["procurement"] = {"items": items, "amount": amount}
    return out


def gen_review(rng: Random, profile: str) -> dict:
    out = {}
    for g in REVIEW_ROWS:
        if profile in ("zeros", "small"):
            four = [0, 0, 0, 0]
        else:
            four = [rng.choice([0, 0, 1, 2, 3]), rng.choice([0, 0, 0, 1]), rng.choice([0, 0, 1]),
                    rng.choice([0, 0, 1])]
            if g.key == "litigation_after_review":
                four = [x if rng.random() < 0.5 else 0 for x in four]
        out[g.key] = dict(zip(("upheld", "corrected", "other", "pending"), four))
        out[g.key]["total"] = sum(four)
    return out


def seed_values() -> dict:
    apps = _zero_apps("2021")
    for row, v in {"new_received": 28, "granted": 13, "partially_granted": 2,
                   "withheld_third_party": 1, "withheld_internal_affairs": 1,
                   "unable_not_held": 8, "unable_needs_creation": 1, "rejected_duplicate": 2,
                   "total_handled": 28}.items():
        apps[row]["natural_person"] = v
        apps[row]["total"] = v
    pro = {"regulations": {"issued": 0, "repealed": 0, "in_force": 0},
           "normative_documents": {"issued": 0, "repealed": 0, "in_force": 0},
           "licensing": {"decisions": 51249}, "penalty": {"decisions": 0},
           "enforcement": {"decisions": 0}, "fees": {"amount_10k_yuan": 0}}
    rev = {g.key: {c.key: 0 for c in REVIEW_COLUMNS} for g in REVIEW_ROWS}
    return {"proactive": pro, "applications": apps, "review_litigation": rev}


# ====================================================================== printing


def parse_printed(s: str):
    """The expected value of a printed cell (the contract's reading of the text)."""
    t = s.strip().replace(IDEO, "").strip()
    if t in ("", "/", "—", "－", "无"):
        return None
    t = t.translate(str.maketrans("０１２３４５６７８９", "0123456789")).replace(",", "")
    if re.fullmatch(r"-?\d+", t):
        return int(t)
    if re.fullmatch(r"-?\d+\.\d+", t):
        return float(t)
    return s.strip()  # unit-bearing amount, as printed


def fmt_number(v, spec: Spec, rng: Random) -> str:
    if isinstance(v, str):
        s = v
        unit = not re.fullmatch(r"-?[\d.]+", v)
    else:
        s = f"{v:,}" if (spec.thousands and abs(v) >= 1000) else str(v)
        unit = False
    if not unit and "." not in s:
        if spec.digits == "fullwidth" or (spec.digits == "mixed" and rng.random() < 0.5):
            s = s.translate(FULLWIDTH)
    if spec.ideo and rng.random() < spec.ideo:
        s = rng.choice([IDEO + s, IDEO * 2 + s, s + IDEO, IDEO + s + IDEO])
    return s


OTHER_SUBROWS = ("other_overdue_correction", "other_overdue_fee", "other_other")


def merge_other_rows(apps: dict) -> dict:
    """（六）其他处理 printed as one row: the three 2021 sub-rows summed into `other`."""
    out = {}
    for k, cols in apps.items():
        if k == OTHER_SUBROWS[0]:
            out["other"] = {c: sum(apps[r][c] for r in OTHER_SUBROWS) for c in cols}
        elif k not in OTHER_SUBROWS:
            out[k] = cols
    return out


def build_data(spec: Spec) -> dict:
    rng = Random(spec.seed)
    v = spec.template
    if spec.profile == "seed":
        raw = seed_values()
    else:
        raw = {"proactive": gen_proactive(rng, spec),
               "applications": gen_applications(rng, v, spec.profile),
               "review_litigation": gen_review(rng, spec.profile)}
    raw["proactive"]["regulations"].update(spec.regulations)
    for group, values in spec.review_values:
        raw["review_litigation"][group] = dict(zip(("upheld", "corrected", "other", "pending", "total"), values))
    if spec.other_layout != "split":
        raw["applications"] = merge_other_rows(raw["applications"])
    consistent = json.loads(json.dumps(raw))
    # error injection (printed values deliberately inconsistent)
    for key, delta in spec.errors:
        t, r, c = key.split(".")
        raw[t][r][c] += delta
        assert raw[t][r][c] >= 0, key
    # printed text
    prng = Random(spec.seed * 7 + 1)
    printed: dict = {}
    for t, rows in raw.items():
        printed[t] = {}
        for r, cols in rows.items():
            printed[t][r] = {}
            for c, val in cols.items():
                printed[t][r][c] = fmt_number(val, spec, prng)
    if spec.profile == "seed":
        for r, cols in printed["proactive"].items():
            for i, c in enumerate(cols):
                cols[c] = ["\u3000\u30000", " \u30000", "\u30000"][i % 3] if cols[c] == "0" else cols[c]
    # unreported cells -> markers (only cells that are 0 in the generated data)
    nrng = Random(spec.seed * 11 + 3)
    error_keys = {k for k, _ in spec.errors}
    for scope, (markers, prob) in spec.nulls.items():
        t = {"proactive": "proactive", "app_org": "applications", "app_all": "applications",
             "review": "review_litigation"}[scope]
        for r, cols in raw[t].items():
            for c, val in cols.items():
                if scope == "app_org" and c in ("natural_person", "total"):
                    continue
                if val == 0 and f"{t}.{r}.{c}" not in error_keys and nrng.random() < prob:
                    printed[t][r][c] = nrng.choice(markers)
    expected = {t: {r: {c: parse_printed(s) for c, s in cols.items()} for r, cols in rows.items()}
                for t, rows in printed.items()}
    if spec.other_layout != "split":
        # the contract's convention: the one printed row under the 2019 key `other`, the
        # three 2021 sub-rows (not printed) all null
        for k in OTHER_SUBROWS:
            expected["applications"][k] = {c.key: None for c in APPLICATION_COLUMNS}
    # hidden text: which cells get a white "999" (or a 1 pt digit)
    hidden = {}
    if spec.hidden:
        hrng = Random(spec.seed * 13 + 5)
        cands = [f"applications.{r}.{c}" for r, cols in printed["applications"].items()
                 for c in cols if expected["applications"][r][c] not in (None, 0)]
        for k in hrng.sample(cands, min(6, len(cands))):
            hidden[k] = ("white", "999")
        hidden["proactive.licensing.decisions"] = ("white", "999")
        hidden["review_litigation.review.total"] = ("tiny", "8")
    return {"raw": raw, "consistent": consistent, "printed": printed, "expected": expected,
            "hidden": hidden}


# ====================================================================== checker


def check(expected: dict, version: str) -> list[dict]:
    apps = expected["applications"]
    cols = [c.key for c in APPLICATION_COLUMNS]
    findings = []

    def ok(keys, lhs, rhs):
        vals = [apps_or_rev(k) for k in keys]
        if any(x is None for x in vals):
            return True
        return lhs(vals) == rhs(vals)

    def apps_or_rev(k):
        t, r, c = k.split(".")
        return expected[t][r][c]

    for c in cols:
        keys = [f"applications.{r}.{c}" for r in ("new_received", "carried_over", "total_handled", "carried_forward")]
        if not ok(keys, lambda v: v[0] + v[1], lambda v: v[2] + v[3]):
            findings.append({"rule": "applications.balance", "cells": keys})
    for r in apps:
        keys = [f"applications.{r}.{c}" for c in cols]
        if not ok(keys, lambda v: v[6], lambda v: sum(v[:6])):
            findings.append({"rule": "applications.row_total", "cells": keys})
    leaves = list(RESULT_LEAF_KEYS[version])
    subrows_absent = all(apps.get(r) is None or all(v is None for v in apps[r].values())
                         for r in OTHER_SUBROWS)
    if version == "2021" and "other" in apps and subrows_absent:
        # （六）其他处理 printed as one row: `other` stands for the sub-rows in the total
        i = leaves.index(OTHER_SUBROWS[0])
        leaves[i:i + len(OTHER_SUBROWS)] = ["other"]
    for c in cols:
        keys = [f"applications.total_handled.{c}"] + [f"applications.{r}.{c}" for r in leaves]
        if not ok(keys, lambda v: v[0], lambda v: sum(v[1:])):
            findings.append({"rule": "applications.column_total", "cells": keys})
    for g in REVIEW_ROWS:
        keys = [f"review_litigation.{g.key}.{c.key}" for c in REVIEW_COLUMNS]
        if not ok(keys, lambda v: v[4], lambda v: sum(v[:4])):
            findings.append({"rule": "review_litigation.total", "cells": keys})
    return findings


# Soft checks, recomputed independently from the generated prose and the expected values:
# a figure stated in the prose with exactly one distinct number, against the table cells
# it describes (a figure stated with two different numbers is ambiguous: no warning).
_NP = r"[^。；;，,、\d]"
SOFT_PROSE_FIGURES = (
    (rf"(?:收到|受理|接收){_NP}{{0,24}}?申请{_NP}{{0,8}}?(\d+)件", ("applications.new_received.total",)),
    (rf"予以公开{_NP}{{0,6}}?(\d+)件", ("applications.granted.total",)),
    (rf"部分公开{_NP}{{0,6}}?(\d+)件", ("applications.partially_granted.total",)),
    (rf"不予公开{_NP}{{0,6}}?(\d+)件", tuple(f"applications.withheld_{r}.total" for r in (
        "state_secret", "prohibited_by_law", "security_stability", "third_party", "internal_affairs",
        "process_info", "enforcement_file", "admin_query"))),
    (rf"无法提供{_NP}{{0,6}}?(\d+)件", tuple(f"applications.unable_{r}.total" for r in ("not_held", "needs_creation", "unclear"))),
    (rf"不予处理{_NP}{{0,6}}?(\d+)件", tuple(f"applications.rejected_{r}.total" for r in (
        "petition", "duplicate", "publication", "excessive", "confirmation"))),
    (rf"行政复议{_NP}{{0,8}}?(\d+)[件起]", ("review_litigation.review.total",)),
    (rf"行政诉讼{_NP}{{0,8}}?(\d+)[件起]",
     ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total")),
)
# 规章 are made by provincial / city governments and ministries only, not by a county,
# district, township or street government, nor by a local department.
REGULATION_COUNTS = {"2021": ("issued", "repealed"), "2019": ("made", "published")}


def makes_regulations(agency: str) -> bool:
    if re.search(r"(县|区|镇|乡|街道)人民政府|街道办事处", agency):
        return False
    return bool(re.search(r"(省|自治区|市|州)人民政府(办公厅|办公室)?$", agency))


def soft_warnings(spec: Spec, expected: dict, prose_text: str) -> list[dict]:
    def val(k):
        t, r, c = k.split(".")
        return expected[t][r][c]

    out = []
    for pattern, cells in SOFT_PROSE_FIGURES:
        # A figure qualified by an applicant type (对自然人提出的申请…) is that column's share,
        # not the table's total: not a statement about the same quantity.
        stated = {
            int(m.group(1)) for m in re.finditer(pattern, prose_text)
            if not re.search(r"自然人|法人|其他组织", prose_text[max(0, m.start() - 12):m.end()])
        }
        vals = [val(k) for k in cells]
        if len(stated) == 1 and None not in vals and stated != {sum(vals)}:
            out.append({"rule": "prose.contradicts_table", "cells": list(cells)})
    if not makes_regulations(spec.agency):
        made = [f"proactive.regulations.{c}" for c in REGULATION_COUNTS[spec.template]
                if (val(f"proactive.regulations.{c}") or 0) > 0]
        if made:
            out.append({"rule": "plausibility.regulations", "cells": made})
    return out


def prose_text(spec: Spec, d: dict) -> str:
    """The report's text outside the tables, paragraph by paragraph (as in build_docx)."""
    P = prose(spec, d)
    one = list(P["one"])
    if P["filler"]:
        one.insert(3, "".join(P["filler"]))
    parts = [f"{spec.agency}{spec.year}年政府信息公开工作年度报告", P["intro"], "一、总体情况", *one,
             "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
             "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", *P["five"],
             "六、其他需要报告的事项", *P["six"]]
    if spec.profile != "seed":
        parts += [spec.agency, f"{spec.year + 1}年1月{10 + spec.seed % 18}日"]
    return "\n".join(parts)


def declared_warnings(spec: Spec) -> list[dict]:
    return [{"rule": r, "cells": list(cells)} for r, cells in spec.warnings]


# ====================================================================== prose

SEED_PROSE = {
    "intro": "根据《中华人民共和国政府信息公开条例》，特向社会公布2024年本机关政府信息公开工作年度报告。全文包括：总体情况；行政机关主动公开政府信息的情况；行政机关收到和处理政府信息公开申请的情况；因政府信息公开工作被申请行政复议、提起行政诉讼的情况；政府信息公开工作存在的主要问题及改进情况；其他需要报告的事项。报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。",
    "one": [
        "2024年，在区委区政府的有力指导下，我局紧紧围绕以人民为中心的发展理念，深入贯彻《中华人民共和国政府信息公开条例》，全力推进政府信息公开工作，致力于打造更加开放透明、人民满意的政府信息服务体系，为推动区域发展营造良好的政务环境 。",
        "1． 主动公开。泰山区行政审批服务局2024年持续拓宽公开领域，加大公开力度与深度。及时发布政策文件、工作动态等各类信息，全面优化政策解读机制，有效回应社会关切。在法定主动公开内容中共主动公开信息1186条。其中，其中履职依据4条，机构职能1条，规划信息1条，行政许可和其他管理服务信息1条，公务员招考1条，财政预决算4条，2024年重大项目公开信息18条，权责清单1条，行政权力运行公开24条，应急管理1条，其他法定信息1007条，重点领域信息公开123条。",
        "2． 依申请公开。依申请公开工作依法依规开展，严格遵循流程，确保高效、准确地处理每一项申请，切实保障公民的知情权与监督权。收到依申请公开28件，主要涉及审批业务相关信息，全部按时答复。",
        "3． 政府信息管理。我局高度重视政府信息管理，全面践行信息公开条例要求。构建规范机制，组建专业团队，专岗专人负责信息公开，确保信息更新及时、准确。在保证应公开信息全面公开的同时，对涉密及不宜公开内容严格保密。积极协调各科室，明确信息发布流程与标准，定期检查发布情况。一旦发现信息错漏、格式不规范等问题，第一时间启动整改流程，全力保障政务公开工作高质、高效开展 。",
        "4． 政府信息公开平台建设。我局始终秉持上级政府对信息公开工作的严格要求，积极落实各项相关指示，积极优化政府网站、政务新媒体等公开平台，提升用户体验，方便公众获取信息。专门抽调工作人员，专职负责在泰山区人民政府网站上的信息发布工作。政务大厅一楼设有政务公开专区，墙上张贴政府信息公开专栏，群众可通过电脑查阅政府信息公开内容，同时在该区摆放阅览架，摆放有政府公报、报纸等供群众阅读。单位开通有微信公众号、视频号、抖音号，通过该平台向外界展示局工作动态、发布重要通知公告、进行政策宣传解读。",
        "5.监督保障。我局高度重视政府信息公开监督保障，严格对标《中华人民共和国政府信息公开条例》，构建严密的监督体系，确保公开流程合法合规、严谨有序。紧跟省、市政务公开工作要点指引，立足本部门职能，深度结合行业实际，将各项工作任务细化分解，明确责任科室与完成时限，保障工作高效推进。同时，主动接受上级部门全方位的监督检查，对检查中发现的问题，及时整改。为强化内部管理，健全政府信息公开工作监督考核制度，切实提升信息公开质量与水平 。",
    ],
    "five": [
        "（一）主要问题：一是信息公开内容形式有待丰富。二是人员工作衔接不顺畅，科室间信息传递有时存在延迟。",
        "（二）改进措施：一是丰富信息内容形式，丰富优化“泰山政务”视频号、“泰山宣讲 政在身边”抖音号等平台宣传形式，持续做好在线直播等形式的政策解读、宣传，以更通俗易懂的方式向公众传递政策意图、政务声音。二是优化人员协作，建立信息公开联络群，各科室明确信息专员，实时沟通进展。",
    ],
    "six": [
        "1.依据《政府信息公开信息处理费管理办法》收取信息处理费情况：2024年，本单位未收取信息处理费。",
        "2.本行政机关落实上级年度政务公开工作要点情况：2024年，我局积极落实区政府办政务公开工作相关要求，专岗专人负责信息公开，确保信息更新及时、准确。积极协调各科室，明确信息发布流程与标准，定期检查发布情况。",
        "3.本行政机关人大代表建议和政协提案办理结果公开情况：2024年，我局未承办人大建议，承办政协提案2项。已全部按时答复，并进行了公示。",
        "4.本行政机关年度政务公开工作创新情况：2024年，我局持续拓宽公开领域，加大公开力度与深度。为提升办事透明度，打造“高效办成一件事”特色专栏。将复杂的办事流程精心制作成生动直观的视频，以可视化方式清晰呈现每个环节，让群众办事如同对照“操作指南”，一目了然，极大提升办事效率与体验。 在政策宣传解读方面，充分借助新媒体平台优势。在抖音号、视频号同步开展政务直播活动，政策解读专员化身“主播”，深入解读各类政策文件，同时设置实时互动环节，现场解答群众疑问，实现跨越空间的“面对面”沟通交流，有效拉近与群众的距离。此外，在公众号开设解读专栏，将直播过程中的重点内容精心整理，制作成视频及文字版本，方便群众随时回顾查阅，确保政策信息精准触达、深入人心。通过这些创新举措，我局政务公开工作实现了从传统方式向数字化、互动化的转变，为服务群众、优化营商环境注入新活力。",
    ],
}

FILLER = [
    "围绕优化营商环境、乡村振兴、民生保障等重点领域，及时发布政策文件和工作动态，做到应公开尽公开。",
    "坚持把政策解读与政策文件同步起草、同步审签、同步发布，综合运用图文、视频、问答等形式提升解读质量。",
    "健全政务舆情收集、研判、处置和回应机制，对涉及群众切身利益的热点问题第一时间回应关切。",
    "严格落实公文公开属性源头认定制度，在公文办理环节明确公开方式，从源头上提升公开规范化水平。",
    "定期对网站栏目进行梳理，及时清理空白栏目和过期信息，确保栏目设置科学、内容更新及时。",
    "组织开展政务公开业务培训，邀请上级业务骨干授课，进一步提升工作人员的业务能力和责任意识。",
    "畅通依申请公开受理渠道，通过当面、信函、网络等多种方式受理申请，严格按照法定时限答复。",
    "加强政府信息公开保密审查，坚持“先审查、后公开”和“一事一审”原则，防止泄密事件发生。",
    "持续推进基层政务公开标准化规范化建设，动态调整公开事项目录，推动公开标准落地见效。",
    "依托政务服务大厅设置政府信息公开查阅点，为群众提供政策咨询、信息查阅等便民服务。",
    "充分发挥政务新媒体传播快、覆盖广的优势，推动政务信息多渠道同步发布，扩大信息覆盖面。",
    "把政务公开工作纳入年度目标绩效考核，定期通报工作进展情况，形成一级抓一级的工作格局。",
    "认真做好人大代表建议和政协委员提案办理结果公开工作，主动接受社会监督。",
    "进一步规范政府信息发布审核流程，实行拟稿人初审、科室负责人复审、分管领导终审的三级审核制度。",
    "完善政策文件库，按照主题、发文机关、成文日期等要素对现行有效的规范性文件进行集中展示。",
    "加大财政预决算、重大建设项目、公共资源配置等重点领域信息公开力度，保障群众知情权和监督权。",
    "针对群众关心关注的教育、医疗、养老、就业等民生事项，及时发布办事指南，方便群众办事。",
    "积极开展政府开放日活动，邀请人大代表、政协委员和群众代表走进机关，面对面听取意见建议。",
    "加强对政府网站和政务新媒体的日常监测，发现错别字、链接失效等问题立即整改。",
    "严格执行信息发布前的个人信息保护审查，对涉及个人隐私的内容进行去标识化处理。",
]

GENERAL_OPEN = [
    "{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》（以下简称《条例》）和上级关于政务公开工作的部署要求，紧紧围绕中心工作，不断拓展公开内容、创新公开方式、规范公开程序，政府信息公开工作取得了新的成效。",
    "{year}年，{agency}在上级政务公开主管部门的指导下，认真贯彻落实《条例》，坚持“以公开为常态、不公开为例外”的原则，扎实推进决策、执行、管理、服务、结果公开，切实保障人民群众的知情权、参与权、表达权和监督权。",
]
SECTION_MGMT = [
    "（三）政府信息管理。严格落实政府信息公开审查制度，明确公开属性认定标准，做好信息发布前的保密审查。对现行有效的规范性文件进行全面清理，并在门户网站集中公开。",
    "（三）政府信息管理。建立健全信息发布协调机制，明确各科室信息报送职责，落实专人负责信息收集、审核和发布，确保信息准确、权威、及时。",
]
SECTION_PLATFORM = [
    "（四）政府信息公开平台建设。以政府门户网站为第一平台，持续优化政府信息公开专栏设置，同时依托政务新媒体、政务服务大厅、档案馆等渠道，拓宽信息公开渠道。",
    "（四）政府信息公开平台建设。加强政府网站和政务新媒体规范化管理，完善栏目设置，提高信息更新频率；在政务服务中心设立政府信息查阅点，为群众提供便利。",
]
SECTION_SUPERVISION = [
    "（五）监督保障。成立政务公开工作领导小组，主要负责同志亲自抓，分管负责同志具体抓，将政务公开工作纳入年度考核，年内未发生因政府信息公开工作引发的责任追究情况。",
    "（五）监督保障。把政务公开工作列入重要议事日程，定期研究部署；主动接受社会监督，通过门户网站公布监督电话，认真受理群众意见建议。",
]
SECTION_FIVE = [
    "（一）存在的主要问题。一是政策解读形式还不够丰富，图解、视频等解读方式运用不多；二是部分栏目信息更新还不够及时；三是工作人员业务能力有待进一步提升。",
    "（二）改进措施。一是丰富解读形式，推动政策解读多元化、可视化；二是建立栏目更新台账，定期检查通报；三是加强业务培训，提升工作人员的业务水平和责任意识。",
]


def prose(spec: Spec, data: dict) -> dict:
    rng = Random(spec.seed * 17 + 9)
    if spec.profile == "seed":
        return SEED_PROSE | {"filler": []}
    con = data["consistent"]["applications"]
    tot = {r: con[r]["total"] for r in con}
    y, ag = spec.year, spec.agency
    fmt_no = "国办公开办函〔2019〕60号" if spec.template == "2019" else "国办公开办函〔2021〕30号"
    intro = (f"本报告根据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室关于"
             f"印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（{fmt_no}）要求编制。全文包括总体情况、"
             f"主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要"
             f"问题及改进情况、其他需要报告的事项。本报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
             f"如对本报告有疑问，请与{ag}办公室联系（电话：0{rng.randint(310, 999)}-{rng.randint(2000000, 8999999)}）。")
    n_pub = rng.randint(60, 2400) if spec.profile not in ("zeros", "small") else rng.randint(15, 180)
    withheld = sum(v for k, v in tot.items() if k.startswith("withheld_"))
    unable = sum(v for k, v in tot.items() if k.startswith("unable_"))
    rejected = sum(v for k, v in tot.items() if k.startswith("rejected_"))
    other = sum(v for k, v in tot.items() if k.startswith("other"))
    natural = {r: con[r]["natural_person"] for r in con}
    if spec.prose_variant == "granted_natural":
        # the narrative's 予以公开 is the 自然人 column only (as in some real reports)
        apply_txt = (f"（二）依申请公开。{y}年，{ag}共收到政府信息公开申请{tot['new_received']}件，"
                     f"上年结转{tot['carried_over']}件；本年度办结{tot['total_handled']}件，结转下年度继续"
                     f"办理{tot['carried_forward']}件。从申请人类型看，自然人申请占绝大多数，"
                     f"对自然人提出的申请予以公开{natural['granted']}件，其余申请均依法作出答复。"
                     f"所有申请均在法定期限内答复。")
    elif spec.prose_variant == "received_natural":
        # the narrative's count of applications is the 自然人 column only
        apply_txt = (f"（二）依申请公开。{y}年，{ag}全年共受理政府信息公开申请{natural['new_received']}件，"
                     f"均已办结。其中，予以公开{tot['granted']}件，"
                     f"部分公开{tot['partially_granted']}件，无法提供{unable}件。")
    elif tot["new_received"]:
        apply_txt = (f"（二）依申请公开。{y}年，{ag}共收到政府信息公开申请{tot['new_received']}件，"
                     f"上年结转{tot['carried_over']}件；本年度办结{tot['total_handled']}件，其中予以公开"
                     f"{tot['granted']}件，部分公开{tot['partially_granted']}件，不予公开{withheld}件，"
                     f"无法提供{unable}件，不予处理{rejected}件，其他处理{other}件；结转下年度继续办理"
                     f"{tot['carried_forward']}件。所有申请均在法定期限内答复。")
    else:
        apply_txt = f"（二）依申请公开。{y}年，{ag}未收到政府信息公开申请。"
    one = [
        rng.choice(GENERAL_OPEN).format(year=y, agency=ag),
        (f"（一）主动公开。全年通过政府门户网站主动公开政府信息{n_pub}条，其中政策文件"
         f"{rng.randint(3, 60)}条、政策解读{rng.randint(2, 30)}条、工作动态{rng.randint(10, 400)}条。"
         f"持续做好重点领域信息公开，及时更新机构职能、权责清单、财政预决算等法定主动公开内容。"),
        apply_txt,
        rng.choice(SECTION_MGMT), rng.choice(SECTION_PLATFORM), rng.choice(SECTION_SUPERVISION),
    ]
    if spec.prose_variant == "review_concluded":
        # 行政复议: only the concluded cases (总计 − 尚未审结); 行政诉讼: both groups, correct
        rev = data["consistent"]["review_litigation"]
        concluded = rev["review"]["total"] - rev["review"]["pending"]
        suits = rev["litigation_direct"]["total"] + rev["litigation_after_review"]["total"]
        assert concluded != rev["review"]["total"], spec.name
        one[2] += f"全年共发生政府信息公开行政复议{concluded}件、行政诉讼{suits}件。"
    regs = data["consistent"]["proactive"]["regulations"]
    if spec.regulations and spec.template == "2021":
        one[1] += (f"本年度制发规章{regs['issued']}件，废止规章{regs['repealed']}件，"
                   f"现行有效规章{regs['in_force']}件，均已在门户网站公开。")
    frng = Random(spec.seed * 19 + 2)
    filler = [FILLER[(i + frng.randint(0, 0)) % len(FILLER)] for i in range(spec.push)]
    frng.shuffle(filler)
    fee_txt = f"{y}年，本机关未收取信息处理费。"
    six = [
        f"1．依据《政府信息公开信息处理费管理办法》收取信息处理费情况：{fee_txt}",
        f"2．本行政机关落实上级年度政务公开工作要点情况：{y}年，{ag}对照年度政务公开工作要点，"
        f"逐项细化工作任务，明确责任科室和完成时限，各项任务均已按要求完成。",
        f"3．本行政机关人大代表建议和政协提案办理结果公开情况：{y}年，共承办人大代表建议"
        f"{rng.randint(0, 30)}件、政协委员提案{rng.randint(0, 30)}件，均已按期办结并公开办理结果。",
    ]
    return {"intro": intro, "one": one, "five": list(SECTION_FIVE), "six": six, "filler": filler}


# ====================================================================== docx helpers


def set_run_font(run, size=None, bold=False, font=SERIF, color=None, latin=None):
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(a), font)
    if latin:  # Word / WPS: digits and Latin letters in a Latin font (Times New Roman-like)
        for a in ("w:ascii", "w:hAnsi", "w:cs"):
            rfonts.set(qn(a), latin)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def para(doc, text, size, bold=False, font=SERIF, align=None, indent=True, space_after=0, line=None):
    p = doc.add_paragraph()
    pf = p.paragraph_format
    if indent:
        pf.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    pf.space_after = Pt(space_after)
    pf.space_before = Pt(0)
    if line:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line)
    run = p.add_run(text)
    set_run_font(run, size, bold, font)
    return p


# Table-cell style of the real-producer samples (set by `producer_style` while their
# tables are built; empty for every other sample, which then prints as before).
CELL_STYLE: dict = {}
PRODUCERS = {
    # WPS: Times New Roman-like digits, 0.5 pt rules
    "wps": {"latin": "Liberation Serif", "border": 4},
    # Word: Times New Roman-like digits, 0.5 pt rules, Word's default cell margins
    "word": {"latin": "Liberation Serif", "border": 4, "margin_cm": 0.19},
    # LibreOffice: sans table text (Liberation Sans digits), hairline rules, 1.15 line spacing
    "lo": {"font": SANS, "latin": "Liberation Sans", "border": 2, "line_mult": 1.15},
}


def producer_style(spec: Spec) -> dict:
    st = dict(PRODUCERS.get(spec.producer, {}))
    if spec.tight:
        st["line_pt"] = spec.table_pt + 0.6  # exact: wrapped lines nearly touch
    return st


def set_text_direction(cell, value="tbRl"):
    tcPr = cell._tc.get_or_add_tcPr()
    td = OxmlElement("w:textDirection")
    td.set(qn("w:val"), value)
    valign = tcPr.find(qn("w:vAlign"))
    if valign is not None:
        valign.addprevious(td)
    else:
        tcPr.append(td)


def set_cell(cell, text, size, align="center", bold=False, font=SERIF, hidden=None):
    st = CELL_STYLE
    if st.get("font") and font == SERIF:
        font = st["font"]
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    p = cell.paragraphs[0]
    for r in list(p.runs):
        r._element.getparent().remove(r._element)
    p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
    pf = p.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    pf.line_spacing = 1.0
    if st.get("line_pt"):
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(st["line_pt"])
    elif st.get("line_mult"):
        pf.line_spacing = st["line_mult"]
    pf.first_line_indent = Pt(0)
    parts = text.split("\n")
    for i, part in enumerate(parts):
        run = p.add_run(part)
        set_run_font(run, size, bold, font, latin=st.get("latin"))
        if i < len(parts) - 1:
            run.add_break()
    if hidden:
        kind, htxt = hidden
        if kind == "white":
            run = p.add_run(htxt)  # small enough to stay on the number's line
            set_run_font(run, round(size * 0.6), False, font, color="FFFFFF")
        else:
            run = p.add_run(htxt)
            set_run_font(run, 1, False, font)


def table_setup(table, widths_cm, cell_margin_cm=None):
    tbl = table._tbl
    tblPr = tbl.tblPr
    for tag in ("w:tblLayout", "w:tblBorders"):
        old = tblPr.find(qn(tag))
        if old is not None:
            tblPr.remove(old)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), str(CELL_STYLE.get("border", 6)))
        b.set(qn("w:space"), "0")
        b.set(qn("w:color"), "000000")
        borders.append(b)
    tblPr.append(borders)
    tblPr.append(layout)
    if cell_margin_cm is None:
        cell_margin_cm = CELL_STYLE.get("margin_cm")
    if cell_margin_cm is not None:
        mar = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            m = OxmlElement(f"w:{side}")
            m.set(qn("w:w"), str(int(cell_margin_cm * 567)))
            m.set(qn("w:type"), "dxa")
            mar.append(m)
        tblPr.append(mar)
    table.autofit = False
    for i, w in enumerate(widths_cm):
        table.columns[i].width = Cm(w)
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = Cm(widths_cm[i])


def row_props(row, cant_split=True, header=False, min_height_cm=None):
    trPr = row._tr.get_or_add_trPr()
    if cant_split:
        trPr.append(OxmlElement("w:cantSplit"))
    if header:
        trPr.append(OxmlElement("w:tblHeader"))
    if min_height_cm:
        h = OxmlElement("w:trHeight")
        h.set(qn("w:val"), str(int(min_height_cm * 567)))
        h.set(qn("w:hRule"), "atLeast")
        trPr.append(h)


def shade(cell, fill="D9E2F3"):
    tcPr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcPr.append(shd)


# ====================================================================== labels


def variant_label(text: str, labels: tuple) -> str:
    if "nonum" in labels:
        text = re.sub(r"^\d[.、]", "", text)
    if "dun" in labels:
        text = re.sub(r"^(\d)\.", r"\1、", text)
    if "halfwidth" in labels:
        text = text.replace("（", "(").replace("）", ")")
    return text


def wrap_label(text: str, width: int) -> str:
    """Explicit line breaks: split into chunks of `width` characters (2–3 lines)."""
    if len(text) <= width:
        return text
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


# ====================================================================== tables


def text_width(spec: Spec) -> float:
    return 21.0 - 2.8 - 2.6


def add_proactive_table(doc, spec: Spec, d: dict):
    v = spec.template
    pt = spec.table_pt
    rows_spec = PROACTIVE_ROWS[v]
    colnames = PROACTIVE_COLUMNS[v]
    printed = d["printed"]["proactive"]
    # layout: list of ("block", heading) / ("head", [labels]) / ("data", rowkey)
    blocks: list[tuple[str, list[str]]] = []
    for rk, (_, cols, heading) in rows_spec.items():
        key = (heading, cols)
        if not blocks or blocks[-1][0] != key:
            blocks.append((key, []))
        blocks[-1][1].append(rk)
    lines = []
    for (heading, cols), rks in blocks:
        if v == "2019":
            heading = {"第二十条第（一）项": "第二十条第（一）项", }.get(heading, heading)
        lines.append(("block", heading, None))
        lines.append(("head", ["信息内容"] + [colnames[c] for c in cols], cols))
        for rk in rks:
            lines.append(("data", rk, cols))
    tw = text_width(spec)
    widths = [tw * 0.31] + [tw * 0.23] * 3
    t = doc.add_table(rows=len(lines), cols=4)
    table_setup(t, widths)
    for i, (kind, a, cols) in enumerate(lines):
        row = t.rows[i]
        row_props(row, min_height_cm=0.6)
        if kind == "block":
            c = t.cell(i, 0).merge(t.cell(i, 3))
            set_cell(c, a, pt, align="left")
            if spec.shade_blocks:
                shade(c, spec.shade_fill)
            continue
        ncols = len(cols)
        # value cells: a single column spans 1..3, two columns: second spans 2..3
        spans = {1: [(1, 3)], 2: [(1, 1), (2, 3)], 3: [(1, 1), (2, 2), (3, 3)]}[ncols]
        if kind == "head":
            set_cell(t.cell(i, 0), a[0], pt)
            if spec.shade_heads:
                shade(t.cell(i, 0), spec.shade_heads)
            for (s, e), label in zip(spans, a[1:]):
                c = t.cell(i, s).merge(t.cell(i, e)) if e > s else t.cell(i, s)
                set_cell(c, label, pt)
                if spec.shade_heads:
                    shade(c, spec.shade_heads)
        else:
            label = rows_spec[a][0]
            if spec.profile == "seed" and a == "penalty":
                label = "     " + label
            set_cell(t.cell(i, 0), label, pt)
            for (s, e), ck in zip(spans, cols):
                c = t.cell(i, s).merge(t.cell(i, e)) if e > s else t.cell(i, s)
                set_cell(c, printed[a][ck], pt, hidden=d["hidden"].get(f"proactive.{a}.{ck}"))
    return t


def printed_rows(spec: Spec) -> tuple:
    """Section 三's rows as printed: the template's, or （六） as one row in a 2021 report."""
    rows = APPLICATION_ROWS[spec.template]
    if spec.other_layout == "split":
        return rows
    keys = [r.key for r in rows]
    i = keys.index(OTHER_SUBROWS[0])
    other = next(r for r in APPLICATION_ROWS["2019"] if r.key == "other")
    return rows[:i] + (other,) + rows[i + len(OTHER_SUBROWS):]


NUMBERING = {
    "dun": lambda n: f"{n}、", "dot": lambda n: f"{n}.", "paren": lambda n: f"（{n}）",
    "hwparen": lambda n: f"({n})", "circled": lambda n: "①②③④⑤⑥⑦⑧⑨"[n - 1],
    "fwdot": lambda n: f"{chr(0xFF10 + n)}．",
}


def add_applications_table(doc, spec: Spec, d: dict, tw: float | None = None):
    pt = spec.table_pt
    L = spec.labels
    rows = printed_rows(spec)
    printed = d["printed"]["applications"]
    tw = tw or text_width(spec)
    if spec.narrow:
        data_w = [0.85] * 7
    elif spec.table_pt >= 13:
        data_w = [1.15] * 7
    else:
        data_w = [1.18] * 7
    rest = tw - sum(data_w)
    if spec.label_widths:
        label_w = [spec.label_widths[0], spec.label_widths[1], rest - sum(spec.label_widths[:2])]
    elif "wrap" in L:
        label_w = [1.3, 1.6, rest - 2.9]
    else:
        label_w = [rest * 0.19, rest * 0.21, rest * 0.60]
    widths = label_w + data_w
    t = doc.add_table(rows=3 + len(rows), cols=10)
    table_setup(t, widths)
    for i, row in enumerate(t.rows):
        row_props(row, header=(i < 3 and spec.repeat_header), min_height_cm=0.55)
    # header
    note = CORNER_NOTE
    if spec.profile == "seed":
        note = "（本列数据的勾稽关系为：第一项加第二项之和，\n等于第三项加第四项之和）"
    if "halfwidth" in L:
        note = note.replace("（", "(").replace("）", ")")
    set_cell(t.cell(0, 0).merge(t.cell(2, 2)), note, pt, align="left")
    set_cell(t.cell(0, 3).merge(t.cell(0, 9)), "申请人情况", pt)
    set_cell(t.cell(1, 3).merge(t.cell(2, 3)), "自然人", pt)
    org = "法人或其它组织" if "org_alt" in L else "法人或其他组织"
    set_cell(t.cell(1, 4).merge(t.cell(1, 8)), org, pt)
    set_cell(t.cell(1, 9).merge(t.cell(2, 9)), "总计", pt)
    for j, c in enumerate(APPLICATION_COLUMNS[1:6]):
        set_cell(t.cell(2, 4 + j), c.label, pt)
    # body
    r0 = 3
    idx = {r.key: r0 + i for i, r in enumerate(rows)}
    results = [r for r in rows if r.key not in ("new_received", "carried_over", "carried_forward")]
    wrapw = 5 if "wrap" in L else 0

    overrides = dict(spec.label_map)
    numbering = dict(spec.numbering)

    def lab(text, level, key=None):
        if key in overrides:
            return overrides[key]
        text = variant_label(text, L)
        m = re.match(r"^(\d)\.", text)
        if level == 3 and m and key:
            group = next(r.group for r in rows if r.key == key)
            if group in numbering:
                text = NUMBERING[numbering[group]](int(m.group(1))) + text[2:]
        if spec.profile == "seed" and text.startswith("5.要求行政机关确认"):
            return "5.要求行政机关确认或重新\n出具已获取信息"
        if wrapw and level == 3 and len(text) > 7:
            n = 3 if len(text) > 16 else 2
            w = min(9, -(-len(text) // n))  # chunks must fit the column (no natural wrap)
            return wrap_label(text, w)
        if wrapw and level == 2:  # the narrow vertical group labels
            return wrap_label(text, 4)
        if wrapw and level == "2m" and len(text) > 8:  # merged across cols 1-2
            return wrap_label(text, -(-len(text) // (3 if len(text) > 20 else 2)))
        return text

    for rk in ("new_received", "carried_over", "carried_forward"):
        i = idx[rk]
        label = next(r.label for r in rows if r.key == rk)
        set_cell(t.cell(i, 0).merge(t.cell(i, 2)), lab(label, 1, rk), pt, align="left")
    first, last = idx[results[0].key], idx[results[-1].key]
    groups: dict[str, list[int]] = {}
    for r in results:
        i = idx[r.key]
        if r.group:
            groups.setdefault(r.group, []).append(i)
            set_cell(t.cell(i, 2), lab(r.label, 3, r.key), pt, align="left")
        elif r.key == "other" and spec.other_layout == "single_emptymid":
            # （六）其他处理 in the level-2 cell, the level-3 cell left empty
            set_cell(t.cell(i, 1), lab(r.label, 2, r.key), pt, align="left")
            set_cell(t.cell(i, 2), "", pt)
        else:
            set_cell(t.cell(i, 1).merge(t.cell(i, 2)), lab(r.label, "2m", r.key), pt, align="left")
    for g, ii in groups.items():
        set_cell(t.cell(ii[0], 1).merge(t.cell(ii[-1], 1)), lab(g, 2, "g:" + g), pt, align="left")
    results_cell = t.cell(first, 0).merge(t.cell(last, 0))
    results_label = lab(APPLICATION_RESULTS_LABEL, 2, "results")
    if spec.vertical == "breaks":  # one character per line (WPS)
        results_label = "\n".join(results_label.replace("\n", ""))
    set_cell(results_cell, results_label, pt)
    if spec.vertical == "tbrl":  # text direction top-to-bottom, right-to-left
        set_text_direction(results_cell)
    for r in rows:
        i = idx[r.key]
        for j, c in enumerate(APPLICATION_COLUMNS):
            set_cell(t.cell(i, 3 + j), printed[r.key][c.key], pt,
                     hidden=d["hidden"].get(f"applications.{r.key}.{c.key}"))
    return t


def add_review_table(doc, spec: Spec, d: dict, width_cm: float):
    pt = spec.table_pt if spec.table_pt < 13 else 12
    printed = d["printed"]["review_litigation"]
    t = doc.add_table(rows=4, cols=15)
    table_setup(t, [width_cm / 15] * 15, cell_margin_cm=0.08)
    for i, row in enumerate(t.rows):
        row_props(row, min_height_cm=0.6 if i < 3 else 0.9)
    seed = spec.profile == "seed"
    set_cell(t.cell(0, 0).merge(t.cell(0, 4)), "行政复议", pt)
    set_cell(t.cell(0, 5).merge(t.cell(0, 14)), "行政诉讼", pt)
    top = ["结果\n维持", "结果纠正", "其他结果", "尚未\n审结", "总\n计"] if seed else [c.label for c in REVIEW_COLUMNS]
    for j, lab in enumerate(top):
        set_cell(t.cell(1, j).merge(t.cell(2, j)), lab, pt)
    set_cell(t.cell(1, 5).merge(t.cell(1, 9)), "未经复议直接起诉", pt)
    set_cell(t.cell(1, 10).merge(t.cell(1, 14)), "复议后起诉", pt)
    for k in range(2):
        for j, c in enumerate(REVIEW_COLUMNS):
            set_cell(t.cell(2, 5 + 5 * k + j), c.label, pt)
    for gi, g in enumerate(REVIEW_ROWS):
        for j, c in enumerate(REVIEW_COLUMNS):
            set_cell(t.cell(3, 5 * gi + j), printed[g.key][c.key], pt,
                     hidden=d["hidden"].get(f"review_litigation.{g.key}.{c.key}"))
    # keep the small table on one page (keep-with-next on the header rows)
    for row in (t.rows[:3] if spec.review_keep else []):
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True
    return t


def set_section(section, landscape: bool):
    w, h = Cm(21.0), Cm(29.7)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (h, w) if landscape else (w, h)
    section.top_margin = Cm(3.3 if not landscape else 2.6)
    section.bottom_margin = Cm(3.0 if not landscape else 2.4)
    section.left_margin = Cm(2.8)
    section.right_margin = Cm(2.6)


def build_docx(spec: Spec, d: dict, path: Path):
    doc = Document()
    st = doc.styles["Normal"]
    st.font.name = SERIF
    st.font.size = Pt(spec.body_pt)
    rpr = st.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    rfonts.set(qn("w:eastAsia"), SERIF)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    set_section(doc.sections[0], False)
    body = spec.body_pt
    line = body * 1.75
    P = prose(spec, d)
    para(doc, f"{spec.agency}{spec.year}年政府信息公开工作年度报告", 20, bold=True, font=SANS,
         align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=18)
    para(doc, P["intro"], body, line=line)
    para(doc, "一、总体情况", body, bold=True, font=SANS, line=line)
    for i, t in enumerate(P["one"]):
        para(doc, t, body, line=line)
        if i == 2 and P["filler"]:
            para(doc, "".join(P["filler"]), body, line=line)
    CELL_STYLE.clear()
    CELL_STYLE.update(producer_style(spec))

    def heading(text, new_page=False, keep=True):
        h = para(doc, text, body, bold=True, font=SANS, line=line)
        if keep:
            h.paragraph_format.keep_with_next = True
        if new_page:
            h.paragraph_format.page_break_before = True
        return h

    heading("二、主动公开政府信息情况", spec.table_pages)
    add_proactive_table(doc, spec, d)
    para(doc, "", body, line=line, indent=False)
    if spec.spacer_pt:
        para(doc, "", body, line=spec.spacer_pt, indent=False)
    aw = None
    if spec.landscape_apps:
        sec = doc.add_section(WD_SECTION.NEW_PAGE)
        set_section(sec, True)
        aw = 29.7 - 2.8 - 2.6
    heading("三、收到和处理政府信息公开申请情况", spec.table_pages and not spec.landscape_apps)
    add_applications_table(doc, spec, d, aw)
    # (table-only pages: a 1 pt paragraph, so that a full page does not spill a blank one)
    para(doc, "", body, line=1 if spec.table_pages else line, indent=False)
    if spec.landscape_apps and not spec.landscape_review:
        sec = doc.add_section(WD_SECTION.NEW_PAGE)
        set_section(sec, False)
    if spec.landscape_review:
        sec = doc.add_section(WD_SECTION.NEW_PAGE)
        set_section(sec, True)
        rw = 29.7 - 2.8 - 2.6
    else:
        rw = spec.review_width_cm or text_width(spec)
    heading("四、政府信息公开行政复议、行政诉讼情况",
            spec.table_pages and not (spec.landscape_apps or spec.landscape_review))
    add_review_table(doc, spec, d, rw)
    CELL_STYLE.clear()
    para(doc, "", body, line=line, indent=False)
    if spec.landscape_review:
        sec = doc.add_section(WD_SECTION.NEW_PAGE)
        set_section(sec, False)
    heading("五、存在的主要问题及改进情况", spec.table_pages and not spec.landscape_review, keep=False)
    for t in P["five"]:
        para(doc, t, body, line=line)
    para(doc, "六、其他需要报告的事项", body, bold=True, font=SANS, line=line)
    for t in P["six"]:
        para(doc, t, body, line=line)
    if spec.profile != "seed":
        para(doc, spec.agency, body, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False, line=line)
        para(doc, f"{spec.year + 1}年1月{10 + spec.seed % 18}日", body, align=WD_ALIGN_PARAGRAPH.RIGHT,
             indent=False, line=line)
    # fixed core properties (docx only; the PDF gets its own post-processing)
    cp = doc.core_properties
    cp.author = spec.agency
    cp.title = f"{spec.agency}{spec.year}年政府信息公开工作年度报告"
    doc.save(str(path))


# ====================================================================== PDF


def convert(docx_paths: list[Path], outdir: Path):
    if not docx_paths:
        return
    with tempfile.TemporaryDirectory() as prof:
        cmd = ["soffice", f"-env:UserInstallation=file://{prof}", "--headless", "--convert-to", "pdf",
               "--outdir", str(outdir)] + [str(p) for p in docx_paths]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=1800)
    for p in docx_paths:
        if not (outdir / (p.stem + ".pdf")).exists():
            raise RuntimeError(f"LibreOffice did not produce {p.stem}.pdf")


def normalize_pdf(data: bytes, spec: Spec) -> bytes:
    stamp = f"{spec.year + 1}01{10 + spec.seed % 18:02d}093000".encode()

    def date(m):
        return m.group(1) + stamp[: len(m.group(2))].ljust(len(m.group(2)), b"0")
    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)(\d+)", date, data)
    digest = hashlib.md5(spec.name.encode()).hexdigest().upper().encode()

    def ident(m):
        h = m.group(0)
        return re.sub(rb"<([0-9A-Fa-f]+)>", lambda x: b"<" + (digest * 4)[: len(x.group(1))] + b">", h)
    data = re.sub(rb"/ID\s*\[[^\]]*\]", ident, data)
    # LibreOffice's trailer /DocChecksum (an MD5 over the file, which includes the date)
    data = re.sub(rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)",
                  lambda m: m.group(1) + (digest[::-1] * 4)[: len(m.group(2))], data)
    # font subset tags: rename deterministically (same length) in order of appearance
    tags: dict[bytes, bytes] = {}
    for m in re.finditer(rb"/([A-Z]{6})\+", data):
        tags.setdefault(m.group(1), None)
    if tags and not all(re.fullmatch(rb"[A-Z]AAAAA", t) for t in tags):
        for i, t in enumerate(tags):
            n, s = i, ""
            for _ in range(6):
                s = chr(65 + n % 26) + s
                n //= 26
            tags[t] = s.encode()
        data = re.sub(rb"/([A-Z]{6})\+", lambda m: b"/" + tags[m.group(1)] + b"+", data)
    return data


def encrypt_pdf(path: Path, spec: Spec):
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import UserAccessPermissions as UAP
    from pypdf.generic import ArrayObject, ByteStringObject

    reader = PdfReader(str(path))
    writer = PdfWriter(clone_from=reader)
    fid = hashlib.md5(spec.name.encode()).digest()
    writer._ID = ArrayObject([ByteStringObject(fid), ByteStringObject(fid)])
    writer.generate_file_identifiers = lambda: None  # keep the fixed /ID (RC4 key input)
    perms = UAP.PRINT | UAP.PRINT_TO_REPRESENTATION
    writer.encrypt(user_password="", owner_password="owner-x", permissions_flag=perms, algorithm="RC4-128")
    writer.add_metadata({"/Producer": "LibreOffice; pypdf", "/CreationDate":
                         f"D:{spec.year + 1}0120093000Z"})
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        writer.write(f)
    tmp.replace(path)


# ====================================================================== verification

SPLIT_MARKS = {
    "withheld": ("国家秘密", "行政查询"),
    "unable": ("不掌握", "补正后"),
    "proactive": ("第二十条第（一）项", "行政事业性收费"),
    "exact": ("没有现成", "补正后"),
}


def _find_page(pages_text, needle, start=0):
    for i, t in enumerate(pages_text):
        if i >= start and needle in t.replace(" ", "").replace("\n", ""):
            return i
    return None


def split_ok(pdf: Path, spec: Spec) -> bool | None:
    if not spec.split:
        return None
    import pdfplumber
    with pdfplumber.open(str(pdf)) as doc:
        texts = [p.extract_text() or "" for p in doc.pages]
    head = _find_page(texts, "三、收到和处理" if spec.split != "proactive" else "二、主动公开")
    a, b = SPLIT_MARKS[spec.split]
    pa = _find_page(texts, a, head or 0)
    pb = _find_page(texts, b, head or 0)
    return None not in (head, pa, pb) and pb == pa + 1 and head <= pa


def foot_gap(pdf: Path, needle: str) -> float | None:
    """Points between the last ruling of the page holding `needle` and the bottom margin
    (the table ends the page exactly when this is smaller than a row)."""
    import pdfplumber
    with pdfplumber.open(str(pdf)) as doc:
        for p in doc.pages:
            if any(needle in w["text"] for w in p.extract_words()):
                last = max(e["top"] for e in p.edges if e["orientation"] == "h")
                return round(float(p.height) - 3.0 / 2.54 * 72 - last, 1)
    return None


def wrapped_numbers(pdf: Path, d: dict) -> list[str]:
    """Numbers (>=3 digits) of section 三 that do not appear as one word: wrapped in the cell."""
    import pdfplumber
    with pdfplumber.open(str(pdf)) as doc:
        words = {w["text"] for p in doc.pages for w in p.extract_words()}
    out = []
    for r, cols in d["printed"]["applications"].items():
        for c, s in cols.items():
            s2 = s.strip().replace(IDEO, "")
            if len(s2) >= 3 and s2 not in words:
                out.append(f"{r}.{c}={s2}")
    return out


# ====================================================================== driver


def expected_json(spec: Spec, d: dict) -> str:
    doc = {
        "report": {"agency": spec.agency, "year": spec.year, "template": spec.template},
        "tables": d["expected"],
        "findings": check(d["expected"], spec.template),
    }
    if spec.warnings:  # only when non-empty: the other samples' JSON stays as it was
        doc["warnings"] = declared_warnings(spec)
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def generate(specs: list[Spec], keep_docx: Path | None = None, verify=True, batch: list[Spec] | None = None):
    """Write `specs`. `batch` (a superset, in SPECS order) is what LibreOffice converts in one
    call: LibreOffice numbers embedded Type 1 fonts (/UniqueID) across the batch, so the
    samples before a sample in SPECS must be converted too for byte-identical output."""
    batch = batch or specs
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        datas = {}
        paths = []
        for s in batch:
            d = build_data(s)
            datas[s.name] = d
            if s in specs:
                soft = soft_warnings(s, d["expected"], prose_text(s, d))
                key = lambda ws: sorted((w["rule"], tuple(w["cells"])) for w in ws)  # noqa: E731
                if key(soft) != key(declared_warnings(s)):
                    print(f"WARN {s.name}: soft-check warnings recomputed from the prose and values "
                          f"{key(soft)} differ from the declared ones {key(declared_warnings(s))}")
            p = tmp / f"{s.name}.docx"
            build_docx(s, d, p)
            paths.append(p)
        for group in sorted({s.conversion for s in batch}):
            convert([p for s, p in zip(batch, paths) if s.conversion == group], tmp)
        for s in specs:
            pdf_bytes = normalize_pdf((tmp / f"{s.name}.pdf").read_bytes(), s)
            out = SAMPLES_DIR / f"{s.name}.pdf"
            out.write_bytes(pdf_bytes)
            if verify:
                ok = split_ok(out, s)
                if ok is False:
                    print(f"WARN {s.name}: page split not at the intended place ({s.split})")
                if s.split == "exact":
                    gap = foot_gap(out, SPLIT_MARKS["exact"][0])
                    if gap is None or gap > 3.0:
                        print(f"WARN {s.name}: the row before the break leaves {gap} pt at the page foot")
                if s.narrow or s.table_pt >= 13:
                    w = wrapped_numbers(out, datas[s.name])
                    print(f"{s.name}: {len(w)} wrapped numbers in 三 {w[:4]}")
            if s.encrypt:
                encrypt_pdf(out, s)
            (SAMPLES_DIR / f"{s.name}.expected.json").write_text(expected_json(s, datas[s.name]), encoding="utf-8")
            if keep_docx:
                keep_docx.mkdir(parents=True, exist_ok=True)
                shutil.copy(tmp / f"{s.name}.docx", keep_docx / f"{s.name}.docx")
            print(f"wrote {s.name}.pdf")


def calibrate(specs: list[Spec], max_push=34):
    """Find the smallest `push` giving the intended page split, for each split sample."""
    import dataclasses
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        paths, variants = [], []
        for s in specs:
            if not s.split:
                continue
            for k in range(max_push + 1):
                v = dataclasses.replace(s, name=f"{s.name}__{k}", push=k)
                d = build_data(v)
                p = tmp / f"{v.name}.docx"
                build_docx(v, d, p)
                paths.append(p)
                variants.append((s.name, k, v))
        convert(paths, tmp)
        found: dict[str, list[int]] = {}
        for name, k, v in variants:
            if split_ok(tmp / f"{v.name}.pdf", v):
                found.setdefault(name, []).append(k)
        for s in specs:
            if s.split:
                print(s.name, "current", s.push, "ok pushes:", found.get(s.name))


def write_readme():
    rows = "\n".join(
        f"| `{s.name}` | {s.template} | {s.year} | {s.agency} | {'; '.join(s.features)} |"
        for s in SPECS)
    # rows of samples made by other scripts (e.g. make_picture_samples.py) are kept
    readme = SAMPLES_DIR / "README.md"
    ours = {s.name for s in SPECS}
    if readme.exists():
        samples_part = readme.read_text(encoding="utf-8").split("## Samples", 1)[-1].split("###", 1)[0]
        for line in samples_part.splitlines():
            m = re.match(r"\| `([^`]+)` \| (2019|2021) \|", line)
            if m and m.group(1) not in ours:
                rows += "\n" + line
    errs = "\n".join(f"| `{s.name}` | " + ", ".join(f"`{k}` {d:+d}" for k, d in s.errors) + " |"
                     for s in SPECS if s.errors)
    text = f"""# Sample corpus

Synthetic 政府信息公开工作年度报告 PDFs (plus one real report, `seed-2024`) with the values a
correct extractor must return. Each `<name>.pdf` has a `<name>.expected.json`:

```
{{"report": {{"agency": ..., "year": ..., "template": "2019" | "2021"}},
 "tables": {{"proactive": {{...}}, "applications": {{...}}, "review_litigation": {{...}}}},
 "findings": [{{"rule": "applications.row_total", "cells": [...]}}, ...],
 "warnings": [{{"rule": "prose.contradicts_table", "cells": [...]}}, ...]}}
```

- Every row/column key of the sample's template version is present (keys from
  `extract/template.py`). A 2021-format report that prints （六）其他处理 as ONE row
  (`*-other-*`) has that row's values under the 2019 key `other` and the three 2021 sub-rows
  (`other_overdue_correction`, `other_overdue_fee`, `other_other`) all null; the checker
  then sums `other` in the column total. Keys absent from an expected JSON are not compared.
- Values: `int`, `float` for decimals (fees), a string only for unit-bearing amounts as
  printed (`"251000元"`, 2019 procurement), `null` for blank / `/` / `—` / `－` / `无`.
  Full-width digits, ideographic spaces and thousands separators are normalised
  (`３,９８５` → 3985). Hidden text (white or 1 pt runs) is not part of the value.
- `findings` lists only the error findings of the four consistency rules
  (`applications.balance`, `applications.row_total`, `applications.column_total`,
  `review_litigation.total`), computed by an independent null-aware checker in
  `generate.py` over the expected values: a rule involving a null cell is not an error.
  Consistent samples have `"findings": []`.
- `warnings` (optional, present only when non-empty) lists the soft-check warnings a
  correct tool must report: `prose.contradicts_table` (a figure stated once in the prose —
  收到/受理…申请N件, 予以公开N件, 部分公开N件, 行政复议N件, 行政诉讼N件 — differs from the
  table cells it describes; `cells` = those cells) and `plausibility.regulations` (an
  agency that cannot make 规章 — township, county or district government, local
  department — reports 规章 made or repealed this year; `cells` = the counts that are > 0).
  The samples `*-prose-*` and `r2024-township-regulations-01` exercise them. They are
  declared per sample in `generate.py` (`Spec.warnings`) and cross-checked against an
  independent recomputation from the generated prose and values (the run prints `WARN`
  on a difference). Other soft checks (2019 tables in a late report) are not listed.

All agencies except `seed-2024` are fictional; their values are random but consistent with
every rule unless deliberately broken (see the error table).

## Samples

| name | template | year | agency | exercises |
|---|---|---|---|---|
{rows}

### Error-injected samples (printed value = consistent value + delta)

| name | injected |
|---|---|
{errs}

## Regenerating

```
python samples/generate.py              # all samples (about a minute; one LibreOffice call)
python samples/generate.py --only NAME  # one sample (repeatable; see Determinism)
python samples/generate.py --calibrate  # re-find the `push` knob of the page-split samples
```

Needs python-docx, LibreOffice, fonts-noto-cjk (Noto Serif/Sans CJK SC), pdfplumber and
pypdf. The .docx files are built in a temporary directory (`--keep-docx DIR` keeps them).

## Determinism

Values and prose come from `random.Random(seed)` per sample. LibreOffice output is
stable apart from `/CreationDate`, `/ModDate`, the trailer `/ID` and `/DocChecksum`; these are replaced by
values of the same byte length derived from the sample, so the xref offsets remain valid.
Font subset tags (`/BAAAAA+NotoSerifCJKsc-Regular`) are already stable with this
LibreOffice; the post-processing renames them deterministically should they vary. The
encrypted sample uses RC4-128 with a fixed file identifier (no random salt). Two runs give
byte-identical files (checked with sha256) with the same LibreOffice version and fonts; a
different LibreOffice or font version may change the layout, in which case
`generate.py` warns if a page split moved (re-run `--calibrate` and update `push`).

LibreOffice numbers the embedded Type 1 fonts (`/UniqueID`) across one conversion batch, so
a PDF's bytes depend on the samples converted before it in `SPECS` order. `--only NAME`
therefore converts every sample up to NAME (and writes only NAME), which gives the same
bytes as a full run; new samples are appended at the end of `SPECS` so that the existing
PDFs do not change. The real-producer samples (`Spec.conversion = 1`: WPS/Word/LibreOffice-like
tables with Liberation fonts for digits) are converted by a second LibreOffice call: the
embedded Type 1 fonts, even their glyph subsets, depend on everything converted in the same
call. (Regenerating on 2026-12-01 gave other bytes for the first 29 PDFs than the committed
ones, also with the generator as it was before: an environment difference. Their expected JSON
was unchanged, so only the new files were committed.)

The real-producer samples: `vertical` prints 三、本年度办理结果 vertically (line breaks, one
character per line, or `w:textDirection tbRl`), `tight` sets an exact cell line height close
to the font size, `label_map` / `numbering` print typos, spaces and numbering styles,
`other_layout` prints （六） as one row, `split="exact"` (with `push` and `spacer_pt`) ends a
page exactly after 2.没有现成信息需要另行制作, `table_pages` starts each table on a new page,
`landscape_apps` puts 三 on a landscape page, `shade_fill`/`shade_heads` shade 二's rows.

Page splits are made by filler prose in 一、总体情况 (`push` = number of filler sentences).
Section 三 is longer than a page, so every sample has some page break inside it; the
samples named `split-*` place it deliberately inside a merged label group.

`scanned/` (scanned twins of some of these PDFs) is made by `make_scans.py`, not by
`generate.py`.
"""
    (SAMPLES_DIR / "README.md").write_text(text, encoding="utf-8")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", action="append", help="sample name (repeatable)")
    ap.add_argument("--keep-docx", type=Path)
    ap.add_argument("--calibrate", action="store_true")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args(argv)
    specs = SPECS
    if a.only:
        names = {s.name for s in SPECS}
        bad = [n for n in a.only if n not in names]
        if bad:
            ap.error(f"unknown sample(s): {bad}")
        specs = [s for s in SPECS if s.name in a.only]
        # convert every sample up to the last one asked for (see `generate`), write only these
        last = max(SPECS.index(s) for s in specs)
        groups = {s.conversion for s in specs}
        batch = [s for s in SPECS[: last + 1] if s.conversion in groups]
    else:
        batch = SPECS
    if a.list:
        for s in specs:
            print(s.name, s.template, s.year, s.agency)
        return
    if a.calibrate:
        calibrate(specs)
        return
    generate(specs, a.keep_docx, batch=batch)
    write_readme()


if __name__ == "__main__":
    main()
