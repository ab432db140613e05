"""Mapping decisions on hand-made observations and labels."""

from extract.geometry import BBox
from extract.grid import GridCell
from extract.mapping import _join_split_row, _RowObservation, _stack_headers, _HeaderCell
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
    from extract.mapping import _Column, _complete_by_order

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
