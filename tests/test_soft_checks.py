from extract.metadata import decide_version, read_info
from extract.soft_checks import agency_plausibility, makes_regulations, prose_vs_tables


def test_title_on_one_or_two_lines_and_year_first():
    assert read_info(["淮安市人民政府", "2024年政府信息公开工作年度报告"], "", None).model_dump() == {
        "agency": "淮安市人民政府", "year": 2024, "template": None}
    assert read_info(["泰安市泰山区行政审批服务局2024年政府信息公开工作年度报告"], "", None).agency == "泰安市泰山区行政审批服务局"
    info = read_info(["2023年度白石镇人民政府政府信息公开工作年度报告"], "", None)
    assert (info.agency, info.year) == ("白石镇人民政府", 2023)
    # a letterhead above the title is not part of the agency's name
    lines = ["云川市人民政府办公室文件", "云川市生态环境局", "2023年政府信息公开工作年度报告", "根据《条例》"]
    assert read_info(lines, "", None).agency == "云川市生态环境局"
    # a year in Chinese numerals; the prose below the title never feeds the agency
    lines = ["青山区人民政府二〇二三年政府信息公开工作年度报告", "一、总体情况", "根据条例，现公布青山区人民政府2023年政府信息公开工作年度报告。"]
    assert read_info(lines, "", None).model_dump() == {"agency": "青山区人民政府", "year": 2023, "template": None}
    # no title: the year from the reporting period
    assert read_info(["报告"], "统计期限自2022年1月1日起至2022年12月31日止", None).year == 2022


def test_version_from_labels_then_from_year():
    from collections import Counter

    assert decide_version(Counter({"2021": 3}), 2019)[0] == "2021"
    assert [f.rule for f in decide_version(Counter({"2021": 3}), 2019)[1]] == ["template.year_mismatch"]
    assert decide_version(Counter(), 2020) == ("2019", [])
    assert [f.rule for f in decide_version(Counter({"2021": 2, "2019": 1}), 2022)[1]] == ["template.mixed"]


def test_prose_figures_against_tables():
    values = {
        "applications.new_received.total": 3,
        "applications.granted.total": 17,
        "applications.partially_granted.total": 2,
        "review_litigation.review.total": 4,
        "review_litigation.litigation_direct.total": 2,
        "review_litigation.litigation_after_review.total": 3,
    }
    prose = "全年共受理政府信息公开申请2件，予以公开17件。发生政府信息公开行政复议4件、行政诉讼5件。"
    (finding,) = prose_vs_tables(prose, values)
    assert finding.rule == "prose.contradicts_table"
    assert finding.cells == ("applications.new_received.total",)
    assert (finding.expected, finding.printed) == (2.0, 3.0)
    # a figure stated twice with different numbers is ambiguous: left alone
    assert prose_vs_tables("收到申请2件。……本年收到申请5件", values) == []
    assert prose_vs_tables("予以公开17件，部分公开2件", values) == []


def test_who_makes_regulations():
    assert makes_regulations("淮安市人民政府")
    assert makes_regulations("江苏省人民政府办公厅")
    assert makes_regulations("国家税务总局")
    assert not makes_regulations("淮安市淮阴区人民政府")
    assert not makes_regulations("白石镇人民政府")
    assert not makes_regulations("云川市生态环境局")
    values = {"proactive.regulations.issued": 1, "proactive.regulations.repealed": 0}
    assert [f.cells for f in agency_plausibility("白石镇人民政府", values, "2021")] == [("proactive.regulations.issued",)]
    assert agency_plausibility("淮安市人民政府", values, "2021") == []
    assert agency_plausibility("白石镇人民政府", {"proactive.regulations.issued": 0}, "2021") == []
