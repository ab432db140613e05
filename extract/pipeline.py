"""The pipeline: file -> pages -> grids -> template cells -> records -> findings."""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, Union

from .checks.prose_figures import ProseReading, read_prose
from .checks.indicator_rules import check_indicators
from .checks.repair import Repair, repair
from .checks.blank_cells import doubtful_blank_findings
from .checks.soft_checks import run_soft_checks
from .checks.accounting import account, attribute, template_outcomes
from .checks.unsettled import unsettled_findings
from .checks.validate import Outcome, equations, validate
from .errors import (
    ExtractError,
    InputNotFound,
    InvalidDocument,
    LimitExceeded,
    NoReportTables,
    OcrUnavailable,
)
from .files import sha256_file
from .metadata import decide_version, page_lines, read_info, report_title, what_it_seems
from .page import Grid, PageContent, PageImage
from .read import pdf
from .read.images import IMAGE_SUFFIXES, load_image_pages
from .read.markup import MARKUP_SUFFIXES, MarkupDocument
from .read.markup_file import is_markup_file
from .read.ofd import OFD_SUFFIXES
from .records import (
    CellLocation,
    CellRecord,
    CellValue,
    Finding,
    MarkupPlace,
    Report,
    ReportInfo,
    Source,
    TablesPre2019,
    as_number,
    build_tables,
)
from .settings import DEFAULT_SETTINGS, Settings
from .tables.grid import grids_on_page
from .tables.indicator_records import indicator_records
from .tables.indicators import StatisticsTable, statistics_tables
from .tables.mapping import Mapping, Placement, check_placement, classify, map_tables
from .template import (
    DEFAULT_OTHER_LAYOUT,
    OTHER_ROW_KEYS,
    TABLE_KEYS,
    OtherLayout,
    TemplateVersion,
    all_cell_keys,
)
from .text import parse_value
from .volumes import (
    PageSignals,
    ReportSpan,
    UnassignedPage,
    VolumeSplit,
    looks_like_title,
    page_signals,
    split_volume,
    unassigned_finding,
)

_TABLE_NAMES = {"proactive": "二、主动公开政府信息情况", "applications": "三、收到和处理政府信息公开申请情况",
                "review_litigation": "四、政府信息公开行政复议、行政诉讼情况"}


def _ocr_engine(settings: Settings, name: str):
    from .scan.ocr import EngineUnavailable, get_engine

    try:
        return get_engine(settings.ocr_engine, settings.ocr_threads)
    except EngineUnavailable as exc:
        raise OcrUnavailable(name, str(exc)) from None


# (page number, why) of pages pdfium could not load or read: skipped, and reported.
Unreadable = list[tuple[int, str]]


def _page_text_policy(k: int, page_text: Optional[Callable[[Sequence[str]], bool]], full_text: bool = False) -> Any:
    """What of the k-th (0-based) scanned page's text outside its tables to read: the first
    page's in full; with a title check, the others' when their head passes it; with
    `full_text`, every line of every page."""
    if full_text:
        return "all"
    if page_text is None:
        return k == 0
    return (lambda head: True) if k == 0 else page_text


def _read_pages(
    path: Path, settings: Settings, page_text: Optional[Callable[[Sequence[str]], bool]] = None
) -> tuple[list[PageContent], int, Unreadable]:
    """Every wanted page, read once. Scanned pages read their text outside tables on the
    first page; with `page_text` (a volume's title check), also on every page whose head
    lines pass it (see `scan.scanned_page.PageText`)."""
    name = str(path)
    started = time.monotonic()

    def check_time() -> None:
        if time.monotonic() - started > settings.timeout_s:
            raise LimitExceeded(name, f"reading took over {settings.timeout_s:g} s")

    if path.suffix.lower() in IMAGE_SUFFIXES:
        from .scan.scanned_page import read_scanned_page

        images = load_image_pages(path, settings)
        engine = _ocr_engine(settings, name)
        pages = []
        spread_pages = 0  # pages added by cutting two-page spreads in two (numbered on from them)
        for image in images:
            sheets = _scan_sheets(image, spread_pages)
            spread_pages += len(sheets) - 1
            for sheet, left in sheets:
                content = read_scanned_page(sheet, engine, settings, page_text=_page_text_policy(len(pages), page_text, settings.full_text))
                pages.append(_read_from(content, image, left, len(sheets) > 1))
            check_time()
        return pages, len(images) + spread_pages, []

    # An OFD is read into the same page content as a PDF, by a reader with the same calls.
    reader: Any = pdf
    if path.suffix.lower() in OFD_SUFFIXES:
        from .read import ofd as reader
    doc = reader.open_ofd(path, settings) if reader is not pdf else pdf.open_pdf(path, settings)
    try:
        total = len(doc)
        wanted = settings.pages or tuple(range(1, total + 1))
        bad = [p for p in wanted if not 1 <= p <= total]
        if bad:
            kind = "OFD" if reader is not pdf else "PDF"
            raise InvalidDocument(name, f"page {bad[0]} does not exist (the {kind} has {total} pages)")
        pages = []
        unreadable: Unreadable = []
        spread_pages = 0  # pages added by cutting two-page spreads in two (numbered on from them)
        for k, number in enumerate(wanted):
            try:
                page, images = reader.read_checked_page(doc, name, number - 1, settings, with_images=settings.ocr)
            except ExtractError:
                raise
            except Exception as exc:  # pdfium raises plain errors on a damaged page: skip it, say so
                unreadable.append((number, str(exc) or type(exc).__name__))
                continue
            if images is not None:
                if pdf.needs_ocr(page, images, settings, lambda: reader.outlined_glyphs(doc, number - 1)):
                    from .scan.scanned_page import read_scanned_page

                    image = reader.scanned_page_image(
                        doc, number - 1, images, settings.min_render_dpi, settings.max_render_dpi
                    )
                    sheets = _scan_sheets(image, spread_pages)
                    spread_pages += len(sheets) - 1
                    for sheet, left in sheets[:-1]:  # the left page of a two-page spread
                        pages.append(_read_from(read_scanned_page(
                            sheet, _ocr_engine(settings, name), settings,
                            page_text=_page_text_policy(len(pages), page_text, settings.full_text),
                        ), image, left, True))
                    sheet, left = sheets[-1]
                    page = _read_from(read_scanned_page(
                        sheet, _ocr_engine(settings, name), settings,
                        page_text=_page_text_policy(len(pages), page_text, settings.full_text),
                    ), image, left, len(sheets) > 1)
                elif images.coverage:  # a table pasted as a picture into a text page
                    from .scan.picture_tables import add_picture_tables

                    if reader is pdf:
                        from .read.picture import table_pictures
                    else:
                        table_pictures = reader.table_pictures
                    pictures = table_pictures(doc, number - 1, page, settings)
                    page = add_picture_tables(page, pictures, lambda: _ocr_engine(settings, name), settings)
            if page.number != number + spread_pages:  # a page after a spread cut in two
                page = replace(page, number=number + spread_pages, source_page=number)
            pages.append(page)
            check_time()
        if not pages:
            number, why = unreadable[0]
            raise InvalidDocument(name, f"no page can be read (page {number}: {why})")
        return pages, total + spread_pages, unreadable
    finally:
        doc.close()


def _scan_sheets(image: PageImage, spread_pages: int) -> list[tuple[PageImage, int]]:
    """A scanned page image as the scan stage reads it, each page with its left edge on
    the image (pixels): a two-page spread cut into its pages (scan/spread.py), a dithered
    bilevel page made grey (scan/dither.py). Pages are numbered as read: `spread_pages`
    earlier spreads' extra pages move this image's number on."""
    from .scan.dither import undither
    from .scan.spread import split_spread

    halves = split_spread(image)
    lefts = [sum(half.image.shape[1] for half in halves[:i]) for i in range(len(halves))]
    return [(PageImage(image.number + spread_pages + i, undither(half).image, half.dpi), left)
            for i, (half, left) in enumerate(zip(halves, lefts))]


def _read_from(content: PageContent, image: PageImage, left_px: int, cut: bool) -> PageContent:
    """A page read from `image` (a source page) said to be from it: its source page when
    numbered otherwise, and, for a half of a spread, its frame moved onto the whole image
    (the searchable copy puts both halves' lines on the one page they were scanned on)."""
    source_page = image.number if content.number != image.number else None
    frame = content.scan_frame
    if cut and frame is not None:
        height_px, width_px = image.image.shape[:2]
        frame = frame.on_sheet(left_px * image.scale, 0.0, width_px * image.scale, height_px * image.scale)
    return replace(content, source_page=source_page, scan_frame=frame)


def _locate(finding: Finding, cells: dict[str, CellRecord]) -> Finding:
    if not finding.cells:
        return finding
    # Locations of printed cells that are no template cell (cell ""), set by the finding's
    # maker (a 小计 an agency added), stay first.
    locations = tuple(loc for loc in finding.locations if not loc.cell) + tuple(
        CellLocation(cell=k, page=cells[k].page, bbox=cells[k].bbox, locator=cells[k].locator)
        for k in finding.cells
        if k in cells
    )
    return finding.model_copy(update={"locations": locations})


@dataclass(frozen=True)
class TableReading:
    """What the table stages saw in one file: its pages, every ruled grid on them, and
    where the mapping placed each grid cell. Kept apart from the record so a check (or a
    test) can hold the record against the grids it came from."""

    path: Path
    pages: tuple[PageContent, ...]
    total_pages: int
    grids: tuple[Grid, ...]
    mapping: Mapping
    unreadable_pages: tuple[tuple[int, str], ...] = ()  # (page number, why), skipped
    # Web pages and Word files (no pages): their text lines and tables (extract/read/markup.py).
    markup: Optional[MarkupDocument] = None
    # Pre-2019 statistics tables (政府信息公开情况统计表) among the grids the template
    # tables did not read (extract/tables/indicators.py).
    statistics: tuple[StatisticsTable, ...] = ()


def _statistics(grids: Sequence[Grid], mapping: Mapping) -> tuple[StatisticsTable, ...]:
    """The statistics tables among the grids no template table read a cell from (a
    statistics table listing 行政复议数 and 行政诉讼数 can pass for 四 by its words)."""
    read = {id(g) for t in mapping.tables for g in t.fragments
            if any(k.startswith(f"{t.kind}.") for k in mapping.cells)}
    return tuple(statistics_tables([g for g in grids if id(g) not in read]))


def read_tables(path: Union[str, Path], settings: Settings) -> TableReading:
    """Pages -> grids -> template cells. Raises an ExtractError when the file cannot be
    read or holds no report table."""
    path = Path(path)
    if not path.is_file():
        raise InputNotFound(str(path), "no such file")
    if is_markup_file(path):
        return _read_markup(path, settings)
    pages, total_pages, unreadable = _read_pages(path, settings)
    grids = [g for page in pages for g in grids_on_page(page, settings)]
    mapping = map_tables(grids, settings)
    if settings.debug_dir:
        from .debug import write_debug

        write_debug(Path(settings.debug_dir), path, pages, grids, mapping, settings)
    statistics = _statistics(grids, mapping)
    _require_report(path, pages, grids, mapping, statistics, unreadable)
    return TableReading(path, tuple(pages), total_pages, tuple(grids), mapping, tuple(unreadable), statistics=statistics)


def _read_markup(path: Path, settings: Settings) -> TableReading:
    """Web pages and Word files: the tables come from the markup, not from pages."""
    from .read.markup_file import read_markup

    document = read_markup(path, settings)
    mapping = map_tables(list(document.grids), settings)
    if settings.debug_dir:
        from .read.markup import write_markup_debug

        write_markup_debug(Path(settings.debug_dir), document, mapping.cells)
    statistics = _statistics(document.grids, mapping)
    if not mapping.cells and not _disclosure_statistics(statistics) and report_title(document.head_lines(frozenset())) is None:
        raise NoReportTables(
            str(path),
            f"not an annual report on government information disclosure: {what_it_seems(document.head_lines(frozenset()))}; "
            + document.nothing_found(),
        )
    return TableReading(path, (), 0, document.grids, mapping, markup=document, statistics=statistics)


def _markup_tables(reading: TableReading) -> frozenset[int]:
    """The markup tables the mapping read as the report's (by their index in the document)."""
    document = reading.markup
    assert document is not None
    grids = [g for table in reading.mapping.tables for g in table.fragments]
    grids += [g for table in reading.statistics for g in table.fragments]
    return frozenset(t for g in grids if (t := document.table_of(g)))


def _head_text(reading: TableReading) -> tuple[list[str], str]:
    """The lines that can hold the title, and all the text (for the reporting period)."""
    if reading.markup is not None:
        return reading.markup.head_lines(_markup_tables(reading)), reading.markup.all_text()
    head_lines = [page_lines(p) for p in reading.pages[:3]]
    return head_lines[0], "".join(line for lines in head_lines for line in lines)


def _sections_and_figures(
    reading: TableReading, version: str, values: dict[str, CellValue], indicators: Sequence[Any] = ()
) -> ProseReading:
    """The report's sections and prose figures, from its text lines outside every table
    (PDF pages: with page and glyph boxes; scanned pages: every line with `--full-text`,
    else the first page's text above its first table; web pages and Word files: their
    body's lines)."""
    from .sections import markup_prose_lines, page_prose_lines

    if reading.markup is not None:
        lines = markup_prose_lines(reading.markup, _markup_tables(reading))
    else:
        lines = [
            line
            for k, page in enumerate(reading.pages)
            if page.source == "text" or page.full_text or k == 0
            for line in page_prose_lines(page, [g.bbox for g in reading.grids if g.page == page.number])
        ]
    return read_prose(lines, version, values, indicators)


# Python's cyclic collector runs every 700 new container objects by default. Reading a
# text page makes ~10^5 small objects (glyph boxes, tuples) that all live until its grid is
# built, and each of those passes walks them: ~8 % of a digital report's time. They form no
# cycles, so passes every 10,000 objects lose nothing but that time (measured in
# benchmarks/bench_text_layer.py).
_GC_THRESHOLD_WHILE_READING = 10_000


@contextmanager
def _fewer_collector_passes():
    """The collector's first threshold raised while a file is read, then put back."""
    saved = gc.get_threshold()
    gc.set_threshold(max(saved[0], _GC_THRESHOLD_WHILE_READING), *saved[1:])
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def extract_file(path: Union[str, Path], settings: Optional[Settings] = None, **options: Any) -> Report:
    """Extract one report. `options` override fields of `Settings` (e.g. pages=(4, 5))."""
    settings = replace(settings or DEFAULT_SETTINGS, **options)
    with _fewer_collector_passes():
        return build_report(read_tables(path, settings), settings)


def build_report(reading: TableReading, settings: Settings) -> Report:
    """Template cells -> the record: values, repairs, rule findings, metadata."""
    pages, mapping = list(reading.pages), reading.mapping
    agency_findings: list[Finding] = []  # a template label read as the agency (refused)
    probe = read_info(*_head_text(reading), None, agency_findings)
    if not mapping.cells and (reading.statistics or probe.year is None or probe.year < 2019):
        return _build_pre2019_report(reading, probe, settings)
    version, findings = decide_version(mapping.votes, probe.year)
    findings += agency_findings
    info = probe.model_copy(update={"template": version})

    layout = _other_layout(mapping, version)
    cells, values, candidates = _read_cells(mapping, version, settings)
    values, repairs = repair(values, candidates, equations(version, layout))
    cells = _record_repairs(cells, repairs)

    findings += _unreadable_page_findings(reading.unreadable_pages)
    findings += _table_findings(mapping, cells, version, layout)
    findings += _stray_number_findings(reading)
    findings += mapping.findings + _cell_findings(cells, settings) + validate(values, version, layout)
    findings += doubtful_blank_findings(equations(version, layout), values, cells)
    prose = _sections_and_figures(reading, version, values)
    outcomes = template_outcomes(values, version, layout)
    findings += run_soft_checks(prose.figures, values, info.agency, version, outcomes=outcomes)
    findings = attribute(findings, outcomes, cells, settings.min_ocr_confidence)

    return Report(
        source=_source(reading, cells),
        report=info,
        tables=build_tables(version, values),
        cells=cells,
        findings=tuple(_locate(f, cells) for f in findings),
        rules=account(outcomes),
        sections=prose.sections,
        prose_figures=prose.figures,
    )


def _source(reading: TableReading, cells: dict[str, CellRecord]) -> Source:
    # A text page with a table pasted as a picture is read partly by OCR: "mixed" too.
    kinds = {p.source for p in reading.pages} | {c.source for c in cells.values()}
    kind = "mixed" if len(kinds) > 1 else ("scanned" if kinds == {"ocr"} else "digital")
    if reading.markup is not None:
        kind = reading.markup.kind
    total_pages = None if reading.markup is not None else reading.total_pages
    return Source(file=reading.path.name, sha256=sha256_file(reading.path), pages=total_pages, kind=kind)


def _build_pre2019_report(reading: TableReading, probe: ReportInfo, settings: Settings) -> Report:
    """A report of 2008-2018 (or one that prints no national template table): its
    statistics tables as indicator records, checked by the rules they imply."""
    indicators, cells, findings = indicator_records(reading.statistics, probe.year)
    findings = _unreadable_page_findings(reading.unreadable_pages) + findings
    findings += _stray_number_findings(reading)
    outcomes: list[Outcome] = []
    findings += check_indicators(indicators, outcomes=outcomes)
    findings += _cell_findings(cells, settings)
    if probe.year is not None and probe.year >= 2019:
        # Reports on 2019 and later print the national template's tables: none was recognised
        # (a scan too damaged to read its labels, a layout the reader failed on), so its
        # cells would all be missing from a record that looks like an older report's.
        findings.append(
            Finding(
                rule="template.not_recognised",
                severity="error",
                message=f"{probe.year}年度报告应印有全国统一格式的统计表，但未能识别出模板表格（表格按统计表读取），请核对原件",
                message_en=f"a report for {probe.year} prints the national template's tables, but none was recognised "
                "(its tables were read as statistics tables): check the document",
            )
        )
    if not reading.statistics:
        findings.append(
            Finding(
                rule="report.no_statistics_table",
                severity="info",
                message="报告未印制统计表，数据仅见于正文",
                message_en="the report prints no statistics table: its figures are stated in the text only",
            )
        )
    prose = _sections_and_figures(reading, "pre2019", {}, indicators)
    findings += run_soft_checks(prose.figures, {}, probe.agency, "pre2019", indicators, outcomes=outcomes)
    findings = attribute(findings, outcomes, cells, settings.min_ocr_confidence)
    return Report(
        source=_source(reading, cells),
        report=probe.model_copy(update={"template": "pre2019"}),
        tables=TablesPre2019(),
        cells=cells,
        findings=tuple(_locate(f, cells) for f in findings),
        rules=account(outcomes),
        indicators=indicators,
        sections=prose.sections,
        prose_figures=prose.figures,
    )


def _stray_number_findings(reading: TableReading) -> list[Finding]:
    """Numbers printed between table rulings in no grid (a part of a table whose grid
    could not be built): errors, like numbers in a grid that were not placed."""
    from .tables.stray import numbers_outside_grids

    findings = []
    for page in reading.pages:
        for stray in numbers_outside_grids(page, reading.grids):
            findings.append(
                Finding(
                    rule="table.unplaced_value",
                    severity="error",
                    message=f"第{stray.page}页表格线之间印有数值“{stray.text}”，但它不在识别出的任何表格单元格中，未计入记录",
                    message_en=f"the value {stray.text!r} printed between table rulings on page {stray.page} "
                    f"(bbox {[float(v) for v in stray.bbox.as_tuple(1)]}) is in no table cell that was found: "
                    "it was not placed in the record",
                    printed=as_number(parse_value(stray.text).value),
                    locations=(CellLocation(cell="", page=stray.page, bbox=stray.bbox.as_tuple()),),
                )
            )
    return findings


def _unreadable_page_findings(unreadable: Sequence[tuple[int, str]]) -> list[Finding]:
    return [
        Finding(
            rule="page.unreadable",
            severity="error",
            message=f"第{number}页已损坏，无法读取，已跳过（{why}）",
            message_en=f"page {number} is damaged and could not be read; it was skipped ({why})",
        )
        for number, why in unreadable
    ]


def _disclosure_statistics(statistics: Sequence[StatisticsTable]) -> bool:
    """A statistics table of government information disclosure: one naming at least two
    indicators of the vocabulary. A 统计公报's table of 地区生产总值 … names none."""
    return any(sum(1 for row in table.rows if row.key) >= 2 for table in statistics)


def _require_report(
    path: Path,
    pages: list[PageContent],
    grids: list[Grid],
    mapping: Mapping,
    statistics: Sequence[StatisticsTable],
    unreadable: Unreadable,
) -> None:
    """An annual report has the national template's tables, a pre-2019 statistics table,
    or at least its title (a report of 2008-2018 may state its figures in the text only).
    Anything else is not an annual report (exit 6), said with what it seems to be."""
    if mapping.cells or _disclosure_statistics(statistics):
        return
    if pages and report_title(page_lines(pages[0])) is not None:
        return
    if unreadable:
        skipped = ", ".join(str(number) for number, _ in unreadable)
        raise NoReportTables(str(path), f"no report tables found on the pages that could be read (damaged: {skipped})")
    if not any(p.boxes for p in pages):
        reason = "no text found on any page (blank pages, or a scan OCR could not read)"
    else:
        seen = "no ruled tables" if not grids else "no tables of the annual-report template or a statistics table"
        reason = f"not an annual report on government information disclosure: {what_it_seems(page_lines(pages[0]))}; {seen}"
    raise NoReportTables(str(path), reason)


def _read_cells(
    mapping: Mapping, version: TemplateVersion, settings: Settings
) -> tuple[dict[str, CellRecord], dict[str, CellValue], dict[str, list[CellValue]]]:
    """Every template cell's record and value (None where the table has no such cell), and
    for doubtful OCR cells the values their image supports (their reading first)."""
    values: dict[str, CellValue] = {}
    cells: dict[str, CellRecord] = {}
    candidates: dict[str, list[CellValue]] = {}
    for key in all_cell_keys(version):
        mapped = mapping.cells.get(key)
        values[key] = None
        if mapped is None:
            continue
        cell = mapped.cell
        parsed = parse_value(cell.text)
        values[key] = parsed.value
        cells[key] = CellRecord(
            text=cell.text,
            value=parsed.value,
            # A markup cell has no page: its grid's coordinates are synthetic (read/markup.py).
            page=None if cell.locator else mapped.page,
            bbox=None if cell.locator else cell.bbox.as_tuple(),
            confidence=cell.confidence,
            source=cell.source,
            locator=cell.locator,
            place=MarkupPlace(table=cell.place[0], row=cell.place[1], column=cell.place[2]) if cell.place else None,
        )
        if cell.source == "ocr" and (cell.confidence < settings.min_ocr_confidence or not parsed.ok):
            readings = [parsed.value] + [parse_value(t).value for t in cell.alternatives]
            candidates[key] = [v for v in dict.fromkeys(readings) if v is not None] or [None]
    return cells, values, candidates


def _record_repairs(cells: dict[str, CellRecord], repairs: list[Repair]) -> dict[str, CellRecord]:
    updated = dict(cells)
    for fix in repairs:
        record = cells[fix.key]
        doubt = "not a number" if not parse_value(record.text).ok else f"confidence {record.confidence:.2f}"
        updated[fix.key] = record.model_copy(
            update={
                "value": fix.value,
                "read_value": fix.read_value,
                "repair": f"OCR read {record.text!r} ({doubt}); {', '.join(fix.rules)} hold only with "
                f"{fix.value}, which a second reading of the cell's image also gives",
            }
        )
    return updated


def _cell_findings(cells: dict[str, CellRecord], settings: Settings) -> list[Finding]:
    findings: list[Finding] = []
    for key, record in cells.items():
        if record.repair is not None:
            findings.append(
                Finding(
                    rule="cell.repaired",
                    severity="warning",
                    message=f"{key} 识别为“{record.text}”，按勾稽关系并经图像复核修正为 {record.value}",
                    message_en=f"{key} was read as “{record.text}”; repaired to {record.value}: {record.repair}",
                    cells=(key,),
                    expected=float(record.value) if isinstance(record.value, (int, float)) else None,
                )
            )
            continue
        if record.source == "ocr" and record.confidence < settings.min_ocr_confidence:
            findings.append(
                Finding(
                    rule="cell.low_confidence",
                    severity="warning",
                    message=f"{key} 识别置信度低（{record.confidence:.2f}），读作“{record.text}”，请核对原件",
                    message_en=f"{key} was recognised with low confidence ({record.confidence:.2f}) as “{record.text}”: check the original",
                    cells=(key,),
                )
            )
        if not parse_value(record.text).ok:
            findings.append(
                Finding(
                    rule="cell.unreadable",
                    severity="warning",
                    message=f"{key} 的内容“{record.text}”不是数字",
                    message_en=f"{key} holds “{record.text}”, not a number",
                    cells=(key,),
                )
            )
    return findings


def _other_layout(mapping: Mapping, version: TemplateVersion) -> OtherLayout:
    """How section 三 printed （六）其他处理: as the version does unless only the other
    layout's rows were found."""
    printed = {
        layout: any(k.split(".")[1] in rows for k in mapping.cells if k.startswith("applications."))
        for layout, rows in OTHER_ROW_KEYS.items()
    }
    default = DEFAULT_OTHER_LAYOUT[version]
    other = "single" if default == "split" else "split"
    return other if printed[other] and not printed[default] else default


def _placement_findings(placement: Placement) -> list[Finding]:
    """Every number printed in a found table must sit in exactly one record cell; each one
    that does not is an error that says where it was printed."""
    findings = []
    for table, page, cell in placement.unplaced:
        if cell.locator:  # a web page or Word file: no page, the cell's element instead
            findings.append(_unplaced_markup_finding(table, cell))
            continue
        where = f"第{page}页 {_TABLE_NAMES[table]}"
        findings.append(
            Finding(
                rule="table.unplaced_value",
                severity="error",
                message=f"{where}中印有数值“{cell.text}”，但未能对应到任何模板单元格",
                message_en=f"the value {cell.text!r} printed in the {table} table on page {page} "
                f"(bbox {[float(v) for v in cell.bbox.as_tuple(1)]}) was not placed in any cell of the record",
                printed=as_number(parse_value(cell.text).value),
                locations=(CellLocation(cell="", page=page, bbox=cell.bbox.as_tuple()),),
            )
        )
    for table, page, cell, keys in placement.placed_twice:
        findings.append(
            Finding(
                rule="table.value_placed_twice",
                severity="error",
                message=f"第{page}页印有的数值“{cell.text}”同时被归入{'、'.join(keys)}",
                message_en=f"the value {cell.text!r} printed on page {page} was placed in several cells: {', '.join(keys)}",
                cells=keys,
            )
        )
    return findings


def _unplaced_markup_finding(table: str, cell) -> Finding:
    return Finding(
        rule="table.unplaced_value",
        severity="error",
        message=f"{_TABLE_NAMES[table]}中印有数值“{cell.text}”（{cell.locator}），但未能对应到任何模板单元格",
        message_en=f"the value {cell.text!r} in the {table} table ({cell.locator}) was not placed in any cell of the record",
        printed=as_number(parse_value(cell.text).value),
        locations=(CellLocation(cell="", page=None, bbox=None, locator=cell.locator),),
    )


def _table_findings(
    mapping: Mapping, cells: dict[str, CellRecord], version: TemplateVersion, layout: OtherLayout
) -> list[Finding]:
    """Tables not found, tables found but unread, numbers printed but not placed, and rows
    of found tables not found."""
    findings: list[Finding] = []
    found = {t.kind for t in mapping.tables}
    for table in TABLE_KEYS:
        if table not in found:
            findings.append(
                Finding(
                    rule="table.missing",
                    severity="error",
                    message=f"未找到表格：{_TABLE_NAMES[table]}",
                    message_en=f"table not found: {table}",
                )
            )
        elif not any(k.startswith(f"{table}.") for k in cells):
            findings.append(
                Finding(
                    rule="table.unread",
                    severity="error",
                    message=f"找到了表格“{_TABLE_NAMES[table]}”，但未能读出其中任何单元格",
                    message_en=f"the {table} table was found but none of its cells could be read",
                )
            )
    placement = check_placement(mapping, set(cells))
    findings += _placement_findings(placement)
    findings += unsettled_findings(placement, cells, all_cell_keys(version, layout))
    if layout != DEFAULT_OTHER_LAYOUT[version]:
        rows = "、".join(OTHER_ROW_KEYS[layout])
        findings.append(
            Finding(
                rule="applications.other_layout",
                severity="info",
                message=f"第三部分表格的（六）其他处理按{'一行' if layout == 'single' else '三个子项'}印制"
                f"（不同于{version}版模板），数值记入 applications.{rows}",
                message_en=f"section 三 prints （六）其他处理 as {'one row' if layout == 'single' else 'three sub-rows'}, "
                f"unlike the {version} template; its values are kept under applications.{rows}",
            )
        )
    # （六）其他处理 read both as one row and as its sub-rows: the report printed one layout,
    # so values sit on rows of the other only when a label was misread or a ruling lost (a
    # sub-row's numbers matched to 其他处理). Those values are named: never silently kept.
    other_layout = "single" if layout == "split" else "split"
    misplaced = [k for k in cells if k.startswith("applications.") and k.split(".")[1] in OTHER_ROW_KEYS[other_layout]
                 and cells[k].value is not None]
    if misplaced:
        findings.append(
            Finding(
                rule="applications.other_layout_mixed",
                severity="error",
                message=f"第三部分表格的（六）其他处理既读到{'三个子项' if layout == 'split' else '一行'}，又读到"
                f"{'一行' if layout == 'split' else '三个子项'}：记入 {'、'.join(sorted({k.split('.')[1] for k in misplaced}))} "
                "的数值可能属于另一行（行标签误读或表格线缺失），请核对原件",
                message_en=f"section 三's （六）其他处理 was read both as {'three sub-rows' if layout == 'split' else 'one row'} "
                f"and as {'one row' if layout == 'split' else 'three sub-rows'}: the values kept under "
                f"{', '.join(sorted({k.split('.')[1] for k in misplaced}))} may belong to another row (a misread label "
                "or a lost ruling); check the original",
                cells=tuple(misplaced),
            )
        )
    # A template row not found while numbers of the same table went unplaced is probably
    # where those numbers belong: an error, not a note.
    unplaced_tables = {table for table, _, _ in placement.unplaced}
    missing: dict[tuple[str, str], list[str]] = {}
    for key in all_cell_keys(version, layout):
        table, row, _ = key.split(".")
        if table in found and key not in cells:
            missing.setdefault((table, row), []).append(key)
    for (table, row), keys in missing.items():
        findings.append(
            Finding(
                rule="cell.missing",
                severity="error" if table in unplaced_tables else "warning",
                message=f"表格中未找到 {table}.{row} 的{len(keys)}个单元格",
                message_en=f"{len(keys)} cell(s) of {table}.{row} not found in the table",
                cells=tuple(keys),
            )
        )
    return findings


# ---------------------------------------------------------------- volumes: many reports in one file

# Files that are one document by nature (web pages, Word): never split.
_UNPAGED_SUFFIXES = MARKUP_SUFFIXES


@dataclass(frozen=True)
class ReportInPages:
    """One report of a file and the pages it was read from (1-based, inclusive). A file
    holding one report gives the record `extract_file` gives, over the pages read."""

    first_page: int
    last_page: int
    report: Report


@dataclass(frozen=True)
class VolumeReading:
    """A file read once, page by page, and split into reports (`extract.volumes`)."""

    path: Path
    pages: tuple[PageContent, ...]
    total_pages: int
    grids: tuple[Grid, ...]
    unreadable_pages: tuple[tuple[int, str], ...]
    split: VolumeSplit


def read_volume(path: Union[str, Path], settings: Settings) -> VolumeReading:
    """Every page read once (scanned pages: tables, plus a title check of the head and the
    page number at the foot), the ruled tables found, and the file split into reports."""
    path = Path(path)
    if not path.is_file():
        raise InputNotFound(str(path), "no such file")
    pages, total_pages, unreadable = _read_pages(path, settings, page_text=looks_like_title)
    grids = [g for page in pages for g in grids_on_page(page, settings)]
    signals = [_page_signals(page, [g for g in grids if g.page == page.number]) for page in pages]
    return VolumeReading(path, tuple(pages), total_pages, tuple(grids), tuple(unreadable), split_volume(signals))


def _page_signals(page: PageContent, grids: Sequence[Grid]) -> PageSignals:
    kinds = []
    for grid in grids:
        tables = classify([grid])  # a grid of too few known labels (a fragment) has no kind
        kinds.append(tables[0].kind if tables else None)
    return page_signals(page, [g.bbox for g in grids], kinds, partial=page.source == "ocr")


def extract_reports(path: Union[str, Path], settings: Optional[Settings] = None, **options: Any) -> list[ReportInPages]:
    """Every report in a file, each with its page range: one for an ordinary report, one
    per report for a volume (a bound volume or a year's reports scanned into one PDF).
    `options` override fields of `Settings`, as for `extract_file`. Raises an
    ExtractError as `extract_file` does (NoReportTables when no report table is found)."""
    return read_reports(path, settings, **options).reports


@dataclass(frozen=True)
class FileReading:
    """A file's reports and the pages they were read from (empty for web pages and Word
    files): what a writer of the pages themselves (a searchable copy) needs besides the
    records."""

    reports: list[ReportInPages]
    pages: tuple[PageContent, ...]
    unreadable_pages: tuple[tuple[int, str], ...] = ()


def read_reports(path: Union[str, Path], settings: Optional[Settings] = None, **options: Any) -> FileReading:
    """`extract_reports`, with the pages read."""
    settings = replace(settings or DEFAULT_SETTINGS, **options)
    path = Path(path)
    if path.suffix.lower() in _UNPAGED_SUFFIXES or is_markup_file(path):
        return FileReading([ReportInPages(1, 1, extract_file(path, settings))], ())
    with _fewer_collector_passes():
        volume = read_volume(path, settings)
        try:
            reports = _reports_of_volume(volume, settings)
        except NoReportTables as exc:
            raise NoReportTables(exc.path, exc.reason, FileReading([], volume.pages, volume.unreadable_pages)) from None
    return FileReading(reports, volume.pages, volume.unreadable_pages)


def _reports_of_volume(volume: VolumeReading, settings: Settings) -> list[ReportInPages]:
    path = volume.path
    pages, grids = list(volume.pages), list(volume.grids)
    if len(volume.split.reports) <= 1:
        # One report: the whole file, exactly as extract_file reads it.
        mapping = map_tables(grids, settings)
        _debug(path, pages, grids, mapping, settings)
        statistics = _statistics(grids, mapping)
        _require_report(path, pages, grids, mapping, statistics, list(volume.unreadable_pages))
        reading = TableReading(
            path, tuple(pages), volume.total_pages, tuple(grids), mapping, volume.unreadable_pages, statistics=statistics
        )
        return [ReportInPages(pages[0].number, pages[-1].number, build_report(reading, settings))]

    readings = [_span_reading(volume, span, settings) for span in volume.split.reports]
    if not any(r.mapping.cells or r.statistics for r in readings):
        whole = map_tables(grids, settings)
        _require_report(path, pages, grids, whole, _statistics(grids, whole), list(volume.unreadable_pages))
    notes = _unassigned_notes(volume.split)
    results = []
    for k, (span, reading) in enumerate(zip(volume.split.reports, readings)):
        report = build_report(reading, settings)
        extra = span.findings + ((unassigned_finding(notes[k]),) if notes.get(k) else ())
        source = report.source.model_copy(update={"first_page": span.first_page, "last_page": span.last_page})
        report = report.model_copy(update={"source": source, "findings": report.findings + extra})
        results.append(ReportInPages(span.first_page, span.last_page, report))
    return results


def split_file(path: Union[str, Path], settings: Optional[Settings] = None, **options: Any) -> VolumeSplit:
    """Where each report of a file starts and ends, without building records (`--split-only`)."""
    settings = replace(settings or DEFAULT_SETTINGS, **options)
    return read_volume(path, settings).split


def _span_reading(volume: VolumeReading, span: ReportSpan, settings: Settings) -> TableReading:
    """The pages of one report (the shared page of a report that starts or ends mid-page
    cut at the title) and their tables, mapped."""
    pages: list[PageContent] = []
    grids: list[Grid] = []
    for page in volume.pages:
        if not span.first_page <= page.number <= span.last_page:
            continue
        top = span.start_y if page.number == span.first_page else None
        bottom = span.end_y if page.number == span.last_page else None
        if top is None and bottom is None:
            pages.append(page)
            grids += [g for g in volume.grids if g.page == page.number]
        else:
            cut = _cut_page(page, top, bottom)
            pages.append(cut)
            grids += grids_on_page(cut, settings)
    mapping = map_tables(grids, settings)
    _debug(volume.path, pages, grids, mapping, settings)
    unreadable = tuple((n, why) for n, why in volume.unreadable_pages if span.first_page <= n <= span.last_page)
    return TableReading(
        volume.path, tuple(pages), volume.total_pages, tuple(grids), mapping, unreadable,
        statistics=_statistics(grids, mapping),
    )


def _cut_page(page: PageContent, top: Optional[float], bottom: Optional[float]) -> PageContent:
    """The part of a page between top and bottom (points; None: the page's edge)."""
    lo, hi = top if top is not None else float("-inf"), bottom if bottom is not None else float("inf")
    boxes = tuple(b for b in page.boxes if lo <= b.anchor[1] < hi)
    rulings = []
    for s in page.rulings:
        if s.orientation == "h":
            if lo <= s.position < hi:
                rulings.append(s)
        elif min(s.end, hi) > max(s.start, lo):
            rulings.append(replace(s, start=max(s.start, lo), end=min(s.end, hi)))
    return replace(page, boxes=boxes, rulings=tuple(rulings))


def _unassigned_notes(split: VolumeSplit) -> dict[int, list[UnassignedPage]]:
    """Unassigned pages, each told on the report that follows it (the last report for
    pages after it): report index -> pages."""
    notes: dict[int, list[UnassignedPage]] = {}
    for page in split.unassigned:
        after = [k for k, span in enumerate(split.reports) if span.first_page > page.page]
        notes.setdefault(after[0] if after else len(split.reports) - 1, []).append(page)
    return notes


def _debug(path: Path, pages: list[PageContent], grids: list[Grid], mapping: Mapping, settings: Settings) -> None:
    if settings.debug_dir:
        from .debug import write_debug

        write_debug(Path(settings.debug_dir), path, pages, grids, mapping, settings)
