import pytest

from extract.text import label_core, parse_value, similarity


@pytest.mark.parametrize(
    "printed, value",
    [
        ("28", 28),
        ("２８", 28),
        ("\u3000２８\u3000", 28),
        ("72\n5", 725),
        ("3,985,758", 3985758),
        ("3，985，758", 3985758),
        ("96171.6", 96171.6),
        ("-3", -3),
        ("－3", -3),
        ("251000元", "251000元"),
        ("12.5万元", "12.5万元"),
        ("", None),
        ("/", None),
        ("／", None),
        ("—", None),
        ("——", None),
        ("－", None),
        ("-", None),
        ("无", None),
        # Footnote references after a number are not digits of it (NFKC makes ① a 1).
        ("26①", 26),
        ("18*", 18),
        ("7889 ※", 7889),
        ("30¹", 30),
        ("0³", 0),
    ],
)
def test_parse_value(printed, value):
    parsed = parse_value(printed)
    assert parsed.ok
    assert parsed.value == value
    assert type(parsed.value) is type(value)


@pytest.mark.parametrize("printed", ["约30", "一", "3件左右", "1.2.3", "28 29", "01", "0\n1"])
def test_parse_value_refuses_what_is_not_a_number(printed):
    parsed = parse_value(printed)
    assert not parsed.ok and parsed.value is None


def test_label_core_drops_numbering_remarks_and_punctuation():
    assert label_core("（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == "部分公开"
    assert label_core("1、申请人无正当理由逾期\n不补正") == "申请人无正当理由逾期不补正"
    assert label_core("3.危及“三安全一稳定”") == "危及三安全一稳定"
    assert label_core("(三) 不予公开") == "不予公开"
    assert label_core("法人或其它组织") == "法人或其他组织"
    # a parenthetical that is the whole label stays
    assert label_core("（本列数据的勾稽关系为：第一项加第二项之和）") != ""


def test_similarity_ranks_the_right_label_first():
    row = label_core("5. 要求行政机关确认或重新出\n具已获取信息")
    assert similarity(row, label_core("5.要求行政机关确认或重新出具已获取信息")) == 1.0
    assert similarity("其他", "其他法律行政法规禁止公开") < similarity("其他", "其他")
    assert similarity("部分公开", label_core("（二）部分公开")) == 1.0
    assert similarity("", "x") == 0.0


def test_resolution_of_an_untagged_page_image():
    from extract.read.images import _dpi

    # No tag (0): the A4 guess decides.
    assert round(_dpi(1241, 1754, 0)[0]) == 150  # an A4 page at 150 dpi
    assert _dpi(1241, 1754, 0)[1]  # a guess
    assert round(_dpi(1754, 1241, 0)[0]) == 150  # the same, landscape
    # Pages stitched end to end (a phone's long screenshot): A4 wide, not A4 long.
    assert round(_dpi(993, 4212, 0)[0]) == 120
    assert _dpi(1241, 1754, 144) == (144, False)  # a plausible tag is kept
    assert round(_dpi(1241, 1754, 72)[0]) == 150  # a camera's default 72 is not


def test_a_footnote_reference_after_a_label_is_not_part_of_it():
    assert label_core("行政许可²") == label_core("行政许可")
    assert label_core("其他①") == "其他"


def test_he_ji_and_zong_ji_are_one_word_for_total():
    assert label_core("（七）合计") == label_core("（七）总计")


def test_a_page_image_finer_than_the_maximum_is_read_at_the_maximum(tmp_path):
    """A 600 dpi page image (an archive master, an MFP's fine bilevel mode) is read at
    Settings.max_render_dpi, as a PDF page is rendered: area-averaged, a thin ruling kept
    as a grey line; 300 dpi and coarser images are read as they are."""
    import numpy as np
    from PIL import Image

    from extract.read.images import load_image_pages
    from extract.settings import DEFAULT_SETTINGS

    page = np.full((7016, 4961), 255, np.uint8)
    page[3001:3003, 500:4500] = 0  # a 0.24 pt ruling, two pixels, across an odd row
    for dpi in (600, 300):
        image = page if dpi == 600 else page[::2, ::2]
        path = tmp_path / f"page{dpi}.tif"
        Image.fromarray(image).convert("1").save(path, compression="group4", dpi=(dpi, dpi))
        (loaded,) = load_image_pages(path, DEFAULT_SETTINGS)
        height, width = loaded.image.shape[:2]
        assert abs(loaded.dpi - 300) < 1 and height == 3508 and abs(width - 2480.5) <= 0.5
        gray = loaded.image.min(axis=2) if loaded.image.ndim == 3 else loaded.image
        assert gray[1498:1504, 300:2200].min(axis=0).max() <= 130  # the ruling, unbroken
