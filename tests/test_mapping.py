"""Mapping decisions on hand-made observations and labels."""

from extract.geometry import BBox
from extract.page import GridCell
from extract.tables.mapping import (
    _HeaderCell,
    _join_split_row,
    _RowObservation,
    _stack_headers,
)
from extract.text import label_core


def _cell(text):
    return GridCell(0, 0, 1, 1, BBox(0, 0, 10, 10), text, 1.0, "text")


def _obs(label, values):
    return _RowObservation(1, label_core(label), "不予处理", label, tuple((k, _cell(v)) for k, v in values))


def test_a_row_broken_across_pages_is_joined():
    values = [("natural_person", "1"), ("total", "1")]
    rows = [_obs("4.无正当理由大量反复申请", values), _obs("5.要求行政机关确认或重新出", values),
            _obs("具已获取信息", [("natural_person", ""), ("total", "")])]
    _join_split_row(rows, 2)
    assert len(rows) == 2
    assert rows[1].own == label_core("5.要求行政机关确认或重新出具已获取信息")
    assert [c.text for _, c in rows[1].values] == ["1", "1"]


def test_values_in_the_second_part_are_kept():
    rows = [_obs("5.要求行政机关确认或重新出", [("total", "")]), _obs("具已获取信息", [("total", "7")])]
    _join_split_row(rows, 1)
    assert len(rows) == 1 and rows[0].values[0][1].text == "7"


def test_two_whole_rows_at_a_page_break_stay_apart():
    rows = [_obs("1.信访举报投诉类申请", [("total", "")]), _obs("2.重复申请", [("total", "3")])]
    _join_split_row(rows, 1)
    assert len(rows) == 2


def test_header_cut_by_the_page_end_is_stacked():
    upper = [[_HeaderCell(0, 100, "申请人情况")], [_HeaderCell(0, 20, "自然"), _HeaderCell(20, 80, "法人或其他组织"), _HeaderCell(80, 100, "总计")]]
    lower = [[_HeaderCell(0, 20, "人"), _HeaderCell(20, 30, "商业企业"), _HeaderCell(80, 100, "")]]
    stacked = _stack_headers(upper, lower)
    assert [h.text for h in stacked[1]] == ["自然人", "法人或其他组织", "总计"]
    assert [h.text for h in stacked[2]] == ["商业企业"]


def test_unreadable_header_named_by_position_only_when_unambiguous():
    from extract.tables.mapping import _Column, _complete_by_order

    order = ("a", "b", "c", "d")
    slots = [(0, 10), (10, 20), (20, 30), (30, 40)]
    named = [_Column("a", 0, 10), _Column("d", 30, 40), _Column("c", 20, 30)]
    columns, by_position, ordered = _complete_by_order(named, slots, order)
    assert ordered and by_position == ["b"] and [c.key for c in columns] == ["a", "b", "c", "d"]
    # a named column off its rank: nothing is guessed
    _, by_position, _ = _complete_by_order([_Column("b", 0, 10)], slots, order)
    assert by_position == []
    # named columns out of order are reported
    assert _complete_by_order([_Column("c", 0, 10), _Column("a", 20, 30)], slots, order)[2] is False


# Section 三 row labels as agencies print them (typos, dropped characters, numbering
# styles, half-width forms, remarks, spaces), with the enclosing label of each.
_PRINTED_ROWS = [
    ("一、本年新收政府信息公开申请数量", "", "new_received"),
    ("二、上年结转政府信息公开申请数量", "", "carried_over"),
    ("(一)予以公开", "三、本年度办理结果", "granted"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "三、本年度办理结果", "partially_granted"),
    ("1、属于国家秘密", "（三）不予公开", "withheld_state_secret"),
    ("2.其他法律行政止公开", "（三）不予公开", "withheld_prohibited_by_law"),
    ("（3）危及三安全一稳定", "（三）不予公开", "withheld_security_stability"),
    ("④保护第三方合法权益", "（三）不予公开", "withheld_third_party"),
    ("5.属于三类内部事务信息", "（三）不予公开", "withheld_internal_affairs"),
    ("6.属于四类过程性信息", "（三）不予公开", "withheld_process_info"),
    ("7.属于行政执法案卷", "（三）不予公开", "withheld_enforcement_file"),
    ("8.属于行政查询事项", "（三）不予公开", "withheld_admin_query"),
    ("1.本机关不掌握相关信息", "（四）无法提供", "unable_not_held"),
    ("2.没有现成信息需要另行制作", "（四）无法提供", "unable_needs_creation"),
    ("3.补正后申请内容仍不明确", "（四）无法提供", "unable_unclear"),
    ("1.信访举报投诉类申请", "（五）不予处理", "rejected_petition"),
    ("2.重复申请", "（五）不予处理", "rejected_duplicate"),
    ("3.要求提供公开出版物", "（五）不予处理", "rejected_publication"),
    ("4.无正当理由大量反复 申请", "（五）不予处理", "rejected_excessive"),
    ("5.要求行政机关确认或重 新出具已获取信息", "（五）不予处理", "rejected_confirmation"),
]
_TAIL = [("（七）总计", "三、本年度办理结果", "total_handled"), ("四、结转下年度继续办理", "", "carried_forward")]
_SPLIT_OTHER = [
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理", "other_overdue_correction"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "（六）其他处理", "other_overdue_fee"),
    ("3.其它", "（六）其他处理", "other_other"),
]


def _observe(rows):
    return [
        _RowObservation(1, label_core(label), label_core(group), label, (("total", _cell("1")),))
        for label, group, _ in rows
    ]


def test_printed_labels_map_to_their_rows_in_either_layout_of_other():
    from extract.tables.mapping import match_application_rows

    single = [("（六）其他处理", "三、本年度办理结果", "other")]
    for rows in (_PRINTED_ROWS + _SPLIT_OTHER + _TAIL, _PRINTED_ROWS + single + _TAIL):
        assigned, doubtful = match_application_rows(_observe(rows), 0.55)
        assert [assigned.get(i) for i in range(len(rows))] == [key for _, _, key in rows]
        assert doubtful == []


def test_a_weak_match_is_reported():
    from extract.tables.mapping import match_application_rows

    rows = [("2.其他法律", "（三）不予公开", "withheld_prohibited_by_law")]
    assigned, doubtful = match_application_rows(_observe(rows), 0.55)
    assert assigned == {0: "withheld_prohibited_by_law"} and doubtful == [(0, "withheld_prohibited_by_law")]


def _grid(rows, widths, page=1):
    """A Grid from rows of (col, col_span, row_span, text) cells; unit row height 20 pt."""
    from extract.page import Grid

    xs = [0.0]
    for w in widths:
        xs.append(xs[-1] + w)
    cells = []
    for r, row in enumerate(rows):
        for c, cs, rs, text in row:
            bbox = BBox(xs[c], 20.0 * r, xs[c + cs], 20.0 * (r + rs))
            cells.append(GridCell(r, c, rs, cs, bbox, text, 1.0, "text"))
    ys = tuple(20.0 * r for r in range(len(rows) + 1))
    return Grid(page, tuple(xs), ys, tuple(cells))


def test_review_groups_named_with_their_enclosing_label():
    from extract.settings import Settings
    from extract.tables.mapping import map_tables

    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    groups = ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"]
    rows = [
        [(5 * g, 5, 1, name) for g, name in enumerate(groups)],
        [(5 * g + i, 1, 1, h) for g in range(3) for i, h in enumerate(heads)],
        [(i, 1, 1, str(i)) for i in range(15)],
    ]
    mapping = map_tables([_grid(rows, [30] * 15)], Settings())
    got = {k: m.cell.text for k, m in mapping.cells.items()}
    assert got["review_litigation.litigation_direct.upheld"] == "5"
    assert got["review_litigation.litigation_after_review.total"] == "14"
    assert len(got) == 15


def test_review_groups_by_position_only_for_a_full_cycle_of_results():
    """四's group rows lost (left at the foot of the page before, no table found there): a
    fragment whose only header row reads the five results three times, first characters
    cut off by the page break (果维持 …, 计), gets the groups by the template's order, and
    says so; a header that does not run the cycle exactly gets nothing by position."""
    from extract.settings import Settings
    from extract.tables.mapping import map_tables

    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    labels = ["果维持", "果纠正", "他结果", "未审结", "计"] + heads + heads
    rows = [[(i, 1, 1, h) for i, h in enumerate(labels)], [(i, 1, 1, str(i)) for i in range(15)]]
    mapping = map_tables([_grid(rows, [30] * 15, page=3)], Settings())
    got = {k: m.cell.text for k, m in mapping.cells.items()}
    assert len(got) == 15
    assert got["review_litigation.review.upheld"] == "0" and got["review_litigation.review.total"] == "4"
    assert got["review_litigation.litigation_direct.upheld"] == "5"
    assert got["review_litigation.litigation_after_review.total"] == "14"
    said = [f for f in mapping.findings if f.rule == "review_litigation.groups_by_position"]
    assert [f.severity for f in said] == ["warning"] and set(said[0].cells) == set(got)
    # Two labels swapped, or a group short: no cycle, nothing placed by position.
    for broken in (labels[:5] + [heads[1], heads[0]] + heads[2:] + heads, labels[:14]):
        rows = [[(i, 1, 1, h) for i, h in enumerate(broken)], [(i, 1, 1, str(i)) for i in range(len(broken))]]
        mapping = map_tables([_grid(rows, [30] * len(broken), page=3)], Settings())
        assert not mapping.cells
        assert not any(f.rule == "review_litigation.groups_by_position" for f in mapping.findings)


def test_proactive_block_headings_merged_down_the_left():
    from extract.settings import Settings
    from extract.tables.mapping import map_tables

    rows = [
        [(0, 1, 3, "第二十条第（一）项"), (1, 1, 1, "信息内容"), (2, 1, 1, "本年制发件数"), (3, 1, 1, "本年废止件数"), (4, 1, 1, "现行有效件数")],
        [(1, 1, 1, "规章"), (2, 1, 1, "0"), (3, 1, 1, "1"), (4, 1, 1, "2")],
        [(1, 1, 1, "行政规范性文件"), (2, 1, 1, "3"), (3, 1, 1, "4"), (4, 1, 1, "25")],
        [(0, 1, 2, "第二十条第（五）项"), (1, 1, 1, "信息内容"), (2, 3, 1, "本年处理决定数量")],
        [(1, 1, 1, "行政许可"), (2, 3, 1, "103,240")],
    ]
    mapping = map_tables([_grid(rows, [60, 80, 60, 60, 60])], Settings())
    got = {k: m.cell.text for k, m in mapping.cells.items()}
    assert got == {
        "proactive.regulations.issued": "0", "proactive.regulations.repealed": "1",
        "proactive.regulations.in_force": "2", "proactive.normative_documents.issued": "3",
        "proactive.normative_documents.repealed": "4", "proactive.normative_documents.in_force": "25",
        "proactive.licensing.decisions": "103,240",
    }


def test_a_label_cell_holding_numbers_is_reported_not_dropped():
    """Rulings between a label and its values not found (faint grey lines on a scan): the
    row reads as one cell 行政规范性文件 1 4 11. Its numbers are reported as unplaced; a
    label's own numbering (1. ① （1）) is not a number."""
    from extract.settings import Settings
    from extract.tables.mapping import check_placement, map_tables

    rows = [
        [(0, 1, 1, "信息内容"), (1, 1, 1, "本年制发件数"), (2, 1, 1, "本年废止件数"), (3, 1, 1, "现行有效件数")],
        [(0, 1, 1, "规章"), (1, 1, 1, "0"), (2, 1, 1, "0"), (3, 1, 1, "0")],
        [(0, 4, 1, "行政规范性文件 1 4 11")],
        [(0, 1, 1, "①属于国家秘密"), (1, 1, 1, "/"), (2, 1, 1, "（1）第一项"), (3, 1, 1, "2.其他")],
    ]
    mapping = map_tables([_grid(rows, [80, 60, 60, 60])], Settings())
    unplaced = check_placement(mapping, set(mapping.cells)).unplaced
    assert [cell.text for _, _, cell in unplaced] == ["行政规范性文件 1 4 11"]


def test_caption_and_unit_rows_inside_the_frame_name_no_column():
    """Producers put a caption (表2 …) or a unit (单位：件) row across the table above its
    header: the header below still names the columns, and 表2 is not a printed number."""
    from extract.settings import Settings
    from extract.tables.mapping import check_placement, map_tables

    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    groups = ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"]
    rows = [
        [(0, 15, 1, "表3 政府信息公开行政复议、行政诉讼情况")],
        [(0, 15, 1, "单位：件")],
        [(5 * g, 5, 1, name) for g, name in enumerate(groups)],
        [(5 * g + i, 1, 1, h) for g in range(3) for i, h in enumerate(heads)],
        [(i, 1, 1, str(i)) for i in range(15)],
    ]
    mapping = map_tables([_grid(rows, [30] * 15)], Settings())
    got = {k: m.cell.text for k, m in mapping.cells.items()}
    assert len(got) == 15 and got["review_litigation.review.upheld"] == "0"
    assert not check_placement(mapping, set(mapping.cells)).unplaced


def test_columns_printed_in_another_order_are_placed_by_their_headers():
    """总计 first and 自然人 after the 法人 group: every header reads plainly, so each value
    goes by its header and the report says so (info); values are not moved by position."""
    from extract.settings import Settings
    from extract.tables.mapping import map_tables

    orgs = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    rows = [
        [(0, 1, 3, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"), (1, 7, 1, "申请人情况")],
        [(1, 1, 2, "总计"), (2, 5, 1, "法人或其他组织"), (7, 1, 2, "自然人")],
        [(2 + i, 1, 1, name) for i, name in enumerate(orgs)],
        [(0, 1, 1, "一、本年新收政府信息公开申请数量")] + [(1 + i, 1, 1, str(v)) for i, v in enumerate([21, 1, 2, 3, 4, 5, 6])],
        [(0, 1, 1, "二、上年结转政府信息公开申请数量")] + [(1 + i, 1, 1, "0") for i in range(7)],
    ]
    mapping = map_tables([_grid(rows, [200] + [40] * 7)], Settings())
    got = {k: m.cell.text for k, m in mapping.cells.items() if k.startswith("applications.new_received")}
    assert got == {
        "applications.new_received.total": "21", "applications.new_received.enterprise": "1",
        "applications.new_received.research": "2", "applications.new_received.public_interest": "3",
        "applications.new_received.legal_service": "4", "applications.new_received.other_org": "5",
        "applications.new_received.natural_person": "6",
    }
    rules = {(f.rule, f.severity) for f in mapping.findings}
    assert ("applications.columns_reordered", "info") in rules
    assert not any(rule == "applications.column_order" for rule, _ in rules)


def test_a_row_whose_label_is_unreadable_is_named_by_its_place():
    """A poor scan reads 3.要求提供公开出版物 as 物: between 重复申请 and 无正当理由大量反复申请
    only one template row fits; a run of k unreadable rows where k rows are missing is
    named in order; anything else stays unnamed."""
    from extract.tables.mapping import _rows_by_position, match_application_rows

    def rows(labels):
        return [_RowObservation(1, label_core(t), label_core("（五）不予处理"), t, (("total", _cell("0")),)) for t in labels]

    observed = rows(["2.重复申请", "物", "4.无正当理由大量反复申请"])
    assigned, _ = match_application_rows(observed, 0.55)
    assert 1 not in assigned
    assert _rows_by_position(observed, assigned) == {1: "rejected_publication"}

    observed = rows(["1.信访举报投诉类申请", "物", "夏申", "4.无正当理由大量反复申请"])
    assigned, _ = match_application_rows(observed, 0.55)
    assigned = {k: v for k, v in assigned.items() if k not in (1, 2)}
    assert _rows_by_position(observed, assigned) == {1: "rejected_duplicate", 2: "rejected_publication"}
    # One unreadable row where two template rows are missing: which one it is is unknown.
    observed = rows(["1.信访举报投诉类申请", "物", "4.无正当理由大量反复申请"])
    assigned, _ = match_application_rows(observed, 0.55)
    assert _rows_by_position(observed, {k: v for k, v in assigned.items() if k != 1}) == {}


def test_numbering_at_the_start_of_each_line_of_a_merged_label_is_not_a_number():
    from extract.tables.mapping import _has_embedded_number

    assert not _has_embedded_number(_cell("1.申请人无正当理由逾期不\n补正\n2.申请人逾期未按收费通知\n要求缴纳费用"))
    assert _has_embedded_number(_cell("行政规范性文件\n1 4 11"))


def test_columns_carried_to_a_fragment_that_lost_its_outer_column():
    """A continuation of 三 whose leftmost column (the group label's, from the page before)
    has no left border on its page starts at the next line: its columns stay where they are
    on the page, not stretched edge to edge."""
    from extract.page import Grid
    from extract.tables.mapping import _carry_columns, _Column

    source = Grid(3, (34.1, 79.9, 135.4, 215.6, 252.4, 472.9), (0.0, 20.0), ())
    target = Grid(4, (79.9, 135.4, 215.6, 252.4, 472.9), (0.0, 20.0), ())
    carried = _carry_columns([_Column("natural_person", 215.6, 252.4)], source, target)
    assert [(c.x0, c.x1) for c in carried] == [(215.6, 252.4)]
    # A scan of the next page sits 3 pt to the right: mapped by the table's edges.
    shifted = Grid(4, tuple(x + 3.0 for x in source.xs), (0.0, 20.0), ())
    carried = _carry_columns([_Column("natural_person", 215.6, 252.4)], source, shifted)
    assert [(round(c.x0, 1), round(c.x1, 1)) for c in carried] == [(218.6, 255.4)]


def test_a_label_cell_spanning_two_printed_rows_gives_each_its_own_lines():
    """On a photographed page the thin ruling between two labels of 三's （六） can be lost
    where the text above and below touches it, while the value columns keep it: one label
    cell then spans both rows. Each row reads the label lines printed within its height,
    not both labels joined (which told the two rows apart by chance: 0 and 1 swapped)."""
    from dataclasses import replace
    from pathlib import Path

    import pypdfium2 as pdfium

    from extract.read.pdf import read_page
    from extract.settings import DEFAULT_SETTINGS
    from extract.tables.grid import grids_on_page
    from extract.tables.mapping import map_tables

    source = Path(__file__).resolve().parents[1] / "samples" / "r2024-wps-vertical-01.pdf"
    doc = pdfium.PdfDocument(str(source))
    try:
        grids = [g for i in range(len(doc)) for g in grids_on_page(read_page(doc, i, DEFAULT_SETTINGS), DEFAULT_SETTINGS)]
    finally:
        doc.close()

    def own_cell(grid, start):
        return next((c for c in grid.cells if label_core(c.text).startswith(label_core(start))), None)

    merged_grids = []
    for grid in grids:
        first, second = own_cell(grid, "1.申请人无正当理由"), own_cell(grid, "2.申请人逾期未按收费")
        if first is not None and second is not None and second.row == first.last_row + 1:
            both = replace(
                first,
                row_span=first.row_span + second.row_span,
                bbox=BBox(first.bbox.x0, first.bbox.top, first.bbox.x1, second.bbox.bottom),
                text=first.text + "\n" + second.text,
                boxes=first.boxes + second.boxes,
            )
            grid = replace(grid, cells=tuple(both if c is first else c for c in grid.cells if c is not second))
        merged_grids.append(grid)
    assert merged_grids != grids, "the sample prints both rows of （六）"
    want = {k: m.cell.text for k, m in map_tables(grids, DEFAULT_SETTINGS).cells.items() if "overdue" in k}
    got = {k: m.cell.text for k, m in map_tables(merged_grids, DEFAULT_SETTINGS).cells.items() if "overdue" in k}
    assert want["applications.other_overdue_fee.total"] != want["applications.other_overdue_correction.total"]
    assert got == want


def test_a_review_group_cell_printing_two_group_names_is_cut_at_its_leaves():
    """The ruling between 未经复议直接起诉 and 复议后起诉 lost: one cell over ten result
    columns prints both names. Each takes five of the result labels under it, in order."""
    from extract.settings import Settings
    from extract.tables.mapping import map_tables

    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rows = [
        [(0, 5, 2, "行政复议"), (5, 10, 1, "行政诉讼")],
        [(5, 10, 1, "未经复议直接起诉复议后起诉")],
        [(i, 1, 1, h) for i, h in enumerate(heads * 3)],
        [(i, 1, 1, str(i)) for i in range(15)],
    ]
    mapping = map_tables([_grid(rows, [30] * 15)], Settings())
    got = {k: m.cell.text for k, m in mapping.cells.items()}
    assert len(got) == 15
    assert got["review_litigation.review.total"] == "4"
    assert got["review_litigation.litigation_direct.upheld"] == "5"
    assert got["review_litigation.litigation_after_review.upheld"] == "10"
    assert got["review_litigation.litigation_after_review.total"] == "14"
    # Over nine result labels (one lost) the cell is not cut: nothing of it is guessed.
    rows[2] = [(i, 1, 1, h) for i, h in enumerate(heads * 3) if i != 12]
    mapping = map_tables([_grid(rows, [30] * 15)], Settings())
    assert not any(k.startswith("review_litigation.litigation_after_review") for k in mapping.cells)


def test_a_misread_result_label_is_named_by_its_place_in_its_group():
    """One result label of 四 misread (尚末申结, a skewed scan): its group's four other
    labels read in the template's order, so it is 尚未审结 by position, with a warning
    naming the cell; two labels misread in one group leave both unplaced."""
    from extract.settings import Settings
    from extract.tables.mapping import map_tables

    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    groups = ["行政复议", "未经复议直接起诉", "复议后起诉"]

    def mapped(third):
        rows = [
            [(0, 5, 1, "行政复议"), (5, 10, 1, "行政诉讼")],
            [(0 + i, 1, 2, h) for i, h in enumerate(heads)] + [(5, 5, 1, groups[1]), (10, 5, 1, groups[2])],
            [(5 + i, 1, 1, h) for i, h in enumerate(heads)] + [(10 + i, 1, 1, h) for i, h in enumerate(third)],
            [(i, 1, 1, str(i)) for i in range(15)],
        ]
        return map_tables([_grid(rows, [30] * 15, page=4)], Settings())

    mapping = mapped(heads[:3] + ["尚末申结", "总计"])
    got = {k: m.cell.text for k, m in mapping.cells.items()}
    assert len(got) == 15 and got["review_litigation.litigation_after_review.pending"] == "13"
    said = [f for f in mapping.findings if f.rule == "review_litigation.results_by_position"]
    assert [(f.severity, list(f.cells)) for f in said] == [("warning", ["review_litigation.litigation_after_review.pending"])]
    mapping = mapped(heads[:2] + ["耳他洁果", "尚末申结", "总计"])
    assert "review_litigation.litigation_after_review.pending" not in mapping.cells
    assert not any(f.rule == "review_litigation.results_by_position" for f in mapping.findings)


def test_a_header_label_with_marks_read_as_a_digit_is_no_unplaced_value():
    """三's shaded 申请人情况 cell read with its fill edge and border as "?4☑申请人情况 ?"
    (a 2-up scan): a header names columns, the 4 is no count left unplaced. A body label
    with a number in it still is."""
    from extract.settings import Settings
    from extract.tables.mapping import check_placement, map_tables

    heads = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    rows = [
        [(0, 1, 2, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"), (1, 7, 1, "?4☑申请人情况 ?")],
        [(1 + i, 1, 1, h) for i, h in enumerate(heads)],
        [(0, 1, 1, "一、本年新收政府信息公开申请数量")] + [(1 + i, 1, 1, str(i + 1)) for i in range(7)],
        [(0, 1, 1, "二、上年结转政府信息公开申请数量 7")] + [(1 + i, 1, 1, "0") for i in range(7)],
    ]
    mapping = map_tables([_grid(rows, [200] + [30] * 7)], Settings())
    assert mapping.cells["applications.new_received.total"].cell.text == "7"
    unplaced = [cell.text for _, _, cell in check_placement(mapping, set(mapping.cells)).unplaced]
    assert unplaced == ["二、上年结转政府信息公开申请数量 7"], unplaced
