"""Chinese labels for the closed vocabularies, shared by text output and documents.

Presentation only: the law's own words live in the ruleset. 警示 is the soft written step;
警告 is only ever the formal penalty (formal_warning).
"""

from __future__ import annotations

from fireenforce.model.enums import DocumentType

STEP_LABELS = {"reminder": "督促提醒", "warning": "警示", "penalty": "行政处罚", "referral": "移交"}
STATUS_LABELS = {"open": "待整改复查", "closed": "已整改销号", "referred": "已移交"}
ANSWER_LABELS = {"accepted": "已接收", "returned": "已退回"}
PROCEDURE_LABELS = {"none": "不适用处罚程序", "summary": "简易程序（当场处罚）", "general": "普通程序"}
ROLE_LABELS = {"violated": "违反", "penalty": "罚则", "compulsory": "强制执行", "procedure": "程序", "competence": "权限", "basis": "依据"}
KIND_LABELS = {"formal_warning": "警告", "fine": "罚款", "suspension": "责令停产停业", "detention": "行政拘留",
               "stop_use": "责令停止使用", "sealing": "临时查封"}
TIER_LABELS = {"minor": "较轻", "ordinary": "一般", "serious": "严重"}
AUDIT_LABELS = {
    "AUDIT-DISPARITY": "同案不同罚",
    "AUDIT-ESCALATION-SKIPPED": "越级处理（措施重于规则所定步骤）",
    "AUDIT-BEFORE-DEADLINE": "整改期限届满前即采取更重措施",
    "AUDIT-STEP-LOWER": "措施轻于规则所定步骤",
    "AUDIT-REFERRAL-MISSING": "应移交而未移交",
    "AUDIT-FINE-RANGE": "罚款不在法定幅度内",
    "AUDIT-SUMMARY-LIMIT": "简易程序罚款超过当场处罚限额",
    "AUDIT-DEPARTURE-NO-REASON": "偏离建议措施未记载理由",
    "AUDIT-UNDECIDABLE": "无法按当时规则重新判断",
}
SUBJECT_LABELS = {"unit": "单位", "individual": "个人"}
PLACE_LABELS = {"high_rise": "高层民用建筑", "crowded": "人员密集场所"}
PRECONDITION_LABELS = {"refusal": "经责令改正拒不改正", "overdue": "责令限期改正逾期不改正",
                       "notice": "经消防救援机构通知后不及时采取措施消除"}
DOCUMENT_TITLES: dict[DocumentType, str] = {
    "inspection_record": "消防监督检查记录",
    "rectification_order": "责令限期改正通知书",
    "summary_penalty_decision": "当场行政处罚决定书",
    "penalty_notice": "行政处罚告知书",
    "penalty_decision": "行政处罚决定书",
    "referral_letter": "移送案件通知书",
}
