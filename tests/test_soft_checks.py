from extract.checks.soft_checks import (
    agency_plausibility,
    makes_regulations,
    prose_vs_tables,
)
from extract.metadata import decide_version, read_info


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
    # a browser's print header carries the page title after the date and time
    lines = ["12/1/26,12:37PM江宁区司法局2023年政府信息公开工作年度报告_政府信息公开年报_江宁区人民政府"]
    assert read_info(lines, "", None).agency == "江宁区司法局"
    # a web page printed to PDF: menus and a sidebar of other reports before the title,
    # which is broken over two lines
    lines = ["您好,欢迎访问梅溪区人民政府!无障碍|长者模式", "首页", "政务公开", "当前位置:首页>政务公开>政府信息公开年报",
             "年度报告", "梅溪区退役军人事务局2023年政府信息公开工作年度报告2024-03-26",
             "梅溪区退役军人事务局2022年政府信息公开工作年度报告2023-03-25", "政府信息公开指南", "政府信息公开制度",
             "法定主动公开内容", "政府信息公开年报", "索引号:1120240000MB1234567/2025-00012",
             "发布机构:梅溪区退役军人事务局发布日期:2025-01-28", "梅溪区退役军人事务局2024年政府信息公开工作", "年度报告",
             "发布时间:2025-01-2810:02", "本报告根据《条例》要求编制。", "一、总体情况"]
    assert read_info(lines, "", None).model_dump() == {"agency": "梅溪区退役军人事务局", "year": 2024, "template": None}
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



def _warned(prose: str, **values: int) -> dict[str, tuple[float, float]]:
    """prose_vs_tables on short keys (new_received=30 → applications.new_received.total):
    {first cell: (stated, table)} for each warning."""
    cells = {
        "new_received": "applications.new_received.total",
        "granted": "applications.granted.total",
        "partially_granted": "applications.partially_granted.total",
        "review": "review_litigation.review.total",
        "litigation_direct": "review_litigation.litigation_direct.total",
        "litigation_after_review": "review_litigation.litigation_after_review.total",
    }
    findings = prose_vs_tables(prose, {cells[k]: v for k, v in values.items()})
    assert all(f.rule == "prose.contradicts_table" and f.severity == "warning" for f in findings)
    return {f.cells[0].split(".")[1]: (f.expected, f.printed) for f in findings}


def test_prose_whole_agency_figures_still_contradict():
    # the agency's own figure for the year, in plain words
    assert _warned("本年度共收到政府信息公开申请28件。", new_received=30) == {"new_received": (28.0, 30.0)}
    assert _warned("2024年，我局全年共受理政府信息公开申请28件，均已按时答复。", new_received=30)
    assert _warned("本机关收到依申请公开28件，主要涉及审批业务。", new_received=30)  # the seed report's phrasing
    assert _warned("本单位共收到申请28件。", new_received=30)
    assert _warned("本机关共受理政府信息公开申请 3119 件。", new_received=3000)  # spaced digits
    # a later clause about another period or share does not change the figure's own scope
    prose = "2022年，南岭市市场监督管理局共收到政府信息公开申请166件，上年结转12件；其中自然人申请120件。"
    assert _warned(prose, new_received=160) == {"new_received": (166.0, 160.0)}
    # 其中本年新收… splits 办理 into 新收 and 结转: the year's own figure
    assert _warned("共办理申请30件，其中本年新收政府信息公开申请25件，上年结转5件。", new_received=20)
    # naming every kind of applicant is all applicants
    assert _warned("收到公民和法人提出的政府信息公开申请28件。", new_received=30)
    # the concluded cases stated as the 复议 figure (sample r2022-prose-review-01)
    prose = "全年共发生政府信息公开行政复议3件、行政诉讼5件。"
    assert _warned(prose, review=4, litigation_direct=2, litigation_after_review=3) == {"review": (3.0, 4.0)}
    assert _warned("其中，予以公开1件，部分公开1件。", granted=2, partially_granted=1) == {"granted": (1.0, 2.0)}


def test_prose_figures_of_another_scope_are_not_compared():
    # one office's share of a district report (issue 7)
    assert _warned("2024年，区政府办代表区政府受理政府信息公开申请17件。", new_received=95) == {}
    assert _warned("全区共收到申请95件，其中区政府办受理政府信息公开申请17件。", new_received=17) == {}
    # an applicant type
    assert _warned("其中，收到自然人政府信息公开申请15件。", new_received=30) == {}
    assert _warned("受理法人或其他组织申请5件。", new_received=30) == {}
    # r2023-prose-granted-natural-01 prints this against granted 总计 17 (自然人 12): the
    # figure says it is the 自然人 share, so it is not a contradiction of the 总计.
    assert _warned("从申请人类型看，自然人申请占绝大多数，对自然人提出的申请予以公开12件。", granted=17) == {}
    # another period, or several years together
    assert _warned("受理上年结转政府信息公开申请3件。", new_received=30) == {}
    assert _warned("截至2024年12月31日，共受理政府信息公开申请500件。", new_received=30) == {}
    assert _warned("2019年至2024年累计受理政府信息公开申请500件。", new_received=30) == {}
    # a channel
    assert _warned("通过信函受理政府信息公开申请5件。", new_received=30) == {}
    assert _warned("其中网上受理政府信息公开申请20件。", new_received=30) == {}
    # several agencies together: even a district government's tables usually hold only its
    # own (本级) applications, and a department's never the district's; the prose cannot
    # tell which, so 全区/各部门/各镇街 figures are not compared in either direction.
    assert _warned("全区各部门共受理政府信息公开申请300件。", new_received=12) == {}
    assert _warned("各镇街共受理政府信息公开申请40件。", new_received=12) == {}
    # another quantity
    assert _warned("共受理并答复政府信息公开申请28件。", new_received=30) == {}
    assert _warned("受理政府信息公开咨询申请200件。", new_received=30) == {}
    assert _warned("共受理行政许可申请3000件。", new_received=30) == {}  # not a disclosure request
    assert _warned("行政复议纠正1件。政府信息公开行政诉讼败诉1件。", review=4, litigation_direct=0, litigation_after_review=3) == {}
    assert _warned("在门户网站公开行政复议决定书12件。", review=4) == {}
    assert _warned("本局全年办理行政复议案件120件。", review=0) == {}  # a 司法局's own 复议 work
    # a figure stated twice with different numbers stays ambiguous when both are in scope,
    # and an out-of-scope one does not make the in-scope one ambiguous
    assert _warned("本年共收到政府信息公开申请28件。……本机关收到申请29件。", new_received=30) == {}
    assert _warned("全区共受理政府信息公开申请300件；本机关收到申请28件。", new_received=30) == {
        "new_received": (28.0, 30.0)}


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


def test_combined_statements_are_the_sum_of_their_cells():
    # issue 14: a real 2023 web report states 予以公开及部分公开42件 against 22 + 20
    assert _warned("予以公开及部分公开42件。", granted=22, partially_granted=20) == {}
    assert _warned("本年度同意公开和部分公开42件。", granted=22, partially_granted=20) == {}
    assert _warned("予以公开（含部分公开）42件。", granted=22, partially_granted=20) == {}
    assert _warned("予以公开及部分公开40件。", granted=22, partially_granted=20) == {"granted": (40.0, 42.0)}
    # the combined figure's cells are both cells
    (finding,) = prose_vs_tables("予以公开及部分公开40件。", {
        "applications.granted.total": 22, "applications.partially_granted.total": 20})
    assert finding.cells == ("applications.granted.total", "applications.partially_granted.total")
    # the separate figures still compare one by one
    assert _warned("予以公开22件，部分公开21件。", granted=22, partially_granted=20) == {"partially_granted": (21.0, 20.0)}
