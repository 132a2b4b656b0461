"""The officer's page says what went wrong in Chinese: the form's label of the field, and the
library's message in Chinese where the page can meet it (an unknown one keeps its own words,
after the label). The HTTP API keeps the CLI's messages; this is for people, not programs."""

from __future__ import annotations

import re

FIELD_LABELS = {
    "item": "执法事项", "description": "看到的情况", "subject.kind": "当事人类别", "subject.operating": "从事经营活动",
    "subject.name": "名称或姓名", "subject.id": "统一社会信用代码或身份证号", "subject.address": "住所或地址",
    "place.name": "场所名称", "place.address": "地址", "place.high_rise": "高层民用建筑", "place.crowded": "人员密集场所",
    "observed_on": "发现日期", "occurred_on": "行为开始日期", "decided_on": "决定日期",
    "office.level": "执法单位层级", "office.name": "执法单位名称", "officer": "执法人员",
    "facts.narrative": "现场情况", "fine": "罚款金额", "formal_warning": "警告", "on": "复查日期", "rectified": "整改结果", "document": "文书", "token": "令牌",
}

_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"^(\S+) is after observed_on (\S+)$", "{0} 晚于发现日期 {1}，行为开始日期不能晚于发现日期"),
    (r"^'(.*)' is not a date", "“{0}”不是有效日期，请按“年-月-日”填写"),
    (r"is outside the dates a case may carry \((\S+) to (\S+)\)", "日期须在 {0} 至 {1} 之间"),
    (r"^item or description is required$", "请先选择执法事项"),
    (r"^'(\w*)', but item (\S+) applies only to", "事项 {1} 不适用于这类当事人，请重新选择当事人类别"),
    (r"^false, but item (\S+) applies only to operating", "事项 {0} 只适用于从事经营活动的当事人，请勾选“从事经营活动”"),
    (r"^false, but item (\S+) exists only in high-rise", "事项 {0} 只存在于高层民用建筑，请勾选“高层民用建筑”"),
    (r"^(\S+): check digit does not match", "{0} 校验位不符：既不是有效的统一社会信用代码，也不是有效的居民身份证号码，请核对"),
    (r"^(\S+) is not an 18-character", "{0} 不是18位的统一社会信用代码或居民身份证号码，请核对"),
    (r"^a subject without an id needs a name", "没有证件号码的当事人须填写名称或姓名（最好也填地址），以便以后查到"),
    (r"^too long: (\d+) characters; at most (\d+)$", "太长了：{0} 个字，最多 {1} 个字"),
    (r"^Field required$", "必须填写"),
    (r"^'(.*)' is not allowed", "请选择一项"),
    (r"^no version of \S+ is in force on (\S+)", "{0} 没有施行中的规则版本，请核对日期"),
    (r"^'(.*)' is not a whole number of yuan$", "“{0}”不是整数元"),
    (r"^(\d+) yuan is outside the legal range (\S+) yuan", "{0} 元超出法定罚款幅度 {1} 元"),
    (r"^(\S+) is before the last action on \S+ \((\S+)\)$", "{0} 早于本案最后一次处理的日期 {1}"),
    (r"^missing: the record of the enforcement", "必须填写：执法全过程记录须载明执法人员"),
    (r"^missing: the step is a penalty with a fine of (\S+) yuan; .*or --formal-warning",
     "本案处以行政处罚，请填写罚款金额（法定幅度 {0} 元），或者选择警告"),
    (r"^missing: the step is a penalty with a fine of (\S+) yuan", "本案处以行政处罚，请填写罚款金额（法定幅度 {0} 元）"),
    (r"^a fine is recorded only with a penalty", "本次处置不是罚款处罚，请不要填写罚款金额"),
    (r"^(\S+) is after today \((\S+)\)", "{0} 晚于今天（{1}），不能记录尚未发生的检查"),
    (r'^unknown office "(.*)"; known: (.*)$', "“{0}”不是已登记的执法单位；已登记：{1}"),
    (r"^'\w+' contradicts offices.yaml, where (.*) is a '\w+' office$", "与{0}登记的层级不符，请核对"),
    (r"^\S+: the finding is 已整改销号", "本案已整改销号，无需复查"),
    (r"^\S+: the finding is 已移交", "本案已移交，由接收机关处理"),
    (r"^press 已整改 or 未整改$", "请按“已整改”或“未整改”"),
    (r"no such finding in your office's record$", "本办公室的台账中没有这个案件"),
    (r"^unknown token$", "令牌无效，请核对后重新输入"),
    (r"^this token was revoked at (\S+)$", "该令牌已于 {0} 停用，请向管理员申请新令牌"),
)
_COMPILED = tuple((re.compile(pattern), text) for pattern, text in _MESSAGES)


def in_chinese(field: str, message: str) -> str:
    """One line for the officer: the field's label and what is wrong with it."""
    label = FIELD_LABELS.get(field, "")
    for pattern, text in _COMPILED:
        found = pattern.search(message)
        if found:
            said = text.format(*found.groups())
            return f"{label}：{said}" if label else said
    return f"{label}填写有误：{message}" if label else message
