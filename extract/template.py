"""The national report template: table, row and column keys with their printed labels.

This module is the single source of the output contract's keys (see the data dictionary
in the spec). Records, mapping, validation and the sample generator all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional, Sequence

TemplateVersion = Literal["2019", "2021"]
TEMPLATE_VERSIONS: tuple[TemplateVersion, ...] = ("2019", "2021")
# What a report's tables follow: one of the national templates, or "pre2019" for a report
# of the 2008-2018 era (no national template: its statistics tables are read as indicator
# records, see extract/indicators.py).
ReportTemplate = Literal["2019", "2021", "pre2019"]
PRE2019: ReportTemplate = "pre2019"


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str
    # Enclosing merged label (level 2 of section 三), empty for rows that stand alone.
    group: str = ""


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    group: str = ""


# ---------------------------------------------------------------- section 三 (both formats)

APPLICATION_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("natural_person", "自然人"),
    ColumnSpec("enterprise", "商业企业", "法人或其他组织"),
    ColumnSpec("research", "科研机构", "法人或其他组织"),
    ColumnSpec("public_interest", "社会公益组织", "法人或其他组织"),
    ColumnSpec("legal_service", "法律服务机构", "法人或其他组织"),
    ColumnSpec("other_org", "其他", "法人或其他组织"),
    ColumnSpec("total", "总计"),
)
APPLICANT_COLUMN_KEYS = tuple(c.key for c in APPLICATION_COLUMNS if c.key != "total")

_WITHHELD = "（三）不予公开"
_UNABLE = "（四）无法提供"
_REJECTED = "（五）不予处理"
_OTHER = "（六）其他处理"

_APPLICATION_HEAD: tuple[RowSpec, ...] = (
    RowSpec("new_received", "一、本年新收政府信息公开申请数量"),
    RowSpec("carried_over", "二、上年结转政府信息公开申请数量"),
    RowSpec("granted", "（一）予以公开"),
    RowSpec("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    RowSpec("withheld_state_secret", "1.属于国家秘密", _WITHHELD),
    RowSpec("withheld_prohibited_by_law", "2.其他法律行政法规禁止公开", _WITHHELD),
    RowSpec("withheld_security_stability", "3.危及“三安全一稳定”", _WITHHELD),
    RowSpec("withheld_third_party", "4.保护第三方合法权益", _WITHHELD),
    RowSpec("withheld_internal_affairs", "5.属于三类内部事务信息", _WITHHELD),
    RowSpec("withheld_process_info", "6.属于四类过程性信息", _WITHHELD),
    RowSpec("withheld_enforcement_file", "7.属于行政执法案卷", _WITHHELD),
    RowSpec("withheld_admin_query", "8.属于行政查询事项", _WITHHELD),
    RowSpec("unable_not_held", "1.本机关不掌握相关政府信息", _UNABLE),
    RowSpec("unable_needs_creation", "2.没有现成信息需要另行制作", _UNABLE),
    RowSpec("unable_unclear", "3.补正后申请内容仍不明确", _UNABLE),
    RowSpec("rejected_petition", "1.信访举报投诉类申请", _REJECTED),
    RowSpec("rejected_duplicate", "2.重复申请", _REJECTED),
    RowSpec("rejected_publication", "3.要求提供公开出版物", _REJECTED),
    RowSpec("rejected_excessive", "4.无正当理由大量反复申请", _REJECTED),
    RowSpec("rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息", _REJECTED),
)
_APPLICATION_OTHER_2021: tuple[RowSpec, ...] = (
    RowSpec(
        "other_overdue_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        _OTHER,
    ),
    RowSpec(
        "other_overdue_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        _OTHER,
    ),
    RowSpec("other_other", "3.其他", _OTHER),
)
_APPLICATION_OTHER_2019: tuple[RowSpec, ...] = (RowSpec("other", _OTHER),)
_APPLICATION_TAIL: tuple[RowSpec, ...] = (
    RowSpec("total_handled", "（七）总计"),
    RowSpec("carried_forward", "四、结转下年度继续办理"),
)

APPLICATION_ROWS: dict[TemplateVersion, tuple[RowSpec, ...]] = {
    "2021": _APPLICATION_HEAD + _APPLICATION_OTHER_2021 + _APPLICATION_TAIL,
    "2019": _APPLICATION_HEAD + _APPLICATION_OTHER_2019 + _APPLICATION_TAIL,
}

# How a report prints （六）其他处理: three sub-rows (the 2021 template) or one row (2019).
# Real reports mix them: many 2021-format reports keep the single row, some later 2019-format
# ones print the sub-rows. The records of both versions therefore hold all four rows; the
# rows of the layout that was not printed stay null, and the rules sum the printed ones.
OtherLayout = Literal["split", "single"]
OTHER_ROW_KEYS: dict[OtherLayout, tuple[str, ...]] = {
    "split": tuple(r.key for r in _APPLICATION_OTHER_2021),
    "single": tuple(r.key for r in _APPLICATION_OTHER_2019),
}
DEFAULT_OTHER_LAYOUT: dict[TemplateVersion, OtherLayout] = {"2021": "split", "2019": "single"}


# The info finding a report gets when it prints （六）其他处理 unlike its version's default.
OTHER_LAYOUT_RULE = "applications.other_layout"


def printed_other_layout(version: TemplateVersion, rules: "set[str] | frozenset[str] | tuple[str, ...]") -> OtherLayout:
    """The layout of （六）其他处理 a report printed, from the rule ids of its findings: the
    version's own unless the `applications.other_layout` info finding says otherwise."""
    default = DEFAULT_OTHER_LAYOUT[version]
    if OTHER_LAYOUT_RULE in rules:
        return "single" if default == "split" else "split"
    return default


def application_rows(version: TemplateVersion, layout: Optional[OtherLayout] = None) -> tuple[RowSpec, ...]:
    """The rows of section 三 as printed: the version's rows, with （六） in `layout`."""
    if layout is None or layout == DEFAULT_OTHER_LAYOUT[version]:
        return APPLICATION_ROWS[version]
    other = _APPLICATION_OTHER_2021 if layout == "split" else _APPLICATION_OTHER_2019
    return _APPLICATION_HEAD + other + _APPLICATION_TAIL


# The rows a record of either version holds: both layouts of （六）.
APPLICATION_RECORD_ROWS: tuple[RowSpec, ...] = (
    _APPLICATION_HEAD + _APPLICATION_OTHER_2021 + _APPLICATION_OTHER_2019 + _APPLICATION_TAIL
)
# The level-1 label that encloses every result row (granted … total_handled).
APPLICATION_RESULTS_LABEL = "三、本年度办理结果"

_NOT_RESULTS = ("new_received", "carried_over", "total_handled", "carried_forward")


def result_leaf_keys(version: TemplateVersion, layout: Optional[OtherLayout] = None) -> tuple[str, ...]:
    """Rows whose sum is （七）总计 in each column: every result leaf as printed."""
    return tuple(r.key for r in application_rows(version, layout) if r.key not in _NOT_RESULTS)


RESULT_LEAF_KEYS: dict[TemplateVersion, tuple[str, ...]] = {
    version: result_leaf_keys(version) for version in TEMPLATE_VERSIONS
}

# ---------------------------------------------------------------- section 二

PROACTIVE_COLUMNS: dict[TemplateVersion, dict[str, str]] = {
    "2021": {
        "issued": "本年制发件数",
        "repealed": "本年废止件数",
        "in_force": "现行有效件数",
        "decisions": "本年处理决定数量",
        "amount_10k_yuan": "本年收费金额（单位：万元）",
    },
    "2019": {
        "made": "本年新制作数量",
        "published": "本年新公开数量",
        "total_published": "对外公开总数量",
        "prior_year_items": "上一年项目数量",
        "change": "本年增/减",
        "decisions": "处理决定数量",
        "items": "采购项目数量",
        "amount": "采购总金额",
    },
}

# row key -> (printed label, the column keys that row has, block heading)
PROACTIVE_ROWS: dict[TemplateVersion, dict[str, tuple[str, tuple[str, ...], str]]] = {
    "2021": {
        "regulations": ("规章", ("issued", "repealed", "in_force"), "第二十条第（一）项"),
        "normative_documents": (
            "行政规范性文件",
            ("issued", "repealed", "in_force"),
            "第二十条第（一）项",
        ),
        "licensing": ("行政许可", ("decisions",), "第二十条第（五）项"),
        "penalty": ("行政处罚", ("decisions",), "第二十条第（六）项"),
        "enforcement": ("行政强制", ("decisions",), "第二十条第（六）项"),
        "fees": ("行政事业性收费", ("amount_10k_yuan",), "第二十条第（八）项"),
    },
    "2019": {
        "regulations": ("规章", ("made", "published", "total_published"), "第二十条第（一）项"),
        "normative_documents": (
            "规范性文件",
            ("made", "published", "total_published"),
            "第二十条第（一）项",
        ),
        "licensing": ("行政许可", ("prior_year_items", "change", "decisions"), "第二十条第（五）项"),
        "other_services": (
            "其他对外管理服务事项",
            ("prior_year_items", "change", "decisions"),
            "第二十条第（五）项",
        ),
        "penalty": ("行政处罚", ("prior_year_items", "change", "decisions"), "第二十条第（六）项"),
        "enforcement": ("行政强制", ("prior_year_items", "change", "decisions"), "第二十条第（六）项"),
        "fees": ("行政事业性收费", ("prior_year_items", "change"), "第二十条第（八）项"),
        "procurement": ("政府集中采购", ("items", "amount"), "第二十条第（九）项"),
    },
}

# ---------------------------------------------------------------- section 四 (both formats)

REVIEW_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("upheld", "结果维持"),
    ColumnSpec("corrected", "结果纠正"),
    ColumnSpec("other", "其他结果"),
    ColumnSpec("pending", "尚未审结"),
    ColumnSpec("total", "总计"),
)
REVIEW_ROWS: tuple[RowSpec, ...] = (
    RowSpec("review", "行政复议"),
    RowSpec("litigation_direct", "未经复议直接起诉", "行政诉讼"),
    RowSpec("litigation_after_review", "复议后起诉", "行政诉讼"),
)

TABLE_KEYS = ("proactive", "applications", "review_litigation")
# The `table` part of a pre-2019 report's cell keys (indicators.<row id>.<column id>): its
# statistics tables.
INDICATOR_TABLE = "indicators"


def finding_table(rule: str, cells: Sequence[str] = ()) -> Optional[str]:
    """The table a finding is about: the table of its cells when they all lie in one, else the
    table its rule id starts with (applications.no_header); None for a finding about the report
    as a whole (a section's figure against two tables, a volume, a copy, a page)."""
    tables = {c.split(".", 1)[0] for c in cells}
    if len(tables) != 1:
        tables = {rule.split(".", 1)[0]}
    table = tables.pop()
    return table if table in TABLE_KEYS or table == INDICATOR_TABLE else None


def application_row_keys(version: TemplateVersion) -> tuple[str, ...]:
    return tuple(r.key for r in APPLICATION_ROWS[version])


def all_cell_keys(version: TemplateVersion, layout: Optional[OtherLayout] = None) -> list[str]:
    """Every `table.row.column` address of a record of this version (both layouts of
    （六）), or, given the layout of （六）, every address a complete report prints."""
    keys = [
        f"proactive.{row}.{col}"
        for row, (_, cols, _) in PROACTIVE_ROWS[version].items()
        for col in cols
    ]
    rows = APPLICATION_RECORD_ROWS if layout is None else application_rows(version, layout)
    keys += [
        f"applications.{row.key}.{col.key}"
        for row in rows
        for col in APPLICATION_COLUMNS
    ]
    keys += [f"review_litigation.{row.key}.{col.key}" for row in REVIEW_ROWS for col in REVIEW_COLUMNS]
    return keys
