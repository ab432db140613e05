"""A row label and its value read as one cell (issue 17, failure class 2): on faint 150 DPI
scans the vertical ruling between the label column and a value column is sometimes not
found, and the grid cell holds 规章0 or 行政许可80001. Such a cell is read as label +
value when that is unique (the value in its record cell, with a `cell.split_from_label`
warning); when it is not (three numbers over three columns, no glyph positions), the
numbers stay a loud `table.unplaced_value` error.

The scanned test pages are drawn at test time (PIL, Noto CJK), one page each: a 2021
section 二 table and a pre-2019 statistics table, each with rows whose label/value rulings
are left out, rendered at 300 DPI, downsampled to a 150 DPI grey page, noised, JPEG q45,
wrapped as an image-only PDF in a tmp dir."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont
from scanlib import add_jpeg_page

from extract.geometry import BBox
from extract.page import Grid, GridCell, TextBox
from extract.pipeline import extract_file
from extract.settings import Settings
from extract.tables.glued import split_glued
from extract.tables.indicator_records import indicator_records
from extract.tables.indicators import statistics_tables
from extract.tables.mapping import check_placement, map_tables

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DRAW_DPI, DPI = 300, 150
A4 = (595.0, 842.0)  # pt


# ---------------------------------------------------------------- hand-made grids

def _grid(rows, widths, page=1):
    """A Grid from rows of (col, col_span, row_span, text) cells; row height 20 pt."""
    xs = [0.0]
    for w in widths:
        xs.append(xs[-1] + w)
    cells = []
    for r, row in enumerate(rows):
        for c, cs, rs, text in row:
            bbox = BBox(xs[c], 20.0 * r, xs[c + cs], 20.0 * (r + rs))
            cells.append(GridCell(r, c, rs, cs, bbox, text, 1.0, "text"))
    return Grid(page, tuple(xs), tuple(20.0 * r for r in range(len(rows) + 1)), tuple(cells))


PROACTIVE_2021 = [
    [(0, 1, 3, "第二十条第（一）项"), (1, 1, 1, "信息内容"), (2, 1, 1, "本年制发件数"), (3, 1, 1, "本年废止件数"), (4, 1, 1, "现行有效件数")],
    [(1, 2, 1, "规章0"), (3, 1, 1, "1"), (4, 1, 1, "2")],
    [(1, 4, 1, "行政规范性文件 3 4 25")],
    [(0, 1, 2, "第二十条第（五）项"), (1, 1, 1, "信息内容"), (2, 3, 1, "本年处理决定数量")],
    [(1, 4, 1, "行政许可80001")],
]


def test_proactive_label_and_value_in_one_cell_are_split_when_unique():
    mapping = map_tables([_grid(PROACTIVE_2021, [60, 80, 60, 60, 60])], Settings())
    got = {k: (m.cell.text, m.cell.bbox.x0, m.cell.bbox.x1) for k, m in mapping.cells.items()}
    # The number's bbox is the cell's part over its value column (no glyph boxes here).
    assert got["proactive.regulations.issued"] == ("0", 140.0, 200.0)
    assert got["proactive.regulations.repealed"][0] == "1"
    assert got["proactive.licensing.decisions"] == ("80001", 140.0, 320.0)
    # Three numbers over three columns without glyph positions: no telling 3 4 25 from 34 2 5.
    assert not any(k.startswith("proactive.normative_documents") for k in got)
    warned = {f.cells for f in mapping.findings if f.rule == "cell.split_from_label"}
    assert warned == {("proactive.regulations.issued",), ("proactive.licensing.decisions",)}
    assert all(f.severity == "warning" for f in mapping.findings if f.rule == "cell.split_from_label")
    unplaced = check_placement(mapping, set(mapping.cells)).unplaced
    assert [c.text for _, _, c in unplaced] == ["行政规范性文件 3 4 25"]
    # A split value the record does not keep is unplaced again: the invariant holds.
    unplaced = check_placement(mapping, set(mapping.cells) - {"proactive.licensing.decisions"}).unplaced
    assert [c.text for _, _, c in unplaced] == ["行政规范性文件 3 4 25", "行政许可80001"]


def test_a_header_glued_to_its_first_column_name_still_names_it():
    """The ruling after 信息内容 lost in every row, header included: 信息内容本年处理决定数量
    names the column the glued rows' numbers go to."""
    rows = [
        [(0, 1, 2, "第二十条第（六）项"), (1, 1, 1, "信息内容本年处理决定数量")],
        [(1, 1, 1, "行政处罚 120")],
    ]
    mapping = map_tables([_grid(rows + [[(0, 2, 1, "")]], [60, 200])], Settings())
    assert {k: m.cell.text for k, m in mapping.cells.items()} == {"proactive.penalty.decisions": "120"}


def test_a_heading_band_read_as_one_cell_with_the_header_below_it_still_names_the_columns():
    """A shaded 第二十条 band whose lower ruling was lost: the band and the header row under
    it are one cell (the heading's line, then 信息内容 …). Its header line names the block's
    column; without it the previous block's column (本年处理决定数量) would be taken."""
    rows = [
        [(0, 1, 1, "信息内容"), (1, 1, 1, "本年处理决定数量")],
        [(0, 1, 1, "行政处罚"), (1, 1, 1, "120")],
        [(0, 2, 1, "第二十条第（八）项\n信息内容本年收费金额（单位：万元）")],
        [(0, 2, 1, "行政事业性收费 302.7")],
    ]
    mapping = map_tables([_grid(rows, [80, 200])], Settings())
    got = {k: m.cell.text for k, m in mapping.cells.items()}
    assert got == {"proactive.penalty.decisions": "120", "proactive.fees.amount_10k_yuan": "302.7"}
    # A heading alone (no header line under it) is still no cell of its row.
    rows[2] = [(0, 2, 1, "第二十条第（八）项")]
    mapping = map_tables([_grid(rows, [80, 200])], Settings())
    assert "proactive.fees.amount_10k_yuan" not in mapping.cells


def test_a_label_that_matches_no_row_well_is_not_split():
    rows = [PROACTIVE_2021[0], [(1, 2, 1, "规章制度建设0"), (3, 1, 1, "1"), (4, 1, 1, "2")]]
    mapping = map_tables([_grid(rows, [60, 80, 60, 60, 60])], Settings())
    assert "proactive.regulations.issued" not in mapping.cells
    assert [c.text for _, _, c in check_placement(mapping, set(mapping.cells)).unplaced] == ["规章制度建设0"]


def test_glyph_boxes_give_the_numbers_own_bbox_and_confirm_several_numbers():
    def glyphs(text, x0):
        return [TextBox(ch, BBox(x0 + 10 * i, 4, x0 + 10 * i + 9, 16), 0.97, "text") for i, ch in enumerate(text)]

    boxes = tuple(glyphs("规章", 5) + glyphs("3", 105) + glyphs("12", 165))
    cell = GridCell(1, 1, 1, 3, BBox(0, 0, 200, 20), "规章 3 12", 0.97, "text", boxes=boxes)
    glued = split_glued(cell)
    assert glued is not None and glued.label == "规章"
    assert [(n.text, n.bbox.x0, n.bbox.x1) for n in glued.numbers] == [("3", 105, 114), ("12", 165, 184)]
    assert glued.fits([(80, 140), (140, 200)])  # each number inside its own column
    assert not glued.fits([(0, 100), (100, 200)])  # 3 is not printed in the first column
    assert not glued.fits([(80, 200)])  # two numbers, one column
    assert split_glued(GridCell(0, 0, 1, 1, BBox(0, 0, 9, 9), "第二十条第（五）项", 1.0, "text")) is None
    assert split_glued(GridCell(0, 0, 1, 1, BBox(0, 0, 9, 9), "表2 收到申请", 1.0, "text")) is None


_APPLICANTS = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


def _applications(glued_label: str):
    """A section 三 whose （一）予以公开 row lost the ruling between its label and 自然人."""
    def values(start, base):
        return [(c, 1, 1, str(base + c - start)) for c in range(start, 10)]

    return [
        [(0, 3, 3, ""), (3, 7, 1, "申请人情况")],
        [(3, 1, 2, "自然人"), (4, 5, 1, "法人或其他组织"), (9, 1, 2, "总计")],
        [(4 + i, 1, 1, h) for i, h in enumerate(_APPLICANTS)],
        [(0, 3, 1, "一、本年新收政府信息公开申请数量")] + values(3, 1),
        [(0, 3, 1, "二、上年结转政府信息公开申请数量")] + values(3, 0),
        [(0, 1, 3, "三、本年度办理结果"), (1, 3, 1, glued_label)] + values(4, 2),
        [(1, 2, 1, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")] + values(3, 1),
        [(1, 2, 1, "（七）总计")] + values(3, 1),
    ]


def test_applications_label_glued_to_the_first_applicant_column():
    mapping = map_tables([_grid(_applications("（一）予以公开5"), [60, 60, 120] + [40] * 7)], Settings())
    got = {k: m.cell.text for k, m in mapping.cells.items() if k.startswith("applications.granted.")}
    assert got == {"applications.granted.natural_person": "5", "applications.granted.enterprise": "2",
                   "applications.granted.research": "3", "applications.granted.public_interest": "4",
                   "applications.granted.legal_service": "5", "applications.granted.other_org": "6",
                   "applications.granted.total": "7"}
    assert [f.cells for f in mapping.findings if f.rule == "cell.split_from_label"] == [("applications.granted.natural_person",)]
    assert check_placement(mapping, set(mapping.cells)).unplaced == ()
    # A label that names no row (the row is taken by its place): the number is not placed by a guess.
    mapping = map_tables([_grid(_applications("（一）公示5"), [60, 60, 120] + [40] * 7)], Settings())
    assert not any(f.rule == "cell.split_from_label" for f in mapping.findings)
    assert [c.text for _, _, c in check_placement(mapping, set(mapping.cells)).unplaced] == ["（一）公示5"]


def _statistics(rows, widths):
    tables = statistics_tables([_grid(rows, widths)])
    indicators, cells, findings = indicator_records(tables, 2014)
    values = {i.cell.removeprefix("indicators."): (i.value, i.unit, cells[i.cell].text) for i in indicators}
    return values, findings, [c.text for t in tables for _, c in t.unplaced]


def _pre2019_rows(value_headers):
    n = 2 + len(value_headers)

    def row(label, unit, *values):
        return [(0, 1, 1, label), (1, 1, 1, unit)] + [(2 + i, 1, 1, v) for i, v in enumerate(values)]

    return n, [
        [(0, 1, 1, "指标名称"), (1, 1, 1, "计量单位")] + [(2 + i, 1, 1, h) for i, h in enumerate(value_headers)],
        [(0, n, 1, "一、主动公开情况")],
        row("（一）主动公开政府信息数", "条", *["120", "900"][: n - 2]),
        row("其中：全文电子化", "条", *["100", "800"][: n - 2]),
        row("二、依申请公开情况", "", *[""] * (n - 2)),
        row("（一）收到申请数", "件", *["50", "400"][: n - 2]),
        row("1.当面申请数", "件", *["20", "300"][: n - 2]),
        row("2.传真申请数", "件", *["10", "90"][: n - 2]),
        row("3.信函申请数", "件", *["6", "30"][: n - 2]),
        row("（二）办结数", "件", *["48", "390"][: n - 2]),
        row("三、行政复议数", "件", *["2", "9"][: n - 2]),
        row("四、行政诉讼数", "件", *["1", "5"][: n - 2]),
    ]


def test_pre2019_row_across_the_table_is_label_unit_and_value():
    """(一)政府信息公开工作专门机构数个1: a row whose column rules were all lost, in a table
    with one value column, is the indicator, its unit and its value."""
    n, rows = _pre2019_rows(["本年度"])
    rows.append([(0, n, 1, "（三）政府信息公开工作专门机构数个1")])
    values, findings, unplaced = _statistics(rows, [200, 50, 60])
    assert values["disclosure_offices.this_year"] == (1, "个", "1")
    assert [f.cells for f in findings if f.rule == "cell.split_from_label"] == [("indicators.disclosure_offices.this_year",)]
    assert unplaced == []


def test_pre2019_ambiguous_rows_stay_unplaced():
    """Two value columns and one number; a label outside the vocabulary: no split."""
    n, rows = _pre2019_rows(["本年度", "历年累计"])
    rows.append([(0, n, 1, "（三）政府信息公开工作专门机构数个1")])
    rows.insert(7, [(0, 3, 1, "4.网上申请数件5"), (3, 1, 1, "70")])
    rows.append([(0, 3, 1, "（四）便民服务点件9"), (3, 1, 1, "11")])
    values, findings, unplaced = _statistics(rows, [200, 50, 60, 60])
    assert not any(k.startswith("disclosure_offices") for k in values)
    # Label, unit and the first value glued, the second value in its own cell: split.
    assert values["applications_online.this_year"] == (5, "件", "5")
    assert values["applications_online.cumulative"] == (70, "件", "70")
    assert sorted(unplaced) == sorted(["（三）政府信息公开工作专门机构数个1", "（四）便民服务点件9"])
    assert [f.cells for f in findings if f.rule == "cell.split_from_label"] == [("indicators.applications_online.this_year",)]


# ---------------------------------------------------------------- a drawn 150 DPI scan

def _draw_page(title_lines, table_x, widths, row_h, cells, rules) -> np.ndarray:
    """A white A4 page at DRAW_DPI with title lines and one table. cells: (row, col,
    row_span, col_span, text); rules: ("h"|"v", index, from, to) in grid indexes."""
    s = DRAW_DPI / 72
    image = Image.new("L", (int(A4[0] * s), int(A4[1] * s)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, int(10.5 * s))
    y = 70 * s
    for line in title_lines:
        w = draw.textlength(line, font=font)
        draw.text(((image.width - w) / 2, y), line, fill=0, font=font)
        y += 26 * s
    top = y / s + 10
    xs = [table_x]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [top + row_h * i for i in range(max(r + rs for r, _, rs, _, _ in cells) + 1)]
    line_w = 3  # ~0.7 pt at 300 DPI: about 1.5 px on the 150 DPI page
    for kind, i, a, b in rules:
        if kind == "h":
            draw.line([(xs[a] * s, ys[i] * s), (xs[b] * s, ys[i] * s)], fill=70, width=line_w)
        else:
            draw.line([(xs[i] * s, ys[a] * s), (xs[i] * s, ys[b] * s)], fill=70, width=line_w)
    for r, c, rs, cs, text in cells:
        lines = text.split("\n")
        for k, line in enumerate(lines):
            w = draw.textlength(line, font=font)
            cx = (xs[c] + xs[c + cs]) / 2 * s
            cy = ((ys[r] + ys[r + rs]) / 2 + (k - (len(lines) - 1) / 2) * 14) * s
            draw.text((cx - w / 2, cy), line, fill=0, font=font, anchor="lm")
    grey = np.asarray(image)
    small = cv2.resize(grey, None, fx=DPI / DRAW_DPI, fy=DPI / DRAW_DPI, interpolation=cv2.INTER_AREA)
    paper = small.astype(np.float32) * (240 / 255) + np.random.default_rng(3).normal(0, 4, small.shape)
    return np.clip(paper, 0, 255).astype(np.uint8)


def _scan_pdf(path: Path, image: np.ndarray) -> Path:
    dst = pdfium.PdfDocument.new()
    try:
        add_jpeg_page(dst, A4[0], A4[1], image, 45)
        dst.save(str(path))
    finally:
        dst.close()
    return path


def test_scan_of_section_two_with_lost_label_rulings(tmp_path):
    """A 2021 section 二 drawn with the label/value ruling missing in the 规章 and 行政许可
    rows (recovered, warned) and every ruling of the 行政规范性文件 row missing (its three
    numbers, apart in their columns, recovered and warned too)."""
    cells = [
        (0, 0, 3, 1, "第二十条\n第（一）项"), (0, 1, 1, 1, "信息内容"), (0, 2, 1, 1, "本年制发件数"),
        (0, 3, 1, 1, "本年废止件数"), (0, 4, 1, 1, "现行有效件数"),
        (1, 1, 1, 1, "规章"), (1, 2, 1, 1, "6"), (1, 3, 1, 1, "1"), (1, 4, 1, 1, "2"),
        (2, 1, 1, 1, "行政规范性文件"),
        (2, 2, 1, 1, "3"), (2, 3, 1, 1, "4"), (2, 4, 1, 1, "25"),
        (3, 0, 2, 1, "第二十条\n第（五）项"), (3, 1, 1, 1, "信息内容"), (3, 2, 1, 3, "本年处理决定数量"),
        (4, 1, 1, 1, "行政许可"), (4, 2, 1, 3, "80001"),
        (5, 0, 3, 1, "第二十条\n第（六）项"), (5, 1, 1, 1, "信息内容"), (5, 2, 1, 3, "本年处理决定数量"),
        (6, 1, 1, 1, "行政处罚"), (6, 2, 1, 3, "120"),
        (7, 1, 1, 1, "行政强制"), (7, 2, 1, 3, "7"),
    ]
    h = [("h", r, 0 if r in (0, 3, 5, 8) else 1, 5) for r in range(9)]  # headings merged down
    v = [("v", c, 0, 8) for c in (0, 1, 5)]
    v += [("v", 2, r, r + 1) for r in (0, 3, 5, 6, 7)]  # lost in rows 1 (规章), 2 and 4 (行政许可)
    v += [("v", c, r, r + 1) for c in (3, 4) for r in (0, 1)]  # lost in row 2; rows 3-7 merge them
    rules = h + v
    image = _draw_page(
        ["东川市交通运输局2021年政府信息公开工作年度报告", "二、主动公开政府信息情况"],
        60, [80, 110, 105, 105, 105], 26, cells, rules,
    )
    report = extract_file(_scan_pdf(tmp_path / "glued.pdf", image), Settings())
    got = {k: c.value for k, c in report.cells.items() if k.startswith("proactive.")}
    assert got["proactive.regulations.issued"] == 6
    assert got["proactive.regulations.repealed"] == 1 and got["proactive.regulations.in_force"] == 2
    assert got["proactive.licensing.decisions"] == 80001
    assert got["proactive.penalty.decisions"] == 120 and got["proactive.enforcement.decisions"] == 7
    issued = report.cells["proactive.regulations.issued"]
    assert issued.text == "6" and issued.page == 1 and issued.source == "ocr"
    assert issued.bbox is not None and issued.bbox[0] >= 60 + 80 + 110 - 2  # within the value column
    split = {f.cells for f in report.findings if f.rule == "cell.split_from_label"}
    normative = ("proactive.normative_documents.issued", "proactive.normative_documents.repealed",
                 "proactive.normative_documents.in_force")
    # The 行政规范性文件 row's numbers stand a wide ink gap apart across the header's column
    # lines: its line is read in pieces cut there (scan/scanned_page.py, issue 17 class 1), so
    # each number's own ink says its column and the three are placed, with the warning.
    assert split == {("proactive.regulations.issued",), ("proactive.licensing.decisions",), normative}
    assert [got[k] for k in normative] == [3, 4, 25]
    assert not [f for f in report.findings if f.rule == "table.unplaced_value"]


def test_scan_of_a_pre2019_statistics_row_that_lost_its_column_rules(tmp_path):
    """A 2014 statistics table whose row (三)政府信息公开工作专门机构数 | 个 | 1 was scanned
    without its column rules: the indicator gets its value and unit, with the warning."""
    labels = [
        ("一、主动公开情况", "", ""), ("（一）主动公开政府信息数", "条", "120"), ("其中：全文电子化", "条", "100"),
        ("二、依申请公开情况", "", ""), ("（一）收到申请数", "件", "50"), ("1.当面申请数", "件", "20"),
        ("2.传真申请数", "件", "10"), ("（二）办结数", "件", "48"), ("三、行政复议数", "件", "2"),
        ("（三）政府信息公开工作专门机构数", "个", "1"),
    ]
    glued_row = len(labels)  # the last row (1-based below the header)
    cells = [(0, 0, 1, 1, "指标名称"), (0, 1, 1, 1, "计量单位"), (0, 2, 1, 1, "本年度")]
    for r, (label, unit, value) in enumerate(labels, start=1):
        cells += [(r, 0, 1, 1, label), (r, 1, 1, 1, unit), (r, 2, 1, 1, value)]
    n_rows = len(labels) + 1
    rules = [("h", r, 0, 3) for r in range(n_rows + 1)]
    rules += [("v", c, 0, n_rows) for c in (0, 3)]
    rules += [("v", c, r, r + 1) for c in (1, 2) for r in range(n_rows) if r != glued_row]
    image = _draw_page(
        ["东川市交通运输局2014年政府信息公开工作年度报告", "政府信息公开情况统计表"],
        70, [250, 90, 110], 24, cells, rules,
    )
    report = extract_file(_scan_pdf(tmp_path / "glued-2014.pdf", image), Settings())
    offices = [i for i in report.indicators if i.key == "disclosure_offices"]
    assert len(offices) == 1 and offices[0].value == 1 and offices[0].unit == "个"
    cell = report.cells[offices[0].cell]
    assert cell.text == "1" and cell.page == 1 and cell.bbox is not None and cell.bbox[0] >= 70 + 250 + 90 - 2
    assert [f.cells for f in report.findings if f.rule == "cell.split_from_label"] == [(offices[0].cell,)]
    assert not [f for f in report.findings if f.rule == "table.unplaced_value"]
    assert {i.key: i.value for i in report.indicators}["applications_received"] == 50
