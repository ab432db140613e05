"""Pydantic records: the output contract.

`Report.model_dump(mode="json")` is exactly what `extract FILE --json` prints. Table models
are built from `extract.template`, so the keys here cannot drift from the data dictionary.
"""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, create_model, model_serializer

from . import template as tpl
from .template import ReportTemplate, TemplateVersion

# A printed value: an integer count, a decimal amount, a unit-bearing amount kept as printed
# ("251000元"), or None where nothing was reported (blank, "/", "—", "无").
CellValue = Union[int, float, str, None]


def as_number(value: CellValue) -> Optional[float]:
    """A count or amount as a float; None for null, a unit-bearing string, or a bool."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# Where a cell of a web page or Word file sits in its markup (these have no pages).
CellSource = Literal["text", "ocr", "html", "docx"]


class MarkupPlace(_Frozen):
    """A cell's place in an HTML or Word document's tables: 1-based, in document order."""

    table: int = Field(ge=1, description="the table's number among the document's tables (nested ones too)")
    row: int = Field(ge=1, description="the cell's first row in that table")
    column: int = Field(ge=1, description="the cell's first column, merged cells (rowspan/colspan, vMerge/gridSpan) resolved")


class CellRecord(_Frozen):
    """Where a value came from. bbox is [x0, top, x1, bottom] in PDF points (1/72 inch),
    origin at the top-left corner of the page as displayed. Cells of web pages and Word
    files have no page or bbox (null): `locator` and `place` say where they are instead."""

    text: str = Field(description="the cell's printed text, whitespace-normalised / 单元格印制的文字")
    value: CellValue = Field(description="the value as read (a repaired OCR cell: the repaired value); the value in "
                             "`tables` / 读取的数值")
    page: Optional[int] = Field(ge=1, description="1-based page number; null for HTML and Word cells")
    bbox: Optional[tuple[float, float, float, float]] = Field(
        description="[x0, top, x1, bottom] in PDF points (1/72 inch) from the displayed page's top-left corner; null "
        "for HTML and Word cells / 单元格在页面上的位置")
    confidence: float = Field(ge=0.0, le=1.0, description="1.0 for a text layer, HTML or Word; the recogniser's for "
                              "OCR (below min_ocr_confidence 0.9: a cell.low_confidence warning) / 识别置信度")
    source: CellSource = Field(description="text (a PDF's text layer), ocr (a scanned page), html or docx / 来源")
    # Set only when the table's arithmetic corrected an OCR misread: the value as read,
    # and why the repaired value was accepted.
    read_value: CellValue = Field(default=None, description="repaired OCR cells only: the value OCR read before the "
                                  "table's arithmetic repaired it / 修正前的识别值")
    repair: Optional[str] = Field(default=None, description="repaired OCR cells only: why the repaired value was "
                                  "accepted / 修正理由")
    # HTML and Word cells only: an XPath 1.0 expression selecting the cell's element (HTML:
    # in the page as lxml parses it, no tbody added; Word: a w:tc in word/document.xml, with
    # the prefix w for the WordprocessingML namespace), and its table, row and column.
    locator: Optional[str] = Field(default=None, description="HTML and Word cells: an XPath 1.0 expression selecting "
                                   "the cell's element (Word: a w:tc in word/document.xml, prefix w) / 网页、Word 单元格的 XPath")
    place: Optional[MarkupPlace] = Field(default=None, description="HTML and Word cells: its table, row and column "
                                         "(1-based) / 在文档表格中的位置")


Severity = Literal["error", "warning", "info"]


class CellLocation(_Frozen):
    """Where a cell named by a finding is printed (bbox as in CellRecord)."""

    cell: str = Field(description="the cell key table.row.column / 单元格键")
    page: Optional[int] = Field(description="1-based page; null for HTML and Word cells")
    bbox: Optional[tuple[float, float, float, float]] = Field(description="as in CellRecord: PDF points, top-left origin")
    locator: Optional[str] = Field(default=None, description="HTML and Word cells, as in CellRecord")


# Whose inconsistency a broken rule is: the publication's own (every cell involved was read
# with certainty) or possibly the reading's (a doubtful OCR reading is involved).
Cause = Literal["publication", "reading"]


class Finding(_Frozen):
    rule: str = Field(description="stable rule id, e.g. applications.balance")
    severity: Severity = Field(description="error (a rule broken, a value lost), warning (check it), info (a note: e.g. a rule not checked)")
    message: str = Field(description="Chinese message")
    message_en: str = Field(description="the same message in English")
    cells: tuple[str, ...] = Field(default=(), description="cell keys table.row.column involved")
    expected: Optional[float] = Field(default=None, description="a broken rule: the sum of its parts (what the total should be)")
    printed: Optional[float] = Field(default=None, description="a broken rule: the printed total (or the value in question)")
    locations: tuple[CellLocation, ...] = Field(default=(), description="page and bbox of each cell found")
    cause: Optional[Cause] = Field(
        default=None,
        description="broken arithmetic rules only (table rules, indicators.*, prose.contradicts_table): publication "
        "when every cell involved was read with certainty (a PDF's text layer, HTML or Word markup, or a cell a "
        "reviewer confirmed; no repair) — the report's own inconsistency; reading when an OCR reading is involved "
        "(a possible misreading). Absent otherwise",
    )
    suspect_cell: Optional[str] = Field(
        default=None,
        description="with cause: the cell most likely at fault, when the arithmetic singles one out (the only "
        "doubtful reading among the rule's cells, or the one cell every connected broken rule shares and no held "
        "rule vouches for). Absent otherwise",
    )

    @model_serializer(mode="wrap")
    def _without_unset_cause(self, handler: Any) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for key in ("cause", "suspect_cell"):
                if data.get(key) is None:
                    data.pop(key, None)
        return data


class RuleCount(_Frozen):
    """How the instances of one rule id came out."""

    held: int = Field(default=0, ge=0, description="instances whose cells are all numbers and that hold")
    broken: int = Field(default=0, ge=0, description="instances whose cells are all numbers and that do not hold")
    unchecked: int = Field(
        default=0, ge=0, description="instances not checked: a cell involved is null (blank, /, —), unreadable or "
        "carries a unit"
    )


class RuleAccounting(_Frozen):
    """How many rule instances the validation evaluated and how they came out: every
    consistency rule of the tables (applications.*, review_litigation.total, pre-2019
    indicators.*) and every table figure the text states (prose.contradicts_table). A rule
    left unchecked is never counted as held: a report with no finding but unchecked rules is
    not clean. Per-cell value checks (value.*) are not counted."""

    checked: int = Field(ge=0, description="held + broken")
    held: int = Field(ge=0, description="instances that hold")
    broken: int = Field(ge=0, description="instances that do not hold (each is an error or warning finding)")
    unchecked: int = Field(
        ge=0, description="instances not checked because a cell involved is null, unreadable or unit-bearing (a "
        "blank 总计 column leaves every rule through it unchecked); the template rules' are also info findings"
    )
    by_rule: dict[str, RuleCount] = Field(default_factory=dict, description="the same counts per rule id")


class Source(_Frozen):
    file: str = Field(description="the input file's name / 文件名")
    sha256: str = Field(description="sha256 of the file's bytes: the report's identity in a batch database")
    pages: Optional[int] = Field(description="pages in the file; null for web pages and Word files")
    kind: Literal["digital", "scanned", "mixed", "html", "docx"] = Field(  # docx: also .doc/.wps converted
        description="digital (a text layer), scanned (pages read by OCR), mixed, html (a web page) or docx (Word; "
        ".doc and .wps converted) / 文件类型")
    # Volumes only (a file holding several reports): the pages this report was read from,
    # 1-based, inclusive. Absent from the output of a file holding one report.
    first_page: Optional[int] = Field(default=None, ge=1, description="volumes only: the report's first page in the file")
    last_page: Optional[int] = Field(default=None, ge=1, description="volumes only: the report's last page in the file")

    @model_serializer(mode="wrap")
    def _without_unset_page_range(self, handler: Any) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for key in ("first_page", "last_page"):
                if data.get(key) is None:
                    data.pop(key, None)
        return data


class ReportInfo(_Frozen):
    agency: Optional[str] = Field(default=None, description="the agency, as printed in the report's title / 机关名称")
    year: Optional[int] = Field(default=None, description="the year the report covers / 报告年度")
    template: Optional[ReportTemplate] = Field(
        default=None,
        description="the table template the report follows: 2019 or 2021 (the national formats), or pre2019 for a "
        "report of 2008-2018 whose statistics tables are read as `indicators`",
    )


class Indicator(_Frozen):
    """One printed value of a pre-2019 statistics table (政府信息公开情况统计表): an indicator
    row's value in one value column. Its provenance (printed text, page, bbox, confidence,
    source) is `Report.cells[cell]`, as for template cells."""

    cell: str = Field(description="the cell's key in `cells` and in findings: indicators.<row id>.<column id>")
    key: Optional[str] = Field(
        description="the vocabulary key of the indicator (docs/data-dictionary.md, 'Indicators'); null when the "
        "printed label is outside the vocabulary (kept, never dropped)"
    )
    label: str = Field(description="the indicator's label as printed, whitespace removed (numbering and 其中 kept)")
    path: tuple[str, ...] = Field(
        default=(), description="the printed labels of the indicators and groups it nests under, outermost first"
    )
    unit: Optional[str] = Field(description="the unit as printed (件, 条, 人次, 万元 …) from a unit column, the label or the header")
    column: str = Field(description="the value column's header as printed (levels joined by ' › ')")
    column_key: Optional[str] = Field(
        description="the column's kind: this_year, cumulative, previous_year, or null for another header"
    )
    value: CellValue = Field(description="the printed value: a count, an amount, a unit-bearing amount as text, or "
                             "null for a blank / 数值")
    table: int = Field(ge=1, description="which statistics table of the report (1-based, in reading order)")
    row: int = Field(ge=1, description="the indicator's row among the table's indicator rows (1-based, printed order)")


class Section(_Frozen):
    """A numbered section of the report's text (一、总体情况 …), tables excluded."""

    number: Optional[str] = Field(description="the section's number as printed (一, 二 …); null for the text before the first")
    heading: str = Field(
        description="the heading as printed, numbering included (一、总体情况); for the text before the first "
        "heading, the report's title when one is found, else empty"
    )
    text: str = Field(
        description="the section's text after its heading, lines joined without breaks (whitespace removed, NFKC), "
        "tables and printed page numbers left out; empty for a heading that only captions a table"
    )
    first_page: Optional[int] = Field(default=None, ge=1, description="the page of its heading; null for web pages and Word files")
    last_page: Optional[int] = Field(default=None, ge=1, description="the page of its last line; null for web pages and Word files")


class ProseFigure(_Frozen):
    """A figure stated in the report's text (全年共主动公开政府信息1352条)."""

    value: float | int = Field(description="the number stated / 文中数字")
    unit: Optional[str] = Field(description="the unit printed after the number (件, 条, 次, 人次, 万元 …)")
    text: str = Field(description="the number and unit as printed")
    sentence: str = Field(description="the sentence that states it")
    page: Optional[int] = Field(default=None, ge=1, description="null for web pages and Word files")
    bbox: Optional[tuple[float, float, float, float]] = Field(
        default=None,
        description="the number's glyphs [x0, top, x1, bottom] in points on `page` (OCR: its share of the recognised "
        "line's box); null for web pages and Word files",
    )
    section: Optional[str] = Field(default=None, description="the number of the section it is stated in (null: before the first)")
    about: Optional[str] = Field(default=None, description="what it counts, in words (收到政府信息公开申请 …)")
    cells: tuple[str, ...] = Field(
        default=(),
        description="the table cells (template keys, or indicator cells) whose sum the figure states, where that is "
        "clear; empty otherwise. A combined statement (予以公开及部分公开42件) names every cell it adds up",
    )
    source: CellSource = Field(
        default="text",
        description="where the text was read: text (a PDF's text layer), ocr (a scanned page, read with --full-text "
        "or on the first page), html or docx. OCR'd figures are never compared with the tables",
    )
    confidence: float = Field(default=1.0, ge=0.0, le=1.0, description="the OCR confidence of its line; 1.0 otherwise")


# Every table cell's description ends so (the column's label comes first).
_CELL_DOC = ": the printed value (null: blank, /, —, 无) / 印制的数值"


def _row_model(name: str, columns: tuple[str, ...], labels: dict[str, str]) -> type[BaseModel]:
    fields = {col: (CellValue, Field(default=None, description=labels.get(col, col) + _CELL_DOC)) for col in columns}
    return create_model(name, __config__=ConfigDict(frozen=True, extra="forbid"), **fields)


def _table_model(name: str, rows: dict[str, tuple[str, ...]], row_labels: dict[str, str],
                 column_labels: dict[str, str]) -> type[BaseModel]:
    """A table's model; `row_labels`/`column_labels` (as printed, group › label) become the
    JSON Schema descriptions."""
    fields = {}
    for row, columns in rows.items():
        row_model = _row_model(f"{name}_{row}", columns, column_labels)
        fields[row] = (row_model, Field(default_factory=row_model, description=row_labels.get(row, row)))
    return create_model(name, __config__=ConfigDict(frozen=True, extra="forbid"), **fields)


def _path(*parts: str) -> str:
    return " › ".join(p for p in parts if p)


_APPLICATION_ROW_LABELS = {r.key: _path(r.group, r.label) for r in tpl.APPLICATION_RECORD_ROWS}
_APPLICATION_COLUMN_LABELS = {c.key: _path(c.group, c.label) for c in tpl.APPLICATION_COLUMNS}
_REVIEW_ROW_LABELS = {r.key: _path(r.group, r.label) for r in tpl.REVIEW_ROWS}
_REVIEW_COLUMN_LABELS = {c.key: _path(getattr(c, "group", ""), c.label) for c in tpl.REVIEW_COLUMNS}
_PROACTIVE_ROW_LABELS = {v: {row: _path(group, label) for row, (label, _, group) in tpl.PROACTIVE_ROWS[v].items()}
                         for v in ("2021", "2019")}


_APPLICATION_COLUMN_KEYS = tuple(c.key for c in tpl.APPLICATION_COLUMNS)
_REVIEW_COLUMN_KEYS = tuple(c.key for c in tpl.REVIEW_COLUMNS)

# Both versions hold both layouts of （六）其他处理 (see template.OTHER_ROW_KEYS): the rows
# of the layout a report did not print are null.
Applications2021 = _table_model(
    "Applications2021", {r.key: _APPLICATION_COLUMN_KEYS for r in tpl.APPLICATION_RECORD_ROWS},
    _APPLICATION_ROW_LABELS, _APPLICATION_COLUMN_LABELS,
)
Applications2019 = _table_model(
    "Applications2019", {r.key: _APPLICATION_COLUMN_KEYS for r in tpl.APPLICATION_RECORD_ROWS},
    _APPLICATION_ROW_LABELS, _APPLICATION_COLUMN_LABELS,
)
Proactive2021 = _table_model(
    "Proactive2021", {row: cols for row, (_, cols, _) in tpl.PROACTIVE_ROWS["2021"].items()},
    _PROACTIVE_ROW_LABELS["2021"], tpl.PROACTIVE_COLUMNS["2021"],
)
Proactive2019 = _table_model(
    "Proactive2019", {row: cols for row, (_, cols, _) in tpl.PROACTIVE_ROWS["2019"].items()},
    _PROACTIVE_ROW_LABELS["2019"], tpl.PROACTIVE_COLUMNS["2019"],
)
ReviewLitigation = _table_model(
    "ReviewLitigation", {r.key: _REVIEW_COLUMN_KEYS for r in tpl.REVIEW_ROWS},
    _REVIEW_ROW_LABELS, _REVIEW_COLUMN_LABELS,
)


_TEMPLATE_DOC = "the template version: decides which rows exist / 模板版本"
_PROACTIVE_DOC = "二、主动公开政府信息情况 (proactive disclosure)"
_APPLICATIONS_DOC = "三、收到和处理政府信息公开申请情况 (applications received and handled)"
_REVIEW_DOC = "四、政府信息公开行政复议、行政诉讼情况 (administrative review and litigation)"


class Tables2021(_Frozen):
    template: Literal["2021"] = Field(default="2021", description=_TEMPLATE_DOC)
    proactive: Proactive2021 = Field(default_factory=Proactive2021, description=_PROACTIVE_DOC)  # type: ignore[valid-type]
    applications: Applications2021 = Field(default_factory=Applications2021, description=_APPLICATIONS_DOC)  # type: ignore[valid-type]
    review_litigation: ReviewLitigation = Field(default_factory=ReviewLitigation, description=_REVIEW_DOC)  # type: ignore[valid-type]


class TablesPre2019(_Frozen):
    """A report of 2008-2018: no national template tables; its statistics tables are the
    report's `indicators`."""

    template: Literal["pre2019"] = Field(default="pre2019", description="a report of 2008-2018: its statistics "
                                         "tables are the record's `indicators` / 2019 年以前的报告")


class Tables2019(_Frozen):
    template: Literal["2019"] = Field(default="2019", description=_TEMPLATE_DOC)
    proactive: Proactive2019 = Field(default_factory=Proactive2019, description=_PROACTIVE_DOC)  # type: ignore[valid-type]
    applications: Applications2019 = Field(default_factory=Applications2019, description=_APPLICATIONS_DOC)  # type: ignore[valid-type]
    review_litigation: ReviewLitigation = Field(default_factory=ReviewLitigation, description=_REVIEW_DOC)  # type: ignore[valid-type]


TABLE_MODELS: dict[TemplateVersion, type[BaseModel]] = {"2021": Tables2021, "2019": Tables2019}


class Report(_Frozen):
    """One annual report: values under `tables.<table>.<row>.<column>`, the provenance of
    each value under `cells["<table>.<row>.<column>"]`, and rule findings."""

    source: Source = Field(description="the input file / 来源文件")
    report: ReportInfo = Field(description="agency, year and template / 机关、年度、模板")
    tables: Union[Tables2021, Tables2019, TablesPre2019] = Field(
        discriminator="template", description="the values of 二, 三 and 四 at <table>.<row>.<column> (data dictionary) "
        "/ 统计表数值")
    cells: dict[str, CellRecord] = Field(default_factory=dict, description="the provenance of each value read, by "
                                         "cell key table.row.column / 每个数值的出处")
    findings: tuple[Finding, ...] = Field(default=(), description="rule findings: errors, warnings and notes / 核对发现")
    rules: Optional[RuleAccounting] = Field(
        default=None,
        description="how many rule instances were checked, held, broken and left unchecked; null in records made "
        "before it was recorded (unknown, not zero)",
    )
    # Pre-2019 statistics tables, one record per printed value (empty for 2019+ reports).
    indicators: tuple[Indicator, ...] = Field(default=(), description="pre-2019 statistics tables, one record per "
                                              "printed value (empty for 2019+ reports) / 2019 年以前统计表的指标")
    # The report's numbered sections and the figures its text states (every era).
    sections: tuple[Section, ...] = Field(
        default=(),
        description="the report's text outside its tables, by numbered section (一、二 … in order), the text before "
        "the first heading (title, introduction) first with number null. Scans: every section only with --full-text, "
        "else what the first page shows above its first table",
    )
    prose_figures: tuple[ProseFigure, ...] = Field(
        default=(),
        description="every number with a unit (件, 条, 次, 人次, 万元 …) stated in the sections' text, in order, with the "
        "table cells it states where that is clear (used by the rule prose.contradicts_table)",
    )


def build_tables(version: ReportTemplate, values: dict[str, CellValue]) -> BaseModel:
    """Nest flat `table.row.column` values into the version's table model; absent keys are None."""
    if version == "pre2019":
        return TablesPre2019()
    nested: dict[str, dict[str, dict[str, CellValue]]] = {}
    for key, value in values.items():
        table, row, column = key.split(".")
        nested.setdefault(table, {}).setdefault(row, {})[column] = value
    return TABLE_MODELS[version].model_validate({"template": version, **nested})


def flatten_tables(tables: BaseModel) -> dict[str, CellValue]:
    """The inverse of build_tables: `table.row.column` -> value."""
    flat: dict[str, CellValue] = {}
    for table, rows in tables.model_dump(mode="json").items():
        if table == "template":
            continue
        for row, columns in rows.items():
            for column, value in columns.items():
                flat[f"{table}.{row}.{column}"] = value
    return flat
