"""The vocabulary of pre-2019 statistics tables (政府信息公开情况统计表, 2008-2018).

Before the national 2019 template there were no fixed tables: each province printed its
own variant of a statistics table whose rows are indicators (指标) that nest (a parent,
then 其中 items). This module is the single source of the stable indicator keys (the
output contract, listed in docs/data-dictionary.md, "Indicators"): each key with the
labels real tables print for it, its usual unit, the group it belongs to (which decides
between labels printed in several groups: 维持具体行政行为数 under 行政复议 and under
行政诉讼), and the partitions (其中 items that add up to their parent).

A printed label is matched after `indicator_core` (numbering, 其中, units in brackets and
punctuation removed) against these labels, tolerant of typos and dropped characters as the
template rows are (`extract.text.similarity`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

# Groups: the headed blocks of the national-style table of 2014-2018 (一、主动公开情况 …),
# which older tables also follow in their order of indicators.
Group = str
GROUPS: dict[Group, tuple[str, ...]] = {
    # group: words in a label or group heading that put the rows under it in the group.
    # Tried in this order: 因政府信息公开申请行政复议 is review, 依申请公开信息收取的费用
    # is fees, 接受培训人员数 is meetings, before the wider words match.
    "review": ("行政复议", "复议"),
    "litigation": ("行政诉讼", "诉讼"),
    "complaints": ("举报", "投诉", "申诉"),
    "fees": ("收费", "收取", "费用", "减免"),
    "meetings": ("会议", "培训"),
    "organisation": ("机构", "经费", "人员", "查阅点", "查阅场所", "接待"),
    "responses": ("回应", "解读", "舆情", "新闻发布", "访谈", "访问量"),
    "proactive": ("主动公开", "公报", "网站", "微博", "微信", "规范性文件", "电子化"),
    "applications": ("依申请", "申请", "答复", "办结"),
}


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    group: Group
    # Label cores (see indicator_core) real tables print for this indicator.
    labels: tuple[str, ...]
    unit: str
    name_en: str
    # The indicator it is usually printed under (其中 …), if any.
    parent: Optional[str] = None


def _spec(key: str, group: Group, unit: str, name_en: str, *labels: str, parent: Optional[str] = None) -> IndicatorSpec:
    return IndicatorSpec(key, group, labels, unit, name_en, parent)


VOCABULARY: tuple[IndicatorSpec, ...] = (
    # 主动公开
    _spec("proactive_published", "proactive", "条", "information disclosed proactively",
          "主动公开政府信息数", "主动公开政府信息", "主动公开信息数", "主动公开政府信息总数", "主动公开信息总数",
          "主动公开政府信息条数", "本年主动公开政府信息数", "主动公开数", "主动公开信息"),
    _spec("proactive_full_text_electronic", "proactive", "条", "of which full text in electronic form",
          "全文电子化", "全文电子化数", "其中全文电子化", "全文电子化信息数", "全文电子化主动公开政府信息数",
          parent="proactive_published"),
    _spec("proactive_normative_documents", "proactive", "件", "normative documents disclosed proactively",
          "主动公开规范性文件数", "公开规范性文件数", parent="proactive_published"),
    _spec("normative_documents_issued", "proactive", "件", "normative documents issued",
          "制发规范性文件总数", "制发规范性文件数", "制发规范性文件",
          # The national table of 2014-2018 prints it as an item of 主动公开政府信息数 (no part).
          parent="proactive_published"),
    _spec("channel_gazette", "proactive", "条", "disclosed in the government gazette",
          "政府公报公开政府信息数", "政府公报公开信息数", "政府公报"),
    _spec("channel_website", "proactive", "条", "disclosed on government websites",
          "政府网站公开政府信息数", "政府网站公开信息数", "政府网站", "门户网站公开政府信息数"),
    _spec("channel_weibo", "proactive", "条", "disclosed on government microblogs",
          "政务微博公开政府信息数", "政务微博"),
    _spec("channel_wechat", "proactive", "条", "disclosed on government WeChat accounts",
          "政务微信公开政府信息数", "政务微信"),
    _spec("channel_other", "proactive", "条", "disclosed by other channels",
          "其他方式公开政府信息数", "其他方式", "其他方式公开信息数"),
    # 回应解读
    _spec("hotspot_responses", "responses", "次", "responses to public concerns and major opinion events",
          "回应公众关注热点或重大舆情数", "回应公众关注热点或重大舆情", "回应公众关注热点数", "回应关注热点数",
          "回应社会关切数"),
    _spec("press_conferences", "responses", "次", "press conferences held or attended",
          "参加或举办新闻发布会总次数", "参加或举办新闻发布会次数", "新闻发布会次数", "举办新闻发布会次数",
          "召开新闻发布会次数", "新闻发布会总次数"),
    _spec("press_conferences_principal", "responses", "次", "of which attended by the principal leader",
          "主要负责同志参加新闻发布会次数", parent="press_conferences"),
    _spec("online_interviews", "responses", "次", "online interviews on the government website",
          "政府网站在线访谈次数", "在线访谈次数", "网上访谈次数"),
    _spec("online_interviews_principal", "responses", "次", "of which with the principal leader",
          "主要负责同志参加政府网站在线访谈次数", parent="online_interviews"),
    _spec("policy_interpretations", "responses", "篇", "policy interpretation articles published",
          "政策解读稿件发布数", "政策解读稿件数", "政策解读数", "发布政策解读稿件数"),
    _spec("website_visits", "responses", "人次", "visits to the website's disclosure column",
          "网站访问量", "政府网站访问量", "门户网站访问量", "信息公开专栏访问量", "网站专栏访问量"),
    _spec("microblog_wechat_responses", "responses", "次", "events responded to on microblogs and WeChat",
          "微博微信回应事件数"),
    _spec("other_responses", "responses", "次", "events responded to by other means", "其他方式回应事件数"),
    # 依申请公开
    _spec("applications_received", "applications", "件", "applications received",
          "收到申请数", "申请总数", "收到申请总数", "受理申请数", "受理申请总数", "收到政府信息公开申请数",
          "政府信息公开申请总数", "依申请公开申请数", "申请数", "收到申请", "受理政府信息公开申请数"),
    _spec("applications_in_person", "applications", "件", "applications made in person",
          "当面申请数", "当面申请", "现场申请数", parent="applications_received"),
    _spec("applications_fax", "applications", "件", "applications by fax",
          "传真申请数", "传真申请", parent="applications_received"),
    _spec("applications_online", "applications", "件", "applications online",
          "网上申请数", "网络申请数", "网上申请", "网络申请", "互联网申请数", "在线申请数",
          parent="applications_received"),
    _spec("applications_letter", "applications", "件", "applications by letter",
          "信函申请数", "信函申请", "邮寄申请数", parent="applications_received"),
    _spec("applications_email", "applications", "件", "applications by e-mail",
          "电子邮件申请数", "电子邮件申请", "电子邮件", parent="applications_received"),
    _spec("applications_other_channel", "applications", "件", "applications by other means",
          "其他形式申请数", "其他形式", "其他方式申请数", "其他形式申请", parent="applications_received"),
    _spec("applications_completed", "applications", "件", "applications completed",
          "申请办结数", "办结数", "已办结数", "办结申请数"),
    _spec("completed_on_time", "applications", "件", "completed on time",
          "按时办结数", "按期办结数", parent="applications_completed"),
    _spec("completed_extended", "applications", "件", "completed after an extension",
          "延期办结数", "延期答复数", parent="applications_completed"),
    _spec("replies_total", "applications", "件", "replies to applications",
          "对申请的答复总数", "申请答复数", "答复总数", "对申请的答复数", "答复数", "申请答复总数"),
    _spec("replies_already_public", "applications", "件", "already disclosed proactively",
          "属于已主动公开范围数", "属于已主动公开范围", "已主动公开数", parent="replies_total"),
    _spec("replies_granted", "applications", "件", "disclosure granted",
          "同意公开答复数", "同意公开数", "同意公开", "同意公开答复", "予以公开数", parent="replies_total"),
    _spec("replies_partially_granted", "applications", "件", "disclosure partly granted",
          "同意部分公开答复数", "同意部分公开数", "同意部分公开", "部分公开数", "部分公开", parent="replies_total"),
    _spec("replies_refused", "applications", "件", "disclosure refused",
          "不同意公开答复数", "否决公开答复总数", "不予公开答复数", "不予公开数", "不同意公开数", "否决公开答复数",
          "不同意公开", "不予公开", parent="replies_total"),
    _spec("refused_state_secret", "applications", "件", "refused: state secret",
          "涉及国家秘密", "属于国家秘密", "涉及国家秘密数", parent="replies_refused"),
    _spec("refused_commercial_secret", "applications", "件", "refused: commercial secret",
          "涉及商业秘密", "涉及商业秘密数", parent="replies_refused"),
    _spec("refused_privacy", "applications", "件", "refused: personal privacy",
          "涉及个人隐私", "涉及个人隐私数", parent="replies_refused"),
    _spec("refused_security_stability", "applications", "件", "refused: endangers security or stability",
          "危及国家安全公共安全经济安全和社会稳定", "危及国家安全公共安全经济安全社会稳定", parent="replies_refused"),
    _spec("refused_not_government_information", "applications", "件", "refused: not government information",
          "不是条例所指政府信息", "非政府信息", "不是政府信息", parent="replies_refused"),
    _spec("refused_law_prohibited", "applications", "件", "refused: other cases in laws and regulations",
          "法律法规规定的其他情形", "其他法律法规禁止公开", parent="replies_refused"),
    _spec("refused_exempt", "applications", "件", "refused: within the exempt scope",
          "免予公开范围", "属于免予公开范围", parent="replies_refused"),
    _spec("replies_not_this_agency", "applications", "件", "not held by this agency",
          "不属于本行政机关公开数", "非本部门掌握", "非本机关掌握", "不属于本行政机关公开", "非本部门掌握的信息",
          "不属于本机关公开", "非本机关掌握信息"),
    _spec("replies_not_exist", "applications", "件", "the information does not exist",
          "申请信息不存在数", "信息不存在", "申请信息不存在", "政府信息不存在"),
    _spec("replies_unclear", "applications", "件", "the request is unclear",
          "申请内容不明确", "申请内容不明确数"),
    _spec("replies_told_to_amend", "applications", "件", "told to amend the application",
          "告知作出更改补充数", "告知作出更改补充", "告知更改补充申请数", "告知更改补充"),
    _spec("replies_other_route", "applications", "件", "told to use another procedure",
          "告知通过其他途径办理数", "告知通过其他途径办理"),
    _spec("replies_repeated", "applications", "件", "repeated application",
          "重复申请数", "重复申请", "属于重复申请", parent="replies_total"),
    _spec("replies_other_reasons", "applications", "件", "other replies",
          "其它原因", "其他原因"),
    # 行政复议 / 行政诉讼 / 举报投诉
    _spec("review_total", "review", "件", "administrative reconsiderations",
          "行政复议数量", "行政复议数", "行政复议案件数", "申请行政复议数", "因政府信息公开申请行政复议数",
          "行政复议", "提起行政复议数"),
    _spec("review_upheld", "review", "件", "reconsideration: upheld",
          "维持具体行政行为数", "维持具体行政行为", "维持数", parent="review_total"),
    _spec("review_corrected", "review", "件", "reconsideration: corrected",
          "被依法纠错数", "被依法纠错", "纠错数", parent="review_total"),
    _spec("review_other", "review", "件", "reconsideration: other outcomes",
          "其他情形数", "其他情形", parent="review_total"),
    _spec("litigation_total", "litigation", "件", "administrative lawsuits",
          "行政诉讼数量", "行政诉讼数", "行政诉讼案件数", "提起行政诉讼数", "因政府信息公开申请提起行政诉讼数",
          "行政诉讼"),
    _spec("litigation_upheld", "litigation", "件", "lawsuit: upheld or claim dismissed",
          "维持具体行政行为或者驳回原告诉讼请求数", "维持具体行政行为或驳回原告诉讼请求数", "维持具体行政行为数",
          "维持或驳回数", parent="litigation_total"),
    _spec("litigation_corrected", "litigation", "件", "lawsuit: corrected",
          "被依法纠错数", "被依法纠错", "纠错数", parent="litigation_total"),
    _spec("litigation_other", "litigation", "件", "lawsuit: other outcomes",
          "其他情形数", "其他情形", parent="litigation_total"),
    _spec("complaints_total", "complaints", "件", "complaints and reports",
          "举报投诉数量", "举报投诉数", "申诉数", "申诉举报数", "举报数", "投诉举报数", "申诉投诉数",
          "举报投诉", "申诉"),
    # 收费
    _spec("fees_charged", "fees", "万元", "fees charged for disclosure on application",
          "依申请公开信息收取的费用", "收取费用", "收费金额", "收取费用总额", "依申请提供政府信息收取的费用",
          "收费总额", "收取检索复制邮寄等费用", "收费数额", "依申请公开收费"),
    _spec("fees_waived", "fees", "万元", "fees waived", "减免费用", "减免金额", "减免收费金额"),
    # 机构和经费
    _spec("disclosure_offices", "organisation", "个", "dedicated disclosure offices",
          "政府信息公开工作专门机构数", "专门机构数", "工作机构数", "政府信息公开工作机构数"),
    _spec("reading_points", "organisation", "个", "public reading points",
          "设置政府信息公开查阅点数", "查阅点数", "查阅场所数", "政府信息公开查阅点数", "设置查阅点数"),
    _spec("onsite_visitors", "organisation", "人次", "visitors received for reading and enquiries",
          "接待公众查阅咨询人数", "现场接待人数", "接待人次", "接待查阅咨询人次", "现场接待人次",
          "接受公众咨询人次", "咨询人数", "接待公众查阅人次"),
    _spec("staff_total", "organisation", "人", "staff working on disclosure",
          "从事政府信息公开工作人员数", "工作人员数", "从事政府信息公开工作人员", "政府信息公开工作人员数"),
    _spec("staff_full_time", "organisation", "人", "of which full-time",
          "专职人员数", "专职人员", "专职", parent="staff_total"),
    _spec("staff_part_time", "organisation", "人", "of which part-time",
          "兼职人员数", "兼职人员", "兼职", parent="staff_total"),
    _spec("funding", "organisation", "万元", "dedicated disclosure funding",
          "政府信息公开专项经费", "专项经费", "工作经费", "政府信息公开工作专项经费"),
    # 会议和培训
    _spec("meetings", "meetings", "次", "disclosure meetings held",
          "召开政府信息公开工作会议或专题会议数", "召开工作会议数", "会议数", "召开政府信息公开工作会议数",
          "工作会议或专题会议数"),
    _spec("trainings", "meetings", "次", "training courses held",
          "举办各类培训班数", "培训班数", "举办培训班次数", "举办培训班数", "培训次数"),
    _spec("training_attendees", "meetings", "人次", "people trained",
          "接受培训人员数", "培训人次", "参加培训人数", "接受培训人数", "培训人数", "参训人数"),
)

BY_KEY: dict[str, IndicatorSpec] = {s.key: s for s in VOCABULARY}


@dataclass(frozen=True)
class Partition:
    """其中 items that add up to their parent when the table prints them: one application
    arrives by one channel, one reply is of one kind, one case ends one way."""

    parent: str
    parts: tuple[str, ...]
    note: str


PARTITIONS: tuple[Partition, ...] = (
    Partition("applications_received", ("applications_in_person", "applications_fax", "applications_online",
              "applications_letter", "applications_email", "applications_other_channel"),
              "channels of receipt: each application arrives by one channel"),
    Partition("applications_completed", ("completed_on_time", "completed_extended"),
              "completed on time or after an extension"),
    Partition("replies_total", ("replies_already_public", "replies_granted", "replies_partially_granted",
              "replies_refused", "replies_not_this_agency", "replies_not_exist", "replies_unclear",
              "replies_told_to_amend", "replies_other_route", "replies_repeated", "replies_other_reasons"),
              "kinds of reply: each reply is of one kind"),
    Partition("replies_refused", ("refused_state_secret", "refused_commercial_secret", "refused_privacy",
              "refused_security_stability", "refused_not_government_information", "refused_law_prohibited",
              "refused_exempt", "replies_not_this_agency", "replies_not_exist", "replies_unclear",
              "replies_other_reasons"),
              "reasons for a refusal, as the 2008-2013 tables list them under 否决公开"),
    Partition("review_total", ("review_upheld", "review_corrected", "review_other"), "outcomes of a reconsideration"),
    Partition("litigation_total", ("litigation_upheld", "litigation_corrected", "litigation_other"),
              "outcomes of a lawsuit"),
    Partition("staff_total", ("staff_full_time", "staff_part_time"), "full-time or part-time"),
)
# Not partitions (their 其中 items overlap, so no sum rule): the channels of proactive
# disclosure (one item is published on the website and in the gazette), 全文电子化 and
# 规范性文件 under 主动公开政府信息数, and the leaders' share of press conferences.

# Value columns: the kind of figure a column holds, by its printed header.
ColumnKey = str
_THIS_YEAR = re.compile(r"本年度?|本期|当年|本年累计|年度数|本年实际")
_CUMULATIVE = re.compile(r"历年|累计|自.*以来|开通以来|总累计")
_PREVIOUS = re.compile(r"上年|去年|上一年")
_PLAIN_VALUE = re.compile(r"^(数量|数值|统计数|数据|数目|合计|情况|完成数|实际数|指标值|数)$")


def column_key(header: str, year: Optional[int] = None, only_value_column: bool = False) -> Optional[ColumnKey]:
    """The kind of a value column from its printed header: this_year (本年度, 本期实际,
    本年累计, the report's year), cumulative (历年累计), previous_year (上年度, the year
    before), or None (a split by level such as 区政府本级 / 乡镇街道, or an unknown header).
    A table's only value column under a plain header (数量, 统计数) is this year's."""
    core = re.sub(r"[\s()（）:：]", "", unicodedata.normalize("NFKC", header))
    core = re.sub(r"单位[^›]*", "", core)
    last = core.split("›")[-1]
    if _PREVIOUS.search(last):
        return "previous_year"
    if _THIS_YEAR.search(last) and not re.search(r"历年", last):
        return "this_year"
    if _CUMULATIVE.search(last):
        return "cumulative"
    years = [int(y) for y in re.findall(r"((?:19|20)\d{2})年", last)]
    if years and year is not None:
        if years[-1] == year:
            return "this_year"
        if years[-1] == year - 1:
            return "previous_year"
    if only_value_column and (not last or _PLAIN_VALUE.match(last) or (years and year is None)):
        return "this_year"
    return None


# ---------------------------------------------------------------- label cores

_UNITS = ("人次", "万元", "千元", "元", "条", "件", "次", "个", "人", "篇", "期", "场", "项", "家", "户", "份", "天", "日", "%")
UNIT_WORDS = frozenset(_UNITS)
# Numbering at the start of a label: 一、 （一） (一) 1. 1、 1． （1） (1) ① 01
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）][、.．]?|\d{1,2}[、.．](?!\d)"
    r"|[（(]\d{1,2}[)）][、.．]?)"
)
_OF_WHICH = re.compile(r"^其中[：:，,]?")
_BRACKETED_UNIT = re.compile(r"[（(]\s*(?:单位[：:]?)?\s*(" + "|".join(_UNITS) + r")\s*[)）]")


def _normalized(label: str) -> str:
    """NFKC without whitespace; circled numbers (①, ⑴) first written as (1): NFKC would
    make ① a bare 1 and glue it to the label."""
    text = re.sub(r"\s+", "", label)
    text = re.sub(r"[\u2460-\u2473]", lambda m: f"({ord(m.group(0)) - 0x2460 + 1})", text)
    text = re.sub(r"[\u2474-\u2487]", lambda m: f"({ord(m.group(0)) - 0x2474 + 1})", text)
    return unicodedata.normalize("NFKC", text)


def numbering(label: str) -> str:
    """The numbering printed at the start of a label ('' if none), 其中 skipped."""
    text = _OF_WHICH.sub("", _normalized(label))
    m = _NUMBERING.match(text)
    return m.group(0) if m else ""


def unit_in_label(label: str) -> Optional[str]:
    """A unit printed in brackets inside a label: 主动公开政府信息数（条）."""
    m = _BRACKETED_UNIT.search(_normalized(label))
    return m.group(1) if m else None


def indicator_core(label: str) -> str:
    """A label without whitespace, 其中, numbering, bracketed units and remarks, and
    punctuation: what the vocabulary's labels are written as."""
    text = _OF_WHICH.sub("", _normalized(label))
    for _ in range(2):  # 其中：1. / 1.其中
        text = _NUMBERING.sub("", text)
        text = _OF_WHICH.sub("", text)
    text = _BRACKETED_UNIT.sub("", text)
    # Remarks in brackets (不同渠道和方式公开相同信息计1条) qualify, they do not name.
    text = re.sub(r"[（(][^（()）]*[)）]", "", text)
    return re.sub(r"[\W_]", "", text)


def group_of(text: str) -> Optional[Group]:
    """The group a heading or label names, by its words (the first group that matches)."""
    core = indicator_core(text)
    for group, words in GROUPS.items():
        if any(w in core for w in words):
            return group
    return None


# ---------------------------------------------------------------- matching a printed label

# A printed label names an indicator when its core is this similar to one of the
# indicator's labels (0..1, `extract.text.similarity`), and clearly more similar than to any
# other indicator: short labels (申请数 / 申诉数) differ by one character.
MIN_SIMILARITY = 0.75
MIN_MARGIN = 0.06


def match_indicator(label: str, path: tuple[str, ...] = (), parent_key: Optional[str] = None) -> Optional[str]:
    """The vocabulary key of a printed label, or None when no indicator matches clearly.
    `path` (the printed labels it nests under, outermost first) gives the group that
    decides between labels printed in several groups (其他情形数 under 行政复议 or under
    行政诉讼); `parent_key`, the key of the indicator it is printed under, prefers that
    indicator's 其中 items."""
    from .text import similarity

    core = indicator_core(label)
    if not core:
        return None
    context = next((g for g in (group_of(p) for p in reversed(path)) if g), None)
    scored: list[tuple[float, str]] = []
    for spec in VOCABULARY:
        cores = [indicator_core(lab) for lab in spec.labels]
        # A label printed exactly as the vocabulary has it outranks one it merely contains
        # (同意公开答复数 is inside 不同意公开答复数).
        score = 1.2 if core in cores else max(similarity(core, c) for c in cores)
        if score < MIN_SIMILARITY:
            continue
        # The printed context outranks the wording: a label scores best inside its group
        # and under its usual parent.
        if context is not None and spec.group == context:
            score += 0.05
        if parent_key is not None and spec.parent == parent_key:
            score += 0.1
        scored.append((score, spec.key))
    if not scored:
        return None
    scored.sort(reverse=True)
    best_score, best = scored[0]
    if len(scored) > 1 and best_score - scored[1][0] < MIN_MARGIN:
        return None
    return best
