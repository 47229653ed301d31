"""Build `demo_catalogue.json`, the demo province's service-item catalogue (108 items).

Run `python shebao/catalogue/data/build_demo_catalogue.py` after changing an item here and commit
both files; the JSON is what the platform loads (`shebao.catalogue.demo`).

Where the content comes from: the national lists (人社部's 116 standardised items) were not found,
so the items are the names in common use listed in `domain/catalogue-items.md`, split into their
real variants (职工 / 城乡居民, 省内 / 跨省, 申领 / 变更 / 停发) and grouped into the three zones of
the model office (seed 004: 33 / 46 / 27 items). Statutory limits are those of `domain/facts.md`
(社会保险经办条例 Arts. 6, 10, 18, 20, 22, 24; 工伤保险条例 Art. 20); an item without one has a
promised limit set by the agency, which its `source` says.

Item codes: `SB-<zone>-<nnn>`, where zone is CJ (参保征缴, enrolment and collection), DY (医疗·工伤·
生育待遇, medical, work-injury and maternity benefits) or YS (养老·失业待遇, pension and
unemployment benefits) and nnn numbers the items of the zone in the order below. Never renumber: add
new items at the end of their zone.

Items that change the registry name their effect (`effect=`, an effect code registered in
`shebao/registry/effects.py`); publication refuses an item whose effect has no handler.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("demo_catalogue.json")

# --- laws (设定依据) --------------------------------------------------------------------------
SIF = "中华人民共和国社会保险法"
REG = "社会保险经办条例"
WII = "工伤保险条例"
UNI = "失业保险条例"


def law(name: str, article: str = "") -> dict[str, str]:
    return {"law": name, "article": article}


# --- bodies, fees ---------------------------------------------------------------------------
AGENCY = ("县级以上社会保险经办机构", "Social insurance agencies at county level and above")
MED_AGENCY = (
    "县级以上社会保险（医疗保障）经办机构",
    "Social (medical) insurance agencies at county level and above",
)
HRSS = (
    "县级以上人力资源社会保障行政部门（社保经办窗口受理）",
    "Human resources and social security departments at county level and above (accepted at the agency's windows)",
)
APPRAISAL = (
    "设区的市级劳动能力鉴定委员会（社保经办窗口受理）",
    "The city's labour ability appraisal committee (accepted at the agency's windows)",
)
# The guide shows "不收费 (依据: …)": the basis is a legal text, in Chinese like the other bases.
FEE_NONE = "法律、行政法规未设定收费项目"  # no law or regulation sets a fee
FEE_QUERY = "《社会保险经办条例》第三十二条：查询、核对个人权益记录免费"  # Art. 32: queries are free

# --- channels ---------------------------------------------------------------------------------
ALL = ["counter", "online", "mobile", "terminal", "bank"]
NET = ["counter", "online", "mobile"]
NET_T = ["counter", "online", "mobile", "terminal"]
COUNTER = ["counter"]
COUNTER_NET = ["counter", "online"]

# --- posts ------------------------------------------------------------------------------------
GT, ST, RV, SL, BA = "general_teller", "special_teller", "reviewer", "section_leader", "bank_agent"


def material(
    zh: str,
    en: str,
    basis: str,
    *,
    original: bool = False,
    copies: int = 0,
    required: bool = True,
    note: tuple[str, str] = ("", ""),
) -> dict[str, Any]:
    return {
        "name_zh": zh,
        "name_en": en,
        "is_identity_document": False,
        "original_checked": original,
        "copies": copies,
        "required": required,
        "legal_basis": basis,
        "note_zh": note[0],
        "note_en": note[1],
    }


def identity(
    zh: str = "居民身份证或社会保障卡", en: str = "Resident identity card or social security card"
) -> dict:
    return {
        "name_zh": zh,
        "name_en": en,
        "is_identity_document": True,
        "original_checked": True,
        "copies": 0,
        "required": True,
        "legal_basis": "",
        "note_zh": "",
        "note_en": "",
    }


ID = identity()
ID_AGENT = material(
    "代办人居民身份证",
    "Identity card of the person acting on the applicant's behalf",
    "《社会保险经办条例》第三十一条（委托他人办理时核验代办人身份）",
    original=True,
    required=False,
    note=("委托他人办理时提供", "Only when someone applies on the applicant's behalf"),
)
ID_DECEASED = identity(
    "申领人居民身份证或社会保障卡", "Claimant's resident identity card or social security card"
)
DEATH_CERT = material(
    "死亡证明（居民死亡医学证明书或公安机关出具的注销户口证明）",
    "Death certificate (medical certificate of death or police deregistration record)",
    "《中华人民共和国社会保险法》第十七条、第四十九条（待遇以死亡事实为条件）",
    original=True,
    note=(
        "已与公安、民政数据共享的免于提交",
        "Not needed where the death is already in shared police or civil-affairs data",
    ),
)
KINSHIP = material(
    "申领人与死者的亲属关系证明（户口簿、结婚证或出生医学证明等）",
    "Proof of kinship with the deceased (household register, marriage or birth certificate)",
    "《中华人民共和国社会保险法》第十七条（遗属待遇由遗属领取）",
    original=True,
)
EMPLOYER_PROOF = material(
    "单位经办人身份证明及单位授权委托书",
    "Employer's authorisation letter and the employer's clerk's identity card",
    "《中华人民共和国社会保险法》第五十七条、第五十八条（用人单位办理登记）",
    original=True,
    note=(
        "通过单位网厅数字证书办理的免于提交",
        "Not needed when the employer applies online with its digital certificate",
    ),
)
MED_RECEIPTS = material(
    "医疗费用收费票据（电子票据或纸质原件）",
    "Medical bills (electronic or original paper receipts)",
    "《中华人民共和国社会保险法》第二十八条（按目录审核支付）",
    original=True,
)
MED_DETAIL = material(
    "医疗费用明细清单",
    "Itemised list of medical expenses",
    "《中华人民共和国社会保险法》第二十八条（逐项核对药品、诊疗项目和服务设施目录）",
)
DISCHARGE = material(
    "出院记录或门诊病历、诊断证明",
    "Discharge summary or outpatient record and diagnosis",
    "《中华人民共和国社会保险法》第二十八条（核对就医事实）",
    copies=1,
)
INJURY_DECISION = material(
    "工伤认定决定书",
    "Work-injury determination",
    "《工伤保险条例》第二十条、第三十条（工伤职工享受工伤医疗待遇）",
    copies=1,
    note=("系统可查询的免于提交", "Not needed when the agency can look it up in the system"),
)
APPRAISAL_RESULT = material(
    "劳动能力鉴定结论书",
    "Labour ability appraisal conclusion",
    "《工伤保险条例》第二十一条、第二十二条（伤残等级决定待遇）",
    copies=1,
    note=("系统可查询的免于提交", "Not needed when the agency can look it up in the system"),
)
TERMINATION = material(
    "终止或者解除劳动关系的证明",
    "Proof that the employment ended",
    "《失业保险条例》第十六条；《中华人民共和国社会保险法》第五十条",
    original=True,
    note=("单位已通过系统报送的免于提交", "Not needed when the employer has reported it online"),
)


def form(zh: str, en: str, basis: str) -> dict[str, Any]:
    """The item's application or declaration form (申请表 / 申报表)."""
    return material(zh, en, basis, original=True)


# --- the item builder ------------------------------------------------------------------------
ZONE_PREFIX = {"enrolment": "CJ", "medical": "DY", "pension": "YS"}
ITEMS: list[dict[str, Any]] = []


def steps_for(business_class: str, fund_payout: bool, channels: list[str]) -> list[dict[str, Any]]:
    if business_class == "general":
        posts = [GT, ST] + ([BA] if "bank" in channels else [])
        return [
            {"kind": "accept", "name_zh": "受理", "name_en": "Accept", "posts": posts},
            {"kind": "complete", "name_zh": "办结", "name_en": "Complete", "posts": list(posts)},
        ]
    steps = [
        {"kind": "accept", "name_zh": "受理", "name_en": "Accept", "posts": [ST]},
        {"kind": "review", "name_zh": "审核", "name_en": "Review", "posts": [RV]},
    ]
    if fund_payout:
        steps.append({"kind": "approve", "name_zh": "审批", "name_en": "Approve", "posts": [SL]})
    return steps


def item(
    zone: str,
    name_zh: str,
    name_en: str,
    *,
    special: bool = False,
    payout: bool = False,
    types: list[str],
    channels: list[str],
    basis: list[dict[str, str]],
    statutory: int | None = None,
    promised: int = 0,
    conditions: tuple[str, str],
    materials: list[dict[str, Any]],
    source: str,
    trips: int = 0,
    province_wide: bool = False,
    cross_province: bool = False,
    body: tuple[str, str] = AGENCY,
    fee_basis: str = FEE_NONE,
    effect: str = "",
    sign_off: bool = False,
) -> None:
    # sign_off: a section leader approves after review (key and fund data, like a fund payout).
    number = sum(1 for i in ITEMS if i["zone"] == zone) + 1
    business_class = "special" if (special or payout) else "general"
    ITEMS.append(
        {
            "code": f"SB-{ZONE_PREFIX[zone]}-{number:03d}",
            "order": len(ITEMS) + 1,
            "name_zh": name_zh,
            "name_en": name_en,
            "zone": zone,
            "business_class": business_class,
            "risk_level": "high" if payout else ("medium" if special else "low"),
            "fund_payout": payout,
            "item_type": "instant" if promised == 0 else "promised",
            "statutory_limit_days": statutory,
            "promised_limit_days": promised,
            "acceptance_conditions_zh": conditions[0],
            "acceptance_conditions_en": conditions[1],
            "fee": "0.00",
            "fee_basis": fee_basis,
            "trips": trips,
            "implementing_body_zh": body[0],
            "implementing_body_en": body[1],
            "supervision_phone": "12333",
            "province_wide": province_wide,
            "cross_province": cross_province,
            "effect_code": effect,
            "source": source,
            "insurance_types": sorted(types),
            "channels": [c for c in ALL if c in channels],
            "legal_basis": basis,
            "materials": materials,
            "steps": steps_for(business_class, payout or sign_off, channels),
        }
    )


# Sources, as the `source` field states them.
CI = "catalogue-items.md"
CI_G = "catalogue-items.md (model office practice, seed 004)"
AGENCY_LIMIT = "promised limit set by the agency (no statutory limit)"


def src(origin: str, limit: str) -> str:
    return f"{origin}; limit: {limit}"


# Insurance-type groups.
EMPLOYEE5 = ["employee_pension", "employee_medical", "unemployment", "work_injury", "maternity"]
PEN = ["employee_pension"]
MED = ["employee_medical"]
RMED = ["resident_medical"]
WI = ["work_injury"]
MAT = ["maternity"]
UNEMP = ["unemployment"]
RPEN = ["resident_pension"]
LLF = ["land_lost_farmer"]

E = "enrolment"
M = "medical"
P = "pension"

# =============================================================================================
# 参保征缴 — enrolment and collection (35 items)
# =============================================================================================
item(
    E,
    "单位参保登记",
    "Employer social insurance registration",
    effect="registry.employer_register",
    types=EMPLOYEE5,
    channels=NET,
    basis=[
        law(SIF, "第五十七条"),
        law("国务院办公厅关于加快推进“多证合一”改革的指导意见（国办发〔2017〕41号）"),
    ],
    conditions=(
        "依法设立的用人单位，自成立之日起三十日内申请；已在登记管理机关办理“多证合一”登记的，信息共享后自动完成。",
        "An employer established by law applies within 30 days of its founding; where its business registration already covered it (多证合一) the data are shared and nothing more is needed.",
    ),
    materials=[
        material(
            "营业执照、登记证书或者单位印章（之一）",
            "Business licence, registration certificate or the employer's seal (one of them)",
            "《中华人民共和国社会保险法》第五十七条",
            original=True,
        ),
        form(
            "社会保险单位参保登记表", "Employer registration form", "《中华人民共和国社会保险法》第五十七条"
        ),
    ],
    source=src(CI, "instant; " + AGENCY_LIMIT),
)
item(
    E,
    "单位参保信息变更登记",
    "Change of an employer's registration details",
    effect="registry.employer_change",
    types=EMPLOYEE5,
    channels=NET,
    basis=[law(SIF, "第五十七条"), law(REG, "第十条")],
    statutory=10,
    conditions=(
        "单位名称、地址、法定代表人、开户银行等登记事项发生变更之日起三十日内申请。",
        "The employer applies within 30 days of a change in its name, address, legal representative, bank or other registered details.",
    ),
    materials=[
        EMPLOYER_PROOF,
        form(
            "社会保险单位信息变更登记表",
            "Employer change form",
            "《中华人民共和国社会保险法》第五十七条第二款",
        ),
        material(
            "登记管理机关出具的变更证明（变更名称、法定代表人时）",
            "Change record from the registration authority (for a new name or legal representative)",
            "《中华人民共和国社会保险法》第五十七条第二款",
            required=False,
            note=("市场监管数据已共享的免于提交", "Not needed where market-regulation data are shared"),
        ),
    ],
    source=src(CI, "社会保险经办条例 第十条 (10 working days); handled at once"),
)
item(
    E,
    "单位注销登记",
    "Employer deregistration",
    effect="registry.employer_status",
    special=True,
    types=EMPLOYEE5,
    channels=COUNTER_NET,
    basis=[law(SIF, "第五十七条"), law(REG, "第十条")],
    statutory=10,
    promised=5,
    conditions=(
        "用人单位依法终止，自终止之日起三十日内申请；注销前应结清欠缴的社会保险费、滞纳金和罚款，并为职工办理减员。",
        "An employer that has ended applies within 30 days; before deregistering it must settle all arrears, late fees and fines and remove all staff.",
    ),
    materials=[
        EMPLOYER_PROOF,
        form(
            "社会保险单位注销登记表",
            "Employer deregistration form",
            "《中华人民共和国社会保险法》第五十七条第二款",
        ),
        material(
            "单位终止的法律文书（注销决定、破产裁定或吊销决定等）",
            "Legal document ending the employer (dissolution, bankruptcy ruling or revocation)",
            "《社会保险经办条例》第十条",
            original=True,
            copies=1,
        ),
    ],
    source=src(CI, "社会保险经办条例 第十条 (10 working days)"),
)
item(
    E,
    "职工参保登记（人员新参保）",
    "Employee enrolment (first-time insured)",
    effect="registry.staff_increase",
    types=EMPLOYEE5,
    channels=NET_T,
    basis=[law(SIF, "第五十八条"), law(REG, "第六条")],
    statutory=10,
    conditions=(
        "用人单位自用工之日起三十日内为职工申请；以公民身份号码作为社会保障号码。",
        "The employer enrols the employee within 30 days of hiring; the citizen ID number is the social security number.",
    ),
    materials=[
        ID,
        form(
            "社会保险人员参保登记表（单位申报）",
            "Personal enrolment form (filed by the employer)",
            "《中华人民共和国社会保险法》第五十八条",
        ),
    ],
    source=src(CI, "社会保险经办条例 第六条 (10 working days); handled at once"),
)
item(
    E,
    "职工增员申报",
    "Reporting new staff (additions)",
    effect="registry.staff_increase",
    types=EMPLOYEE5,
    channels=NET_T,
    basis=[law(SIF, "第五十八条"), law(REG, "第十条")],
    statutory=10,
    conditions=(
        "已参保单位新招用或调入已有社会保障号码的职工，自用工之日起三十日内申报。",
        "An enrolled employer reports staff who already have a social security number within 30 days of hiring them.",
    ),
    materials=[
        form("社会保险人员增员申报表", "Staff addition return", "《中华人民共和国社会保险法》第五十八条"),
    ],
    source=src(CI, "社会保险经办条例 第十条 (10 working days); handled at once"),
)
item(
    E,
    "职工减员申报",
    "Reporting departing staff (reductions)",
    effect="registry.staff_decrease",
    types=EMPLOYEE5,
    channels=NET_T,
    basis=[law(SIF, "第五十八条"), law(REG, "第十条")],
    statutory=10,
    conditions=(
        "职工与单位终止或解除劳动关系、退休或死亡的，单位在次月缴费申报前申报减员。",
        "When an employee leaves, retires or dies, the employer reports it before the next month's contribution return.",
    ),
    materials=[
        form("社会保险人员减员申报表", "Staff reduction return", "《中华人民共和国社会保险法》第五十八条"),
    ],
    source=src(CI, "社会保险经办条例 第十条 (10 working days); handled at once"),
)
item(
    E,
    "灵活就业人员参保登记",
    "Enrolment of flexibly employed persons",
    effect="registry.enrolment_create",
    types=["employee_pension", "employee_medical"],
    channels=ALL,
    basis=[law(SIF, "第十条"), law(SIF, "第二十三条"), law(REG, "第六条")],
    statutory=10,
    conditions=(
        "无雇工的个体工商户、未在用人单位参保的非全日制从业人员及其他灵活就业人员，达到法定就业年龄、未达到法定退休年龄。",
        "Self-employed people without employees, part-time workers not insured by an employer and other flexibly employed people of working age.",
    ),
    materials=[
        ID,
        form(
            "灵活就业人员参保登记表",
            "Flexible-employment enrolment form",
            "《中华人民共和国社会保险法》第十条第二款",
        ),
    ],
    source=src(CI, "社会保险经办条例 第六条 (10 working days); handled at once"),
)
item(
    E,
    "城乡居民基本养老保险参保登记",
    "Urban and rural residents' pension enrolment",
    effect="registry.enrolment_create",
    types=RPEN,
    channels=ALL,
    basis=[
        law(SIF, "第二十条"),
        law("国务院关于建立统一的城乡居民基本养老保险制度的意见（国发〔2014〕8号）"),
        law(REG, "第六条"),
    ],
    statutory=10,
    conditions=(
        "年满16周岁（不含在校学生），非国家机关和事业单位工作人员及不属于职工基本养老保险覆盖范围的城乡居民，在户籍地参保。",
        "Residents aged 16 or over (not students) who are not covered by the employee pension or the public-sector scheme enrol where their household is registered.",
    ),
    materials=[
        ID,
        form(
            "城乡居民基本养老保险参保登记表",
            "Residents' pension enrolment form",
            "国发〔2014〕8号（参保范围）",
        ),
    ],
    source=src(CI, "社会保险经办条例 第六条 (10 working days); handled at once"),
)
item(
    E,
    "城乡居民基本医疗保险参保登记",
    "Urban and rural residents' medical insurance enrolment",
    effect="registry.enrolment_create",
    types=RMED,
    channels=ALL,
    basis=[
        law(SIF, "第二十五条"),
        law("国务院关于整合城乡居民基本医疗保险制度的意见（国发〔2016〕3号）"),
        law(REG, "第六条"),
    ],
    statutory=10,
    conditions=(
        "除职工基本医疗保险应参保人员以外的城乡居民，含新生儿、在校学生，在集中缴费期内或新生儿出生后办理。",
        "Residents not covered by the employee scheme, including newborns and students, enrol in the collection period or after a birth.",
    ),
    materials=[
        identity(
            "居民身份证、社会保障卡或户口簿（新生儿）",
            "Identity card, social security card or household register (newborns)",
        ),
        form(
            "城乡居民基本医疗保险参保登记表",
            "Residents' medical enrolment form",
            "国发〔2016〕3号（统一覆盖范围）",
        ),
    ],
    source=src(CI, "社会保险经办条例 第六条 (10 working days); handled at once"),
)
item(
    E,
    "被征地农民养老保障参保登记",
    "Land-lost farmers' pension security enrolment",
    effect="registry.enrolment_create",
    special=True,
    types=LLF,
    channels=COUNTER,
    basis=[
        law(SIF, "第九十六条"),
        law(
            "国务院办公厅转发劳动保障部关于做好被征地农民就业培训和社会保障工作指导意见的通知（国办发〔2006〕29号）"
        ),
    ],
    statutory=10,
    promised=10,
    trips=1,
    conditions=(
        "经县级人民政府确认的被征地农民，在征地补偿安置方案批准后由所在村（组）汇总申报。",
        "Farmers whose land was taken, as confirmed by the county government, enrolled by their village after the compensation plan is approved.",
    ),
    materials=[
        ID,
        material(
            "县级人民政府出具的被征地农民身份确认名单",
            "County government's list confirming the land-lost farmers",
            "《中华人民共和国社会保险法》第九十六条；国办发〔2006〕29号",
            original=True,
        ),
        form("被征地农民养老保障参保登记表", "Land-lost farmers' enrolment form", "国办发〔2006〕29号"),
    ],
    source=src(
        CI + " (made special: the list decides who may join)", "社会保险经办条例 第六条 (10 working days)"
    ),
)
item(
    E,
    "参保人员非关键信息变更（联系电话、通讯地址等）",
    "Change of an insured person's non-key details (phone, address)",
    effect="registry.person_change",
    types=EMPLOYEE5 + RPEN + RMED,
    channels=ALL,
    basis=[law(REG, "第十条"), law("社会保险个人权益记录管理办法（人力资源社会保障部令第14号）")],
    statutory=10,
    conditions=(
        "参保人员的联系电话、通讯地址、文化程度、民族等非关键信息发生变化的，本人申请。",
        "The insured person applies when a phone number, postal address, education or other non-key detail changes.",
    ),
    materials=[ID],
    source=src(CI, "社会保险经办条例 第十条 (10 working days); handled at once"),
)
item(
    E,
    "参保人员关键信息变更（姓名、公民身份号码、出生日期、性别）",
    "Change of an insured person's key details (name, ID number, birth date, gender)",
    effect="registry.person_change_key",
    special=True,
    sign_off=True,
    types=EMPLOYEE5 + RPEN + RMED,
    channels=COUNTER,
    basis=[
        law(REG, "第十条"),
        law(REG, "第三十七条"),
        law("社会保险个人权益记录管理办法（人力资源社会保障部令第14号）"),
    ],
    statutory=10,
    promised=5,
    trips=1,
    conditions=(
        "户籍登记的姓名、公民身份号码、出生日期或性别已依法变更，或参保登记信息与户籍登记不一致。",
        "The name, ID number, birth date or gender has been changed in the household register, or the insurance record differs from it.",
    ),
    materials=[
        ID,
        material(
            "公安机关出具的户籍信息变更证明或户口簿（变更页）",
            "Police record of the change or household register (change page)",
            "《社会保险经办条例》第十条；《社会保险个人权益记录管理办法》第十条",
            original=True,
            copies=1,
            note=("公安人口数据已共享的免于提交", "Not needed where police population data are shared"),
        ),
        form(
            "参保人员关键信息变更申请表",
            "Key-data change application",
            "《社会保险个人权益记录管理办法》第十条",
        ),
    ],
    source=src(CI, "社会保险经办条例 第十条 (10 working days)"),
)
item(
    E,
    "单位缴费基数申报",
    "Employer's declaration of contribution bases",
    types=EMPLOYEE5,
    channels=NET,
    basis=[law(SIF, "第六十条"), law("社会保险费申报缴纳管理规定（人力资源社会保障部令第20号）")],
    conditions=(
        "用人单位每年按规定时间，以职工上年度月平均工资申报缴费基数，不低于当地平均工资60%、不高于300%。",
        "Each year the employer declares every employee's base from last year's average monthly wage, between 60% and 300% of the local average wage.",
    ),
    materials=[
        form(
            "社会保险缴费基数申报表",
            "Contribution base return",
            "《中华人民共和国社会保险法》第六十条；《社会保险费申报缴纳管理规定》（人力资源社会保障部令第20号）",
        ),
    ],
    source=src(CI, "instant; " + AGENCY_LIMIT),
)
item(
    E,
    "灵活就业人员缴费基数（档次）申报",
    "Flexibly employed person's choice of contribution base",
    types=["employee_pension", "employee_medical"],
    channels=ALL,
    basis=[law(SIF, "第十二条第三款"), law(SIF, "第六十条")],
    conditions=(
        "已参保的灵活就业人员在当地公布的缴费基数上下限之间自主选择缴费基数。",
        "An enrolled flexibly employed person chooses a base between the local floor and ceiling.",
    ),
    materials=[ID],
    source=src(CI + " (variant)", "instant; " + AGENCY_LIMIT),
)
item(
    E,
    "城乡居民基本养老保险缴费档次变更",
    "Change of contribution grade, residents' pension",
    types=RPEN,
    channels=ALL,
    basis=[law("国务院关于建立统一的城乡居民基本养老保险制度的意见（国发〔2014〕8号）")],
    conditions=(
        "参保居民每年可在当地设定的缴费档次中自主选择一次。",
        "A participant may choose another of the local contribution grades once a year.",
    ),
    materials=[ID],
    source=src(CI + " (variant)", "instant; " + AGENCY_LIMIT),
)
item(
    E,
    "职工社会保险费补缴申报",
    "Back-payment of employee contributions",
    special=True,
    types=EMPLOYEE5,
    channels=COUNTER,
    basis=[law(SIF, "第六十三条"), law(SIF, "第八十六条"), law(REG, "第三十七条")],
    promised=5,
    trips=1,
    conditions=(
        "用人单位未按时足额为职工缴费，且劳动关系和工资收入有据可查的，申报补缴并按日加收万分之五滞纳金。",
        "An employer that failed to pay for an employee, where the employment and wages can be proved, declares the arrears; a late fee of 0.05% a day applies.",
    ),
    materials=[
        EMPLOYER_PROOF,
        form("社会保险费补缴申报表", "Back-payment return", "《中华人民共和国社会保险法》第六十三条"),
        material(
            "补缴期间的劳动合同和工资发放记录",
            "Employment contract and payroll records for the period",
            "《中华人民共和国社会保险法》第六十三条（核实欠缴事实）",
            original=True,
            copies=1,
        ),
    ],
    source=src(CI, AGENCY_LIMIT),
)
item(
    E,
    "社会保险费退费申请",
    "Refund of contributions paid in error",
    payout=True,
    types=EMPLOYEE5 + RPEN,
    channels=COUNTER_NET,
    basis=[
        law(SIF, "第六十条"),
        law("社会保险费申报缴纳管理规定（人力资源社会保障部令第20号）"),
        law(REG, "第三十七条"),
    ],
    promised=15,
    trips=1,
    conditions=(
        "重复缴费、多缴或不应缴费而缴纳的社会保险费，经核实后退还；已计入个人账户的一并冲减。",
        "Contributions paid twice, in excess or by mistake are refunded after checking; amounts already in the personal account are reversed.",
    ),
    materials=[
        ID,
        form(
            "社会保险费退费申请表",
            "Refund application",
            "《社会保险费申报缴纳管理规定》（人力资源社会保障部令第20号）",
        ),
        material(
            "多缴、误缴的缴费凭证",
            "Payment records showing the excess or mistaken payment",
            "《社会保险费申报缴纳管理规定》（人力资源社会保障部令第20号）",
            copies=1,
            note=("系统可查询的免于提交", "Not needed when the agency can look it up"),
        ),
    ],
    source=src(CI, AGENCY_LIMIT),
)
item(
    E,
    "职工停保登记（暂停缴费）",
    "Suspension of an employee's insurance",
    effect="registry.enrolment_suspend",
    types=EMPLOYEE5,
    channels=NET_T,
    basis=[law(SIF, "第五十八条"), law(REG, "第十条")],
    statutory=10,
    conditions=(
        "职工中断就业、应征入伍或出国（境）等原因暂停缴费的，由单位或本人申请。",
        "When an employee stops working, joins the army or goes abroad, the employer or the person asks to suspend the insurance.",
    ),
    materials=[ID],
    source=src(
        "municipal online hall item 停保登记 (facts.md)",
        "社会保险经办条例 第十条 (10 working days); handled at once",
    ),
)
item(
    E,
    "职工续保登记（恢复缴费）",
    "Resumption of an employee's insurance",
    effect="registry.enrolment_resume",
    types=EMPLOYEE5,
    channels=NET_T,
    basis=[law(SIF, "第五十八条"), law(REG, "第十条")],
    statutory=10,
    conditions=(
        "曾经参保、中断缴费的人员重新就业或以灵活就业身份恢复缴费。",
        "A person whose insurance was suspended resumes it on new employment or as a flexibly employed person.",
    ),
    materials=[ID],
    source=src(
        "municipal online hall item 续保登记 (facts.md)",
        "社会保险经办条例 第十条 (10 working days); handled at once",
    ),
)
item(
    E,
    "个人权益记录查询打印（参保证明）",
    "Personal insurance record and certificate of enrolment",
    types=EMPLOYEE5 + RPEN + RMED,
    channels=ALL,
    basis=[
        law(SIF, "第七十四条"),
        law(REG, "第三十二条"),
        law("社会保险个人权益记录管理办法（人力资源社会保障部令第14号）"),
    ],
    conditions=(
        "参保人员本人查询、打印本人缴费和待遇记录及参保证明。",
        "An insured person looks up and prints his or her own contribution and benefit record and enrolment certificate.",
    ),
    materials=[ID],
    source=src(CI, "instant; " + AGENCY_LIMIT),
    province_wide=True,
    fee_basis=FEE_QUERY,
)
item(
    E,
    "单位缴费查询及缴费证明打印",
    "Employer contribution record and payment certificate",
    types=EMPLOYEE5,
    channels=ALL,
    basis=[law(SIF, "第七十四条"), law(REG, "第三十二条")],
    conditions=(
        "参保单位查询、打印本单位缴费记录及缴费证明。",
        "An enrolled employer looks up and prints its contribution record and payment certificate.",
    ),
    materials=[EMPLOYER_PROOF],
    source=src("municipal online hall item 单位缴费查询 (facts.md)", "instant; " + AGENCY_LIMIT),
    province_wide=True,
    fee_basis=FEE_QUERY,
)
item(
    E,
    "企业职工基本养老保险关系转移接续（省内）",
    "Transfer of employee pension insurance within the province",
    effect="registry.enrolment_transfer",
    types=PEN,
    channels=NET,
    basis=[law(SIF, "第十九条"), law("城镇企业职工基本养老保险关系转移接续暂行办法（国办发〔2009〕66号）")],
    promised=5,
    conditions=(
        "参保人员在省内跨统筹地区就业并参保，由新参保地经办机构直接办理，无需转出地开具凭证。",
        "An insured person who moves to work in another area of the province; the new area's agency handles it directly.",
    ),
    materials=[ID],
    source=src(CI, AGENCY_LIMIT + "; within the 15 working days per stage of 国办发〔2009〕66号"),
    province_wide=True,
)
item(
    E,
    "企业职工基本养老保险关系转移接续（跨省）",
    "Transfer of employee pension insurance between provinces",
    special=True,
    types=PEN,
    channels=NET,
    basis=[
        law(SIF, "第十九条"),
        law("城镇企业职工基本养老保险关系转移接续暂行办法（国办发〔2009〕66号）"),
        law(REG, "第三十七条"),
    ],
    promised=15,
    conditions=(
        "参保人员跨省流动就业并在新就业地参保，向新参保地经办机构申请转入；个人账户储存额和统筹基金按规定转移。",
        "An insured person who works and is insured in another province applies at the new agency; the personal account and pooled funds move as the rules say.",
    ),
    materials=[
        ID,
        form(
            "基本养老保险关系转移接续申请表",
            "Pension transfer application",
            "《城镇企业职工基本养老保险关系转移接续暂行办法》（国办发〔2009〕66号）",
        ),
    ],
    source=src(CI, AGENCY_LIMIT + "; each stage within 15 working days (国办发〔2009〕66号)"),
    cross_province=True,
)
item(
    E,
    "城镇职工与城乡居民基本养老保险制度衔接",
    "Switching between the employee and residents' pension schemes",
    special=True,
    types=["employee_pension", "resident_pension"],
    channels=COUNTER,
    basis=[law("城乡养老保险制度衔接暂行办法（人社部发〔2014〕17号）"), law(REG, "第三十七条")],
    promised=15,
    trips=1,
    conditions=(
        "参加城镇职工养老保险和城乡居民养老保险人员，达到法定退休年龄后办理衔接；职工养老缴费满15年的可转入职工养老，不足的转入城乡居民养老。",
        "At retirement age, someone with both schemes combines them: with 15 years in the employee scheme into it, otherwise into the residents' scheme.",
    ),
    materials=[
        ID,
        form(
            "城乡养老保险制度衔接申请表",
            "Scheme switch application",
            "《城乡养老保险制度衔接暂行办法》（人社部发〔2014〕17号）",
        ),
    ],
    source=src(CI, AGENCY_LIMIT + "; within the 15 working days of 人社部发〔2014〕17号"),
)
item(
    E,
    "机关事业单位基本养老保险关系转移接续",
    "Transfer of public-sector pension insurance",
    special=True,
    types=PEN,
    channels=COUNTER,
    basis=[
        law("关于机关事业单位基本养老保险关系和职业年金转移接续有关问题的通知（人社部规〔2017〕1号）"),
        law(SIF, "第十九条"),
    ],
    promised=15,
    trips=1,
    conditions=(
        "机关事业单位工作人员在机关事业单位之间或与企业之间流动就业的，随同转移基本养老保险关系和职业年金。",
        "A public-sector employee moving to another public body or to a company takes the pension and occupational annuity along.",
    ),
    materials=[
        ID,
        form("基本养老保险关系转移接续申请表", "Pension transfer application", "人社部规〔2017〕1号"),
    ],
    source=src(CI, AGENCY_LIMIT),
)
item(
    E,
    "失业保险关系转移接续",
    "Transfer of unemployment insurance",
    types=UNEMP,
    channels=NET,
    basis=[law(SIF, "第五十二条"), law(UNI, "第二十二条")],
    promised=5,
    conditions=(
        "职工跨统筹地区就业，或失业人员在领取失业保险金期间跨统筹地区流动的。",
        "An employee who moves to work in another area, or an unemployed person claiming benefits who moves.",
    ),
    materials=[ID],
    source=src(CI, AGENCY_LIMIT),
    province_wide=True,
)
item(
    E,
    "基本医疗保险关系转移接续（省内）",
    "Transfer of basic medical insurance within the province",
    types=["employee_medical", "resident_medical"],
    channels=NET,
    basis=[
        law(SIF, "第三十二条"),
        law("流动就业人员基本医疗保障关系转移接续暂行办法（人社部发〔2009〕191号）"),
    ],
    promised=5,
    conditions=(
        "参保人员在省内跨统筹地区流动就业或变更参保地，缴费年限累计计算。",
        "An insured person who moves within the province; contribution years count together.",
    ),
    materials=[ID],
    source=src(CI + " (省内 variant)", AGENCY_LIMIT),
    province_wide=True,
)
item(
    E,
    "基本医疗保险关系转移接续（跨省）",
    "Transfer of basic medical insurance between provinces",
    types=["employee_medical", "resident_medical"],
    channels=NET,
    basis=[
        law(SIF, "第三十二条"),
        law("流动就业人员基本医疗保障关系转移接续暂行办法（人社部发〔2009〕191号）"),
    ],
    promised=15,
    conditions=(
        "参保人员跨省流动就业并在新就业地参保，经国家平台转出、转入，个人账户余额随同转移。",
        "An insured person who moves to another province; the transfer runs over the national platform and the personal account follows.",
    ),
    materials=[ID],
    source=src(CI + " (跨省 variant)", AGENCY_LIMIT),
    cross_province=True,
)
item(
    E,
    "工伤保险参保登记（单独参加工伤保险）",
    "Work-injury insurance enrolment on its own",
    types=WI,
    channels=NET,
    basis=[law(WII, "第二条"), law(WII, "第十条"), law(SIF, "第三十三条")],
    statutory=10,
    conditions=(
        "用人单位为尚未参加其他险种的职工（如超过法定退休年龄的从业人员、实习学生）单独参加工伤保险。",
        "An employer insures staff against work injury only, e.g. staff past retirement age or interns.",
    ),
    materials=[form("工伤保险参保人员申报表", "Work-injury enrolment return", "《工伤保险条例》第二条")],
    source=src(CI, "社会保险经办条例 第六条 (10 working days); handled at once"),
)
item(
    E,
    "建筑项目按项目参加工伤保险登记",
    "Work-injury insurance for a construction project",
    types=WI,
    channels=NET,
    basis=[law(WII, "第十条"), law("关于进一步做好建筑业工伤保险工作的意见（人社部发〔2014〕103号）")],
    conditions=(
        "建筑施工企业在项目开工前，以建设项目为单位参加工伤保险，按项目工程总造价的一定比例一次性缴费。",
        "Before work starts, the builder insures the whole project against work injury with one payment based on the project cost.",
    ),
    materials=[
        EMPLOYER_PROOF,
        material(
            "建筑工程施工许可证或项目中标通知书",
            "Building permit or notice of award",
            "人社部发〔2014〕103号（建筑项目以项目为单位参保）",
            copies=1,
        ),
    ],
    source=src(CI + " (variant)", "instant; " + AGENCY_LIMIT),
)
item(
    E,
    "社会保障卡申领",
    "Application for a social security card",
    types=EMPLOYEE5 + RPEN + RMED,
    channels=ALL,
    basis=[law(SIF, "第五十八条第三款"), law(REG, "第六条")],
    promised=10,
    conditions=(
        "已参加社会保险的人员首次申领社会保障卡；在合作银行网点可即时制卡。",
        "An insured person's first card; bank outlets with card printers issue it on the spot.",
    ),
    materials=[
        ID,
        material(
            "近期免冠证件照片（无照片数据时）",
            "Recent photo (only if none is on file)",
            "《社会保险经办条例》第六条（社会保障卡载明本人照片）",
            required=False,
        ),
    ],
    source=src(CI, AGENCY_LIMIT),
)
item(
    E,
    "社会保障卡补换",
    "Replacement of a social security card",
    types=EMPLOYEE5 + RPEN + RMED,
    channels=ALL,
    basis=[law(SIF, "第五十八条第三款"), law(REG, "第六条")],
    promised=10,
    conditions=(
        "社会保障卡损坏、遗失或有效期满的，本人申请补领或换领。",
        "A damaged, lost or expired card is replaced at the holder's request.",
    ),
    materials=[ID],
    source=src(CI, AGENCY_LIMIT),
    province_wide=True,
)
item(
    E,
    "社会保障卡挂失",
    "Reporting a lost social security card",
    types=EMPLOYEE5 + RPEN + RMED,
    channels=ALL,
    basis=[law(SIF, "第五十八条第三款"), law(REG, "第六条")],
    conditions=(
        "持卡人发现社会保障卡遗失的，可通过电话、网站、手机或网点办理临时挂失或正式挂失。",
        "A holder who loses the card blocks it by phone, web, app or at an outlet.",
    ),
    materials=[ID],
    source=src(CI, "instant; " + AGENCY_LIMIT),
    province_wide=True,
)
item(
    E,
    "单位社会保险费缴费核定",
    "Assessment of an employer's contributions due",
    types=EMPLOYEE5,
    channels=NET,
    basis=[law(SIF, "第六十条"), law("社会保险费申报缴纳管理规定（人力资源社会保障部令第20号）")],
    conditions=(
        "参保单位按月申报应缴社会保险费，经办机构核定后生成缴费通知，由税务部门统一征收。",
        "An employer declares what it owes each month; the agency assesses it and the tax bureau collects all insurance types in one go.",
    ),
    materials=[
        form("社会保险费申报表", "Monthly contribution return", "《中华人民共和国社会保险法》第六十条")
    ],
    source=src("municipal online hall item 单位缴费核定 (facts.md)", "instant; " + AGENCY_LIMIT),
)

item(
    E,
    "职工批量增减员申报",
    "Reporting staff additions and reductions from a file",
    effect="portal.staff_changes_bulk",
    types=EMPLOYEE5,
    channels=COUNTER_NET,
    basis=[law(SIF, "第五十八条"), law(REG, "第十条")],
    statutory=10,
    conditions=(
        "参保单位一次申报多名职工的增员、减员，按统一格式的增减员申报表逐行填写；整份申报全部生效或全部不生效。",
        "An enrolled employer reports several staff additions and reductions at once, one row per person in the standard return; the whole return takes effect or none of it.",
    ),
    materials=[
        form(
            "社会保险人员增减员申报表（批量）",
            "Staff additions and reductions return (file)",
            "《中华人民共和国社会保险法》第五十八条",
        ),
    ],
    source=src(CI, "社会保险经办条例 第十条 (10 working days); batch variant of 职工增员/减员申报"),
)

# =============================================================================================
# 医疗·工伤·生育待遇 — medical, work-injury and maternity benefits (46 items)
# =============================================================================================
MED_LIMIT = "社会保险经办条例 第二十条 (30 working days)"
WI_LIMIT = "社会保险经办条例 第二十二条 (20 working days)"
MAT_LIMIT = "社会保险经办条例 第二十条 (10 working days)"

item(
    M,
    "职工医疗费用手工（零星）报销",
    "Manual reimbursement of medical costs, employee scheme",
    payout=True,
    types=MED,
    channels=NET,
    basis=[law(SIF, "第二十八条"), law(REG, "第二十条")],
    statutory=30,
    promised=20,
    conditions=(
        "参保职工因急诊、未持卡等原因在定点医疗机构发生的费用未能直接结算的，在规定期限内申请报销。",
        "An insured employee whose costs at a contracted hospital were not settled directly (emergency, no card) claims them in time.",
    ),
    materials=[ID, MED_RECEIPTS, MED_DETAIL, DISCHARGE],
    source=src(CI, MED_LIMIT),
)
item(
    M,
    "城乡居民医疗费用手工（零星）报销",
    "Manual reimbursement of medical costs, residents' scheme",
    payout=True,
    types=RMED,
    channels=NET,
    basis=[
        law(SIF, "第二十八条"),
        law(REG, "第二十条"),
        law("国务院关于整合城乡居民基本医疗保险制度的意见（国发〔2016〕3号）"),
    ],
    statutory=30,
    promised=20,
    conditions=(
        "参保居民发生的符合规定的医疗费用未能直接结算的，在规定期限内申请报销。",
        "An insured resident claims eligible costs that were not settled directly.",
    ),
    materials=[ID, MED_RECEIPTS, MED_DETAIL, DISCHARGE],
    source=src(CI + " (居民 variant)", MED_LIMIT),
)
item(
    M,
    "异地就医医疗费用手工报销（未直接结算）",
    "Reimbursement of medical costs incurred elsewhere and not settled directly",
    payout=True,
    types=["employee_medical", "resident_medical"],
    channels=NET,
    basis=[
        law(SIF, "第二十九条"),
        law(REG, "第二十条"),
        law("关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知（医保发〔2022〕22号）"),
    ],
    statutory=30,
    promised=20,
    conditions=(
        "已办理异地就医备案的参保人员在就医地未能直接结算的费用，回参保地按规定报销。",
        "A registered out-of-area patient whose costs could not be settled where treated claims them at home.",
    ),
    materials=[ID, MED_RECEIPTS, MED_DETAIL, DISCHARGE],
    source=src(CI + " (异地 variant)", MED_LIMIT),
)
item(
    M,
    "外伤医疗费用报销（无第三方责任）",
    "Reimbursement of injury treatment with no liable third party",
    payout=True,
    types=["employee_medical", "resident_medical"],
    channels=COUNTER_NET,
    basis=[law(SIF, "第三十条"), law(REG, "第二十条")],
    statutory=30,
    promised=20,
    trips=1,
    conditions=(
        "参保人员意外受伤，不属于工伤、不应由第三人负担、不属于公共卫生负担的。",
        "An accidental injury that is not a work injury and for which no third party or public-health budget is liable.",
    ),
    materials=[
        ID,
        MED_RECEIPTS,
        MED_DETAIL,
        DISCHARGE,
        material(
            "外伤情况说明（受伤经过、无第三方责任的承诺）",
            "Statement of how the injury happened and that no third party is liable",
            "《中华人民共和国社会保险法》第三十条（排除第三人负担和工伤）",
            original=True,
        ),
    ],
    source=src(CI + " (variant)", MED_LIMIT),
)
item(
    M,
    "城乡居民大病保险费用报销",
    "Critical-illness insurance reimbursement, residents' scheme",
    payout=True,
    types=RMED,
    channels=COUNTER_NET,
    basis=[law("国务院办公厅关于全面实施城乡居民大病保险的意见（国办发〔2015〕57号）"), law(REG, "第二十条")],
    statutory=30,
    promised=20,
    conditions=(
        "参保居民年度内自付合规医疗费用超过大病保险起付线、未在结算时直接赔付的。",
        "A resident whose eligible out-of-pocket costs in the year exceed the critical-illness threshold and were not paid at discharge.",
    ),
    materials=[ID, MED_RECEIPTS, MED_DETAIL],
    source=src(CI + " (variant)", MED_LIMIT),
)
item(
    M,
    "异地就医备案（跨省异地长期居住）",
    "Registration for medical care in another province (long-term residence)",
    types=["employee_medical", "resident_medical"],
    channels=["counter", "online", "mobile"],
    basis=[
        law(SIF, "第二十九条"),
        law("关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知（医保发〔2022〕22号）"),
    ],
    conditions=(
        "异地安置退休人员、异地长期居住人员、常驻异地工作人员在备案地长期居住就医，个人承诺即可备案。",
        "Retirees settled elsewhere, long-term residents and staff posted elsewhere register by personal declaration.",
    ),
    materials=[
        ID,
        form(
            "跨省异地就医登记备案表（含个人承诺）",
            "Cross-province medical registration form with declaration",
            "医保发〔2022〕22号（备案与个人承诺）",
        ),
    ],
    source=src(CI + " (跨省 long-term variant)", "instant; " + AGENCY_LIMIT),
    cross_province=True,
)
item(
    M,
    "异地就医备案（跨省临时外出就医）",
    "Registration for medical care in another province (temporary)",
    types=["employee_medical", "resident_medical"],
    channels=["counter", "online", "mobile"],
    basis=[
        law(SIF, "第二十九条"),
        law("关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知（医保发〔2022〕22号）"),
    ],
    conditions=(
        "异地转诊就医人员、因工作或旅游等原因异地急诊抢救人员及其他临时外出就医人员。",
        "Patients referred to another province, emergencies while travelling or working there, and other temporary care.",
    ),
    materials=[ID],
    source=src(CI + " (跨省 temporary variant)", "instant; " + AGENCY_LIMIT),
    cross_province=True,
)
item(
    M,
    "异地就医备案（省内）",
    "Registration for medical care elsewhere in the province",
    types=["employee_medical", "resident_medical"],
    channels=["counter", "online", "mobile", "terminal"],
    basis=[law(SIF, "第二十九条")],
    conditions=(
        "参保人员在省内参保统筹地区以外就医的，办理备案后直接结算。",
        "An insured person treated elsewhere in the province registers to settle directly.",
    ),
    materials=[ID],
    source=src(CI + " (省内 variant)", "instant; " + AGENCY_LIMIT),
    province_wide=True,
)
item(
    M,
    "异地就医备案变更或取消",
    "Change or cancellation of a medical registration elsewhere",
    types=["employee_medical", "resident_medical"],
    channels=["counter", "online", "mobile"],
    basis=[
        law(SIF, "第二十九条"),
        law("关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知（医保发〔2022〕22号）"),
    ],
    conditions=(
        "已备案人员就医地、备案类型或备案期限发生变化，或回参保地就医需取消备案的。",
        "A registered person changes the place, kind or term of registration, or cancels it to be treated at home.",
    ),
    materials=[ID],
    source=src(CI + " (variant)", "instant; " + AGENCY_LIMIT),
    cross_province=True,
)
item(
    M,
    "职工门诊慢特病待遇认定",
    "Recognition of a chronic or special outpatient condition, employee scheme",
    special=True,
    types=MED,
    channels=COUNTER_NET,
    basis=[
        law("国务院办公厅关于建立健全职工基本医疗保险门诊共济保障机制的指导意见（国办发〔2021〕14号）"),
        law(REG, "第三十七条"),
    ],
    promised=15,
    conditions=(
        "参保职工患有当地规定的门诊慢性病、特殊疾病病种，经定点医疗机构诊断符合认定标准的。",
        "An insured employee diagnosed at a contracted hospital with one of the chronic or special conditions the area lists.",
    ),
    materials=[
        ID,
        material(
            "二级及以上定点医疗机构出具的诊断证明及相关检查报告",
            "Diagnosis from a contracted hospital of grade 2 or above, with test results",
            "国办发〔2021〕14号（门诊慢特病按病种认定）",
            copies=1,
        ),
    ],
    source=src(CI, AGENCY_LIMIT),
)
item(
    M,
    "城乡居民门诊慢特病待遇认定",
    "Recognition of a chronic or special outpatient condition, residents' scheme",
    special=True,
    types=RMED,
    channels=COUNTER_NET,
    basis=[law("国务院关于整合城乡居民基本医疗保险制度的意见（国发〔2016〕3号）"), law(REG, "第三十七条")],
    promised=15,
    conditions=(
        "参保居民患有当地规定的门诊慢性病、特殊疾病病种，经定点医疗机构诊断符合认定标准的。",
        "An insured resident diagnosed at a contracted hospital with one of the listed chronic or special conditions.",
    ),
    materials=[
        ID,
        material(
            "二级及以上定点医疗机构出具的诊断证明及相关检查报告",
            "Diagnosis from a contracted hospital of grade 2 or above, with test results",
            "国发〔2016〕3号（统一保障待遇）",
            copies=1,
        ),
    ],
    source=src(CI + " (居民 variant)", AGENCY_LIMIT),
)
item(
    M,
    "门诊慢特病定点医疗机构变更",
    "Change of designated hospital for chronic outpatient care",
    types=["employee_medical", "resident_medical"],
    channels=["counter", "online", "mobile"],
    basis=[law("国务院办公厅关于建立健全职工基本医疗保险门诊共济保障机制的指导意见（国办发〔2021〕14号）")],
    conditions=(
        "已认定门诊慢特病待遇的参保人员变更选定的定点医疗机构。",
        "A patient with a recognised chronic condition changes the chosen contracted hospital.",
    ),
    materials=[ID],
    source=src(CI + " (variant)", "instant; " + AGENCY_LIMIT),
)
item(
    M,
    "职工医保个人账户家庭共济备案",
    "Sharing an employee medical personal account with family members",
    special=True,
    types=MED,
    channels=["counter", "online", "mobile"],
    basis=[law("国务院办公厅关于建立健全职工基本医疗保险门诊共济保障机制的指导意见（国办发〔2021〕14号）")],
    conditions=(
        "参保职工申请以个人账户支付配偶、父母、子女在定点医疗机构就医及参加城乡居民医保的个人缴费。",
        "An insured employee lets the personal account pay for a spouse's, parent's or child's care and residents' contributions.",
    ),
    materials=[
        ID,
        material(
            "共济家属的身份证明及亲属关系证明（户口簿或结婚证等）",
            "Family members' identity and proof of kinship (household register, marriage certificate)",
            "国办发〔2021〕14号（个人账户可用于配偶、父母、子女）",
            original=True,
            note=("户籍数据已共享的免于提交", "Not needed where household data are shared"),
        ),
    ],
    promised=3,
    source=src(CI + " (personal account item)", AGENCY_LIMIT),
)
item(
    M,
    "职工医保个人账户余额一次性支取（出国定居或死亡）",
    "One-off withdrawal of an employee medical personal account (emigration or death)",
    payout=True,
    types=MED,
    channels=COUNTER,
    basis=[
        law(SIF, "第十四条"),
        law("国务院办公厅关于建立健全职工基本医疗保险门诊共济保障机制的指导意见（国办发〔2021〕14号）"),
    ],
    promised=15,
    trips=1,
    conditions=(
        "参保人员出国（境）定居或死亡的，个人账户余额一次性支付给本人或继承人。",
        "When an insured person settles abroad or dies, the balance is paid to the person or the heirs.",
    ),
    materials=[
        ID_DECEASED,
        material(
            "出国（境）定居证明或死亡证明",
            "Proof of settlement abroad, or death certificate",
            "《中华人民共和国社会保险法》第十四条（个人账户余额可以继承）",
            original=True,
        ),
        material(
            "继承人身份及继承关系证明（死亡时）",
            "Heir's identity and proof of inheritance (in case of death)",
            "《中华人民共和国社会保险法》第十四条；《中华人民共和国民法典》第一千一百二十七条",
            original=True,
            required=False,
        ),
    ],
    source=src(CI + " (personal account item)", AGENCY_LIMIT),
)
item(
    M,
    "转外就医备案（转诊转院）",
    "Referral to a hospital outside the area",
    types=["employee_medical", "resident_medical"],
    channels=["counter", "online", "mobile"],
    basis=[law(SIF, "第二十九条")],
    conditions=(
        "因病情需要，经参保地定点医疗机构出具转诊意见转往统筹地区以外就医的。",
        "A contracted hospital at home refers the patient outside the area for medical reasons.",
    ),
    materials=[
        ID,
        material(
            "定点医疗机构出具的转诊转院单",
            "Referral form from the contracted hospital",
            "《中华人民共和国社会保险法》第二十九条（经转诊的费用直接结算）",
            copies=1,
        ),
    ],
    source=src(CI + " (medical referral)", "instant; " + AGENCY_LIMIT),
)
item(
    M,
    "退休人员基本医疗保险待遇核定（缴费年限核定）",
    "Assessment of a retiree's medical insurance entitlement (contribution years)",
    special=True,
    types=MED,
    channels=COUNTER_NET,
    basis=[law(SIF, "第二十七条"), law(REG, "第三十七条")],
    promised=15,
    conditions=(
        "参保职工达到法定退休年龄时，核定累计缴费年限是否达到国家规定年限；未达到的可以缴费至规定年限。",
        "At retirement the agency checks whether the employee has the required contribution years; if not, he or she may pay up to them.",
    ),
    materials=[ID],
    source=src(CI + " (variant)", AGENCY_LIMIT),
)
item(
    M,
    "特殊药品（双通道药品）使用备案",
    "Registration for special (dual-channel) medicines",
    types=["employee_medical", "resident_medical"],
    channels=["counter", "online", "mobile"],
    basis=[law("关于建立完善国家医保谈判药品“双通道”管理机制的指导意见（医保发〔2021〕28号）")],
    conditions=(
        "参保人员使用国家医保谈判药品，经责任医师评估开具处方后在定点医疗机构或定点药店购药。",
        "A patient prescribed a nationally negotiated medicine by the responsible doctor buys it at a contracted hospital or pharmacy.",
    ),
    materials=[
        ID,
        material(
            "责任医师开具的处方及用药评估表",
            "Prescription and assessment by the responsible doctor",
            "医保发〔2021〕28号（处方流转与用药评估）",
            copies=1,
        ),
    ],
    source=src(CI + " (variant)", "instant; " + AGENCY_LIMIT),
)
item(
    M,
    "生育津贴申领",
    "Claim for maternity allowance",
    payout=True,
    types=MAT,
    channels=NET,
    basis=[law(SIF, "第五十四条"), law(SIF, "第五十六条"), law(REG, "第二十条")],
    statutory=10,
    promised=10,
    conditions=(
        "参加生育保险的女职工生育享受产假，或职工享受计划生育手术休假的，由用人单位或本人申请。",
        "An insured woman on maternity leave, or an employee on leave after a family-planning operation; the employer or the person applies.",
    ),
    materials=[
        ID,
        material(
            "生育医学证明（出生医学证明或医疗机构诊断证明）",
            "Proof of birth (birth certificate or hospital diagnosis)",
            "《中华人民共和国社会保险法》第五十六条（以生育事实为条件）",
            copies=1,
            note=(
                "已与卫生健康部门共享出生信息的免于提交",
                "Not needed where birth data from the health authority are shared",
            ),
        ),
    ],
    source=src(CI, MAT_LIMIT),
)
item(
    M,
    "生育医疗费用报销（职工）",
    "Reimbursement of maternity medical costs, employee",
    payout=True,
    types=MAT,
    channels=NET,
    basis=[law(SIF, "第五十四条"), law(SIF, "第五十五条"), law(REG, "第二十条")],
    statutory=30,
    promised=20,
    conditions=(
        "参保女职工产前检查、分娩发生的医疗费用未在定点医疗机构直接结算的。",
        "An insured woman's antenatal and delivery costs that were not settled at the hospital.",
    ),
    materials=[ID, MED_RECEIPTS, MED_DETAIL, DISCHARGE],
    source=src(CI, MED_LIMIT),
)
item(
    M,
    "职工未就业配偶生育医疗费用报销",
    "Reimbursement of maternity costs of an employee's non-working spouse",
    payout=True,
    types=MAT,
    channels=COUNTER_NET,
    basis=[law(SIF, "第五十四条"), law(REG, "第二十条")],
    statutory=30,
    promised=20,
    trips=1,
    conditions=(
        "参保男职工的配偶未就业且未参加职工医疗保险，在定点医疗机构生育的。",
        "The spouse of an insured man, not working and not in the employee scheme, gives birth at a contracted hospital.",
    ),
    materials=[
        ID,
        MED_RECEIPTS,
        MED_DETAIL,
        material(
            "结婚证",
            "Marriage certificate",
            "《中华人民共和国社会保险法》第五十四条（职工未就业配偶）",
            original=True,
        ),
    ],
    source=src(CI + " (variant)", MED_LIMIT),
)
item(
    M,
    "计划生育手术医疗费用报销",
    "Reimbursement of family-planning operation costs",
    payout=True,
    types=MAT,
    channels=NET,
    basis=[law(SIF, "第五十五条"), law(REG, "第二十条")],
    statutory=30,
    promised=20,
    conditions=(
        "参保职工在定点医疗机构施行计划生育手术，费用未直接结算的。",
        "An insured employee's family-planning operation at a contracted hospital, not settled directly.",
    ),
    materials=[ID, MED_RECEIPTS, MED_DETAIL],
    source=src(CI + " (variant)", MED_LIMIT),
)
item(
    M,
    "计划生育手术休假津贴申领",
    "Allowance for leave after a family-planning operation",
    payout=True,
    types=MAT,
    channels=NET,
    basis=[law(SIF, "第五十六条"), law(REG, "第二十条")],
    statutory=10,
    promised=10,
    conditions=(
        "参保职工施行计划生育手术并依法享受休假的。",
        "An insured employee who had a family-planning operation and takes the statutory leave.",
    ),
    materials=[
        ID,
        material(
            "医疗机构出具的手术证明及休假建议",
            "Hospital's record of the operation and recommended leave",
            "《中华人民共和国社会保险法》第五十六条",
            copies=1,
        ),
    ],
    source=src(CI + " (variant)", MAT_LIMIT),
)
item(
    M,
    "城乡居民生育医疗费用报销",
    "Reimbursement of delivery costs, residents' scheme",
    payout=True,
    types=RMED,
    channels=NET,
    basis=[law(SIF, "第二十五条"), law(REG, "第二十条")],
    statutory=30,
    promised=20,
    conditions=(
        "参保居民住院分娩发生的合规医疗费用未直接结算的。",
        "An insured resident's delivery in hospital, not settled directly.",
    ),
    materials=[ID, MED_RECEIPTS, MED_DETAIL],
    source=src(CI + " (居民 variant)", MED_LIMIT),
)
item(
    M,
    "生育保险待遇登记（产前检查登记）",
    "Maternity registration (antenatal care)",
    types=MAT,
    channels=["counter", "online", "mobile"],
    basis=[law(SIF, "第五十四条")],
    conditions=(
        "参保职工或其未就业配偶怀孕后，登记以便产前检查和分娩费用直接结算。",
        "An insured employee or a non-working spouse who is pregnant registers so that antenatal and delivery costs settle directly.",
    ),
    materials=[ID],
    source=src(CI + " (variant)", "instant; " + AGENCY_LIMIT),
)

# --- work injury ---
item(
    M,
    "工伤认定申请",
    "Application for work-injury determination",
    special=True,
    types=WI,
    channels=COUNTER_NET,
    basis=[law(WII, "第十七条"), law(WII, "第十八条"), law(WII, "第二十条")],
    promised=40,
    trips=1,
    body=HRSS,
    conditions=(
        "职工发生事故伤害或被诊断为职业病，单位自事故发生之日起30日内提出；单位未提出的，职工或近亲属一年内提出。",
        "The employer applies within 30 days of the accident or diagnosis; otherwise the employee or close relatives within one year.",
    ),
    materials=[
        ID,
        form("工伤认定申请表", "Work-injury determination application", "《工伤保险条例》第十七条、第十八条"),
        material(
            "与用人单位存在劳动关系（包括事实劳动关系）的证明材料",
            "Proof of the employment relationship (including de facto employment)",
            "《工伤保险条例》第十八条第一款第（二）项",
            copies=1,
        ),
        material(
            "医疗诊断证明或职业病诊断证明书（职业病诊断鉴定书）",
            "Medical diagnosis or occupational-disease diagnosis",
            "《工伤保险条例》第十八条第一款第（三）项",
            copies=1,
        ),
    ],
    source=src(
        CI + " (the application behind every work-injury benefit)",
        "工伤保险条例 第二十条 (decision within 60 calendar days); promised 40 working days set by the agency to stay inside the statutory 60 calendar days",
    ),
)
item(
    M,
    "劳动能力鉴定申请（初次鉴定）",
    "Application for a labour ability appraisal (first)",
    types=WI,
    channels=COUNTER_NET,
    basis=[law(WII, "第二十一条"), law(WII, "第二十三条"), law(WII, "第二十五条")],
    promised=40,
    trips=1,
    body=APPRAISAL,
    conditions=(
        "工伤职工经治疗伤情相对稳定后存在残疾、影响劳动能力的，由单位、职工或其近亲属申请。",
        "When the injured worker's condition is stable but a disability remains, the employer, the worker or close relatives apply.",
    ),
    materials=[
        ID,
        form("劳动能力鉴定申请表", "Labour ability appraisal application", "《工伤保险条例》第二十三条"),
        INJURY_DECISION,
        material(
            "工伤医疗的有关资料（病历、检查报告）",
            "Medical records of the injury treatment",
            "《工伤保险条例》第二十三条",
            copies=1,
        ),
    ],
    source=src(
        CI,
        "工伤保险条例 第二十五条 (conclusion within 60 calendar days); promised 40 working days set by the agency to stay inside the statutory 60 calendar days",
    ),
)
item(
    M,
    "劳动能力再次鉴定和复查鉴定申请",
    "Application for a second or review labour ability appraisal",
    types=WI,
    channels=COUNTER_NET,
    basis=[law(WII, "第二十六条"), law(WII, "第二十八条")],
    promised=40,
    trips=1,
    body=APPRAISAL,
    conditions=(
        "对鉴定结论不服的，收到结论之日起15日内申请再次鉴定；结论作出一年后伤残情况发生变化的，可申请复查鉴定。",
        "Within 15 days of a conclusion one disagrees with, or one year after it when the disability has changed.",
    ),
    materials=[
        ID,
        form(
            "劳动能力鉴定申请表",
            "Labour ability appraisal application",
            "《工伤保险条例》第二十六条、第二十八条",
        ),
        APPRAISAL_RESULT,
    ],
    source=src(
        CI + " (variant)",
        "工伤保险条例 第二十五条 (conclusion within 60 calendar days); promised 40 working days set by the agency to stay inside the statutory 60 calendar days",
    ),
)
item(
    M,
    "工伤医疗费用申领（含住院伙食补助费）",
    "Claim for work-injury medical costs (with hospital meal allowance)",
    payout=True,
    types=WI,
    channels=NET,
    basis=[law(WII, "第三十条"), law(REG, "第二十二条")],
    statutory=20,
    promised=15,
    conditions=(
        "经认定为工伤的职工在签订服务协议的医疗机构治疗工伤发生的、符合目录的费用未直接结算的。",
        "Costs of treating a recognised work injury at a contracted hospital, within the lists, not settled directly.",
    ),
    materials=[ID, INJURY_DECISION, MED_RECEIPTS, MED_DETAIL, DISCHARGE],
    source=src(CI, WI_LIMIT),
)
item(
    M,
    "工伤职工统筹地区以外就医交通食宿费申领",
    "Claim for travel and board when treated outside the area (work injury)",
    payout=True,
    types=WI,
    channels=NET,
    basis=[law(WII, "第三十条第四款"), law(REG, "第二十二条")],
    statutory=20,
    promised=15,
    conditions=(
        "工伤职工经批准到统筹地区以外就医的，所需交通、食宿费用按规定标准支付。",
        "When an injured worker is sent outside the area with approval, travel and board are paid at the set rates.",
    ),
    materials=[
        ID,
        material(
            "交通、住宿费用票据",
            "Travel and lodging receipts",
            "《工伤保险条例》第三十条第四款",
            original=True,
        ),
    ],
    source=src(CI + " (variant)", WI_LIMIT),
)
item(
    M,
    "工伤康复费用申领",
    "Claim for work-injury rehabilitation costs",
    payout=True,
    types=WI,
    channels=NET,
    basis=[law(WII, "第三十条第六款"), law(REG, "第二十二条")],
    statutory=20,
    promised=15,
    conditions=(
        "工伤职工到签订服务协议的医疗机构进行工伤康复，费用符合规定、未直接结算的。",
        "Rehabilitation at a contracted institution, within the rules, not settled directly.",
    ),
    materials=[ID, INJURY_DECISION, MED_RECEIPTS, MED_DETAIL],
    source=src(CI, WI_LIMIT),
)
item(
    M,
    "辅助器具配置费用申领",
    "Claim for assistive device costs",
    payout=True,
    types=WI,
    channels=NET,
    basis=[
        law(WII, "第三十二条"),
        law("工伤保险辅助器具配置管理办法（人力资源社会保障部令第27号）"),
        law(REG, "第二十二条"),
    ],
    statutory=20,
    promised=15,
    conditions=(
        "工伤职工经劳动能力鉴定委员会确认需要配置辅助器具，在协议机构配置后申请。",
        "After the appraisal committee confirms the need, the device is fitted at a contracted provider and the cost claimed.",
    ),
    materials=[
        ID,
        material(
            "辅助器具配置确认书",
            "Confirmation of the assistive device",
            "《工伤保险条例》第三十二条；人力资源社会保障部令第27号",
            copies=1,
        ),
        material(
            "辅助器具配置费用票据",
            "Receipts for the device",
            "《工伤保险辅助器具配置管理办法》（人力资源社会保障部令第27号）",
            original=True,
        ),
    ],
    source=src(CI, WI_LIMIT),
)
item(
    M,
    "一次性伤残补助金申领",
    "Claim for the lump-sum disability grant",
    payout=True,
    types=WI,
    channels=COUNTER_NET,
    basis=[law(WII, "第三十五条"), law(WII, "第三十六条"), law(WII, "第三十七条")],
    promised=15,
    trips=1,
    conditions=(
        "经劳动能力鉴定为一级至十级伤残的工伤职工。",
        "An injured worker appraised at disability grade 1 to 10.",
    ),
    materials=[ID, INJURY_DECISION, APPRAISAL_RESULT],
    source=src(CI, AGENCY_LIMIT),
)
item(
    M,
    "伤残津贴申领",
    "Claim for the monthly disability allowance",
    payout=True,
    types=WI,
    channels=COUNTER_NET,
    basis=[law(WII, "第三十五条"), law(WII, "第三十六条")],
    promised=15,
    trips=1,
    conditions=(
        "一级至四级伤残保留劳动关系、退出工作岗位的，或五级、六级伤残难以安排工作的工伤职工。",
        "A worker at grade 1–4 who keeps the employment but stops working, or at grade 5–6 for whom no work can be found.",
    ),
    materials=[ID, INJURY_DECISION, APPRAISAL_RESULT],
    source=src(CI, AGENCY_LIMIT),
)
item(
    M,
    "生活护理费申领",
    "Claim for the attendance allowance",
    payout=True,
    types=WI,
    channels=COUNTER_NET,
    basis=[law(WII, "第三十四条")],
    promised=15,
    trips=1,
    conditions=(
        "经劳动能力鉴定委员会确认生活不能自理、需要护理的工伤职工，按护理等级支付。",
        "An injured worker confirmed by the appraisal committee as needing care, paid by level of care.",
    ),
    materials=[ID, APPRAISAL_RESULT],
    source=src(CI, AGENCY_LIMIT),
)
item(
    M,
    "一次性工伤医疗补助金申领",
    "Claim for the lump-sum work-injury medical grant",
    payout=True,
    types=WI,
    channels=COUNTER_NET,
    basis=[law(WII, "第三十六条"), law(WII, "第三十七条")],
    promised=15,
    trips=1,
    conditions=(
        "五级至十级伤残职工与用人单位解除或终止劳动关系的。",
        "A worker at disability grade 5–10 whose employment has ended.",
    ),
    materials=[ID, APPRAISAL_RESULT, TERMINATION],
    source=src(CI + " (split from 伤残待遇)", AGENCY_LIMIT),
)
item(
    M,
    "一次性工亡补助金申领",
    "Claim for the lump-sum work-related death grant",
    payout=True,
    types=WI,
    channels=COUNTER,
    basis=[law(WII, "第三十九条")],
    promised=15,
    trips=1,
    conditions=(
        "职工因工死亡，或伤残职工在停工留薪期内因工伤导致死亡的，由其近亲属申领。",
        "A worker died from work or of the injury during paid leave; the close relatives claim.",
    ),
    materials=[ID_DECEASED, INJURY_DECISION, DEATH_CERT, KINSHIP],
    source=src(CI, AGENCY_LIMIT),
)
item(
    M,
    "丧葬补助金申领（工亡）",
    "Claim for the funeral grant (work-related death)",
    payout=True,
    types=WI,
    channels=COUNTER,
    basis=[law(WII, "第三十九条")],
    promised=15,
    trips=1,
    conditions=(
        "职工因工死亡或一级至四级伤残职工在停工留薪期满后死亡的，按统筹地区上年度职工月平均工资6个月支付。",
        "A worker died from work, or a grade 1–4 worker died after paid leave ended; six months of the area's average wage.",
    ),
    materials=[ID_DECEASED, DEATH_CERT, KINSHIP],
    source=src(CI, AGENCY_LIMIT),
)
item(
    M,
    "供养亲属抚恤金申领",
    "Claim for the dependants' survivor pension",
    payout=True,
    types=WI,
    channels=COUNTER,
    basis=[law(WII, "第三十九条"), law("因工死亡职工供养亲属范围规定（劳动和社会保障部令第18号）", "第三条")],
    promised=15,
    trips=1,
    conditions=(
        "因工死亡职工生前提供主要生活来源、无劳动能力的亲属。",
        "Relatives of the deceased worker who depended on him or her and cannot work.",
    ),
    materials=[
        ID_DECEASED,
        DEATH_CERT,
        KINSHIP,
        material(
            "供养亲属无劳动能力或依靠死者生活的证明",
            "Proof that the dependant cannot work or lived on the deceased's income",
            "劳动和社会保障部令第18号 第三条",
            original=True,
        ),
    ],
    source=src(CI, AGENCY_LIMIT),
)
item(
    M,
    "工伤保险待遇变更（伤残等级、供养亲属变化）",
    "Change of work-injury benefits (new grade, change in dependants)",
    special=True,
    types=WI,
    channels=COUNTER_NET,
    basis=[law(WII, "第二十八条"), law(WII, "第四十条"), law(REG, "第三十七条")],
    promised=15,
    conditions=(
        "复查鉴定后伤残等级变化，或供养亲属情况发生变化的，调整待遇。",
        "The benefit is adjusted after a review appraisal changes the grade, or when the dependants' situation changes.",
    ),
    materials=[
        ID,
        material(
            "变化情况证明（复查鉴定结论或亲属状况证明）",
            "Proof of the change (review appraisal or dependant's status)",
            "《工伤保险条例》第二十八条、第四十条",
            copies=1,
        ),
    ],
    source=src(CI, AGENCY_LIMIT),
)
item(
    M,
    "工伤保险待遇停发",
    "Stopping work-injury benefits",
    special=True,
    types=WI,
    channels=COUNTER_NET,
    basis=[law(WII, "第四十二条"), law(REG, "第二十五条")],
    promised=5,
    conditions=(
        "工伤职工丧失享受待遇条件、拒不接受劳动能力鉴定或拒绝治疗，或供养亲属不再符合条件的，单位或家属报告后停发。",
        "Benefits stop when the worker no longer qualifies, refuses appraisal or treatment, or a dependant no longer qualifies, on the report of the employer or family.",
    ),
    materials=[
        material(
            "停发原因证明（死亡证明、就业或其他情况证明）",
            "Proof of the reason (death, employment or other)",
            "《工伤保险条例》第四十二条；《社会保险经办条例》第二十五条",
            copies=1,
        ),
    ],
    source=src(
        CI + " (停发 variant)", AGENCY_LIMIT + "; reports due within 20 days (社会保险经办条例 第二十五条)"
    ),
)
item(
    M,
    "工伤职工异地居住就医申请",
    "Registration of an injured worker living and treated in another area",
    types=WI,
    channels=["counter", "online", "mobile"],
    basis=[law(WII, "第三十条"), law("工伤保险经办规程（人社部发〔2012〕11号）")],
    conditions=(
        "工伤职工因异地居住需在居住地就医的，选定居住地协议医疗机构。",
        "An injured worker who lives elsewhere chooses a contracted hospital there.",
    ),
    materials=[ID, INJURY_DECISION],
    source=src(CI, "instant; " + AGENCY_LIMIT),
)
item(
    M,
    "工伤职工转诊转院备案",
    "Referral of an injured worker to another hospital",
    types=WI,
    channels=["counter", "online", "mobile"],
    basis=[law(WII, "第三十条"), law("工伤保险经办规程（人社部发〔2012〕11号）")],
    conditions=(
        "协议医疗机构无法诊治，需转往统筹地区以外或其他医疗机构治疗的。",
        "The contracted hospital cannot treat the injury and refers the worker elsewhere.",
    ),
    materials=[
        ID,
        material(
            "协议医疗机构出具的转诊转院意见",
            "Referral opinion of the contracted hospital",
            "《工伤保险条例》第三十条；人社部发〔2012〕11号",
            copies=1,
        ),
    ],
    source=src(CI, "instant; " + AGENCY_LIMIT),
)
item(
    M,
    "停工留薪期确认和延长",
    "Confirmation and extension of paid leave after a work injury",
    special=True,
    types=WI,
    channels=COUNTER,
    basis=[law(WII, "第三十三条"), law(REG, "第三十七条")],
    promised=15,
    trips=1,
    conditions=(
        "停工留薪期一般不超过12个月；伤情严重或特殊，经设区的市级劳动能力鉴定委员会确认可延长，延长不超过12个月。",
        "Paid leave is normally at most 12 months; for severe cases the city's appraisal committee may extend it by up to 12 months.",
    ),
    materials=[
        ID,
        INJURY_DECISION,
        material(
            "医疗机构出具的休假证明或延长意见",
            "Hospital's sick-leave certificate or extension opinion",
            "《工伤保险条例》第三十三条",
            copies=1,
        ),
    ],
    source=src(CI, AGENCY_LIMIT),
)
item(
    M,
    "工伤复发待遇申请",
    "Benefits for a recurrent work injury",
    special=True,
    types=WI,
    channels=COUNTER,
    basis=[law(WII, "第三十八条")],
    promised=15,
    trips=1,
    conditions=(
        "工伤职工工伤复发，经确认需要治疗的，享受工伤医疗等待遇。",
        "When a work injury recurs and treatment is confirmed necessary, work-injury benefits resume.",
    ),
    materials=[
        ID,
        INJURY_DECISION,
        material(
            "工伤复发的医疗诊断证明", "Diagnosis of the recurrence", "《工伤保险条例》第三十八条", copies=1
        ),
    ],
    source=src(CI + " (variant)", AGENCY_LIMIT),
)
item(
    M,
    "先行支付申请（工伤）",
    "Advance payment of work-injury medical costs",
    payout=True,
    types=WI,
    channels=COUNTER,
    basis=[law(SIF, "第四十一条"), law("社会保险基金先行支付暂行办法（人力资源社会保障部令第15号）")],
    promised=20,
    trips=1,
    conditions=(
        "职工所在单位未依法缴纳工伤保险费、发生工伤事故且单位不支付工伤保险待遇的，从工伤保险基金先行支付。",
        "The employer did not pay work-injury contributions and will not pay the benefits; the fund pays first and recovers from the employer.",
    ),
    materials=[
        ID,
        INJURY_DECISION,
        form("先行支付申请表", "Advance payment application", "人力资源社会保障部令第15号"),
        MED_RECEIPTS,
    ],
    source=src(CI + " (variant)", AGENCY_LIMIT),
)
item(
    M,
    "职工医疗保险个人账户查询",
    "Employee medical personal account statement",
    types=MED,
    channels=ALL,
    basis=[law(SIF, "第七十四条"), law(REG, "第三十二条")],
    conditions=(
        "参保职工本人查询个人账户划入、支出和余额。",
        "An insured employee looks up what went in and out of the account and its balance.",
    ),
    materials=[ID],
    source=src(CI + " (query)", "instant; " + AGENCY_LIMIT),
    province_wide=True,
    fee_basis=FEE_QUERY,
)

# =============================================================================================
# 养老·失业待遇 — pension and unemployment benefits (27 items)
# =============================================================================================
PEN_LIMIT = "社会保险经办条例 第十八条 (20 working days)"
UNEMP_LIMIT = "社会保险经办条例 第二十四条 (10 working days)"
PENSION_FORM = form(
    "基本养老保险待遇申领表",
    "Basic pension claim form",
    "《中华人民共和国社会保险法》第十六条；《社会保险经办条例》第十八条",
)

item(
    P,
    "职工基本养老保险待遇申领（正常退休）",
    "Claim for the employee basic pension (normal retirement)",
    payout=True,
    types=PEN,
    channels=NET,
    basis=[
        law(SIF, "第十六条"),
        law(REG, "第十八条"),
        law("全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定"),
    ],
    statutory=20,
    promised=15,
    conditions=(
        "达到法定退休年龄、累计缴费满最低缴费年限的参保人员，由单位或本人在到龄前申请。",
        "An insured person at statutory retirement age with the minimum contribution years; the employer or person applies before the date.",
    ),
    materials=[ID, PENSION_FORM],
    source=src(CI, PEN_LIMIT),
)
item(
    P,
    "职工提前退休（特殊工种、病退）养老待遇申领",
    "Claim for an early employee pension (arduous work or illness)",
    payout=True,
    types=PEN,
    channels=COUNTER,
    basis=[
        law(SIF, "第十六条"),
        law(REG, "第十八条"),
        law("国务院关于工人退休、退职的暂行办法（国发〔1978〕104号）", "第一条"),
    ],
    statutory=20,
    promised=20,
    trips=1,
    conditions=(
        "从事特殊工种满规定年限，或经劳动能力鉴定委员会鉴定完全丧失劳动能力，且符合提前退休年龄条件的。",
        "Workers with the required years in arduous jobs, or found wholly unable to work, who meet the early retirement age.",
    ),
    materials=[
        ID,
        PENSION_FORM,
        material(
            "特殊工种工作经历原始档案或劳动能力鉴定结论",
            "Original records of the arduous-work history, or the labour ability appraisal",
            "国发〔1978〕104号 第一条",
            original=True,
        ),
    ],
    source=src(CI + " (variant)", PEN_LIMIT),
)
item(
    P,
    "弹性退休申请（提前或延迟领取养老金）",
    "Flexible retirement (drawing the pension earlier or later)",
    special=True,
    types=PEN,
    channels=COUNTER_NET,
    basis=[
        law("全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定", "附件第二条"),
        law(REG, "第三十七条"),
    ],
    promised=10,
    conditions=(
        "满足最低缴费年限的职工，可自愿选择弹性提前退休（最长不超过3年）或经与单位协商一致弹性延迟退休（最长不超过3年）。",
        "An employee with the minimum contribution years may retire up to 3 years early, or with the employer's agreement up to 3 years late.",
    ),
    materials=[
        ID,
        form(
            "弹性退休申请表",
            "Flexible retirement application",
            "全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定",
        ),
    ],
    source=src("facts.md (retirement-age reform 2025)", AGENCY_LIMIT),
)
item(
    P,
    "城乡居民基本养老保险待遇申领",
    "Claim for the residents' basic pension",
    payout=True,
    types=RPEN,
    channels=NET_T,
    basis=[
        law(SIF, "第二十一条"),
        law(REG, "第十八条"),
        law("国务院关于建立统一的城乡居民基本养老保险制度的意见（国发〔2014〕8号）"),
    ],
    statutory=20,
    promised=15,
    conditions=(
        "年满60周岁、累计缴费满15年且未领取国家规定的基本养老保障待遇的参保居民。",
        "A participant aged 60 with 15 years of contributions who draws no other basic pension.",
    ),
    materials=[
        ID,
        form(
            "城乡居民基本养老保险待遇申领表",
            "Residents' pension claim form",
            "国发〔2014〕8号（待遇领取与注销）",
        ),
    ],
    source=src(CI, PEN_LIMIT),
)
item(
    P,
    "被征地农民养老保障待遇申领",
    "Claim for land-lost farmers' pension security",
    payout=True,
    types=LLF,
    channels=COUNTER,
    basis=[
        law(SIF, "第九十六条"),
        law(
            "国务院办公厅转发劳动保障部关于做好被征地农民就业培训和社会保障工作指导意见的通知（国办发〔2006〕29号）"
        ),
    ],
    promised=20,
    trips=1,
    conditions=(
        "已参加被征地农民养老保障、达到规定领取年龄的人员。",
        "A land-lost farmer in the scheme who reaches the drawing age.",
    ),
    materials=[
        ID,
        form("被征地农民养老保障待遇申领表", "Land-lost farmers' pension claim form", "国办发〔2006〕29号"),
    ],
    source=src(CI, AGENCY_LIMIT + " (not longer than the 20 working days of 社会保险经办条例 第十八条)"),
)
item(
    P,
    "职工养老保险个人账户一次性待遇申领（死亡或出国定居）",
    "One-off payment of an employee pension personal account (death or emigration)",
    payout=True,
    types=PEN,
    channels=COUNTER,
    basis=[law(SIF, "第十四条"), law("国务院关于完善企业职工基本养老保险制度的决定（国发〔2005〕38号）")],
    promised=15,
    trips=1,
    conditions=(
        "参保人员死亡的，个人账户余额由继承人继承；出国（境）定居的，可书面申请终止关系并一次性支付。",
        "On death the balance passes to the heirs; on settling abroad the person may end the insurance in writing and be paid out.",
    ),
    materials=[
        ID_DECEASED,
        material(
            "死亡证明或出国（境）定居证明",
            "Death certificate or proof of settlement abroad",
            "《中华人民共和国社会保险法》第十四条",
            original=True,
        ),
        material(
            "继承人身份及继承关系证明（死亡时）",
            "Heir's identity and proof of inheritance (in case of death)",
            "《中华人民共和国社会保险法》第十四条；《中华人民共和国民法典》第一千一百二十七条",
            original=True,
            required=False,
        ),
    ],
    source=src(CI, AGENCY_LIMIT),
)
item(
    P,
    "丧葬补助金、抚恤金申领（职工养老）",
    "Funeral grant and survivor pension (employee pension scheme)",
    payout=True,
    types=PEN,
    channels=COUNTER_NET,
    basis=[law(SIF, "第十七条")],
    promised=15,
    trips=1,
    conditions=(
        "参加职工基本养老保险的个人因病或非因工死亡的，其遗属申领。",
        "Survivors of an insured person who died of illness or not from work.",
    ),
    materials=[ID_DECEASED, DEATH_CERT, KINSHIP],
    source=src(CI, AGENCY_LIMIT),
)
item(
    P,
    "城乡居民养老保险丧葬补助金申领",
    "Funeral grant, residents' pension scheme",
    payout=True,
    types=RPEN,
    channels=COUNTER_NET,
    basis=[law("国务院关于建立统一的城乡居民基本养老保险制度的意见（国发〔2014〕8号）")],
    promised=15,
    trips=1,
    conditions=(
        "领取城乡居民养老保险待遇人员死亡，当地设立丧葬补助金的，由遗属申领。",
        "Where the area pays a funeral grant, the survivors of a deceased residents' pensioner claim it.",
    ),
    materials=[ID_DECEASED, DEATH_CERT, KINSHIP],
    source=src(CI + " (居民 variant; grant set locally)", AGENCY_LIMIT),
)
item(
    P,
    "病残津贴申领",
    "Claim for the sickness-disability allowance",
    payout=True,
    types=PEN,
    channels=COUNTER,
    basis=[law(SIF, "第十七条")],
    promised=20,
    trips=1,
    conditions=(
        "参加职工基本养老保险的个人，未达法定退休年龄时因病或非因工致残完全丧失劳动能力的。",
        "An insured person below retirement age who became wholly unable to work through illness or a non-work injury.",
    ),
    materials=[
        ID,
        material(
            "劳动能力鉴定结论（完全丧失劳动能力）",
            "Labour ability appraisal (wholly unable to work)",
            "《中华人民共和国社会保险法》第十七条",
            copies=1,
        ),
    ],
    source=src(CI, AGENCY_LIMIT),
)
item(
    P,
    "养老保险待遇暂停发放",
    "Suspension of pension payments",
    special=True,
    types=["employee_pension", "resident_pension"],
    channels=COUNTER_NET,
    basis=[law(REG, "第二十五条"), law(REG, "第二十六条")],
    promised=5,
    conditions=(
        "待遇领取人员被判处刑罚、失踪、未按规定完成资格认证等，单位、家属报告或经数据比对发现的。",
        "A pensioner is imprisoned, missing or has not been certified; reported by the employer or family, or found by data matching.",
    ),
    materials=[
        material(
            "暂停原因证明（判决书、失踪证明等）",
            "Proof of the reason (court ruling, missing-person record)",
            "《社会保险经办条例》第二十五条",
            copies=1,
            required=False,
        )
    ],
    source=src(CI, AGENCY_LIMIT + "; reports due within 20 days (社会保险经办条例 第二十五条)"),
)
item(
    P,
    "养老保险待遇恢复发放",
    "Resumption of pension payments",
    special=True,
    types=["employee_pension", "resident_pension"],
    channels=COUNTER_NET,
    basis=[law(REG, "第二十五条"), law(REG, "第二十六条")],
    promised=5,
    conditions=(
        "暂停原因消失（如刑满释放、重新完成资格认证）的，本人申请恢复。",
        "When the reason for suspension ends (release, certification done), the pensioner asks to resume.",
    ),
    materials=[
        ID,
        material(
            "恢复条件证明（释放证明等）",
            "Proof that the reason ended (release certificate)",
            "《社会保险经办条例》第二十五条",
            copies=1,
            required=False,
        ),
    ],
    source=src(CI, AGENCY_LIMIT),
)
item(
    P,
    "社会保险待遇领取资格认证",
    "Certification of eligibility to keep drawing benefits",
    types=["employee_pension", "resident_pension", "work_injury", "land_lost_farmer"],
    channels=ALL,
    basis=[law(REG, "第二十六条")],
    conditions=(
        "领取养老、工伤等定期待遇的人员，经信息比对无法确认的，通过手机、自助终端或网点自助认证。",
        "A pensioner or other periodic recipient whom data matching cannot confirm certifies by phone, terminal or at an outlet.",
    ),
    materials=[ID],
    source=src(CI, "instant; " + AGENCY_LIMIT),
    province_wide=True,
    cross_province=True,
)
item(
    P,
    "养老待遇发放账户变更",
    "Change of the account pensions are paid into",
    effect="registry.person_change_payout",
    special=True,
    sign_off=True,
    types=["employee_pension", "resident_pension", "land_lost_farmer"],
    channels=COUNTER,
    basis=[law(REG, "第三十七条"), law("社会保险个人权益记录管理办法（人力资源社会保障部令第14号）")],
    promised=3,
    trips=1,
    conditions=(
        "待遇领取人员变更待遇发放的社会保障卡金融账户，须本人办理。",
        "The pensioner changes the social security card account benefits are paid into, in person.",
    ),
    materials=[ID],
    source=src(CI, AGENCY_LIMIT),
)
item(
    P,
    "城乡居民养老保险注销登记（含个人账户余额退还）",
    "Deregistration from the residents' pension (with refund of the account)",
    payout=True,
    types=RPEN,
    channels=COUNTER_NET,
    basis=[law("国务院关于建立统一的城乡居民基本养老保险制度的意见（国发〔2014〕8号）"), law(REG, "第十条")],
    statutory=10,
    promised=10,
    trips=1,
    conditions=(
        "参保人员死亡、出国（境）定居或已享受其他基本养老保障待遇的，终止关系，个人账户余额退还或依法继承。",
        "On death, emigration or drawing another basic pension the insurance ends and the account is refunded or inherited.",
    ),
    materials=[
        ID_DECEASED,
        material(
            "注销原因证明（死亡证明、定居证明等）",
            "Proof of the reason (death, emigration)",
            "国发〔2014〕8号（待遇领取与注销）",
            original=True,
        ),
    ],
    source=src(CI, "社会保险经办条例 第十条 (10 working days)"),
)
item(
    P,
    "失业保险金申领",
    "Claim for unemployment benefit",
    payout=True,
    types=UNEMP,
    channels=NET_T,
    basis=[law(SIF, "第四十五条"), law(SIF, "第五十条"), law(UNI, "第十四条"), law(REG, "第二十四条")],
    statutory=10,
    promised=5,
    conditions=(
        "失业前用人单位和本人已缴纳失业保险费满一年、非因本人意愿中断就业、已进行失业登记并有求职要求的。",
        "At least one year of contributions, involuntary job loss, registered as unemployed and seeking work.",
    ),
    materials=[ID, TERMINATION],
    source=src(CI, UNEMP_LIMIT),
)
item(
    P,
    "失业保险金停发",
    "Stopping unemployment benefit",
    types=UNEMP,
    channels=NET,
    basis=[law(SIF, "第五十一条"), law(UNI, "第十五条"), law(REG, "第二十五条")],
    conditions=(
        "领取期间重新就业、应征服兵役、移居境外、享受基本养老待遇或无正当理由拒绝介绍工作的，停止领取。",
        "Benefit stops on new work, military service, emigration, drawing a pension or refusing suitable work without reason.",
    ),
    materials=[ID],
    source=src(CI, "instant; " + AGENCY_LIMIT + "; reports due within 20 days (社会保险经办条例 第二十五条)"),
)
item(
    P,
    "失业人员丧葬补助金和抚恤金申领",
    "Funeral grant and survivor pension for an unemployed person",
    payout=True,
    types=UNEMP,
    channels=COUNTER,
    basis=[law(SIF, "第四十九条"), law(UNI, "第二十条")],
    promised=10,
    trips=1,
    conditions=(
        "失业人员在领取失业保险金期间死亡的，其遗属申领；与其他险种同类待遇只能选择一项。",
        "Survivors of someone who died while drawing unemployment benefit; only one such grant across schemes.",
    ),
    materials=[ID_DECEASED, DEATH_CERT, KINSHIP],
    source=src(CI, AGENCY_LIMIT + " (aligned with the 10 working days of 社会保险经办条例 第二十四条)"),
)
item(
    P,
    "职业培训补贴申领",
    "Claim for the vocational training subsidy",
    payout=True,
    types=UNEMP,
    channels=NET,
    basis=[law(UNI, "第十条"), law(REG, "第二十四条")],
    statutory=10,
    promised=10,
    conditions=(
        "领取失业保险金期间参加职业培训并取得职业资格证书或职业技能等级证书的失业人员。",
        "An unemployed person who trained while drawing benefit and gained a vocational qualification.",
    ),
    materials=[
        ID,
        material(
            "职业资格证书或职业技能等级证书",
            "Vocational qualification or skill-level certificate",
            "《失业保险条例》第十条",
            copies=1,
            note=("可联网核验的免于提交", "Not needed when verifiable online"),
        ),
        material("培训费用票据", "Training fee receipt", "《失业保险条例》第十条", original=True),
    ],
    source=src(CI, UNEMP_LIMIT),
)
item(
    P,
    "技能提升补贴申领",
    "Claim for the skill-upgrading subsidy",
    payout=True,
    types=UNEMP,
    channels=NET,
    basis=[
        law(UNI, "第十条"),
        law("关于失业保险支持参保职工提升职业技能有关问题的通知（人社部发〔2017〕40号）"),
    ],
    promised=10,
    conditions=(
        "参加失业保险累计缴费满1年，取得职业资格证书或职业技能等级证书的企业职工，在发证之日起12个月内申请。",
        "An employee with a year of unemployment contributions who gained a certificate applies within 12 months of it.",
    ),
    materials=[
        ID,
        material(
            "职业资格证书或职业技能等级证书",
            "Vocational qualification or skill-level certificate",
            "人社部发〔2017〕40号",
            copies=1,
            note=("可联网核验的免于提交", "Not needed when verifiable online"),
        ),
    ],
    source=src(CI, AGENCY_LIMIT),
    province_wide=True,
)
item(
    P,
    "失业保险稳岗返还",
    "Job-retention refund of unemployment contributions",
    payout=True,
    types=UNEMP,
    channels=NET,
    basis=[law(UNI, "第十条"), law("关于失业保险支持企业稳定岗位有关问题的通知（人社部发〔2014〕76号）")],
    promised=15,
    conditions=(
        "依法参保缴费、裁员率不高于规定标准的企业，按规定返还上年度实际缴纳失业保险费的一定比例；符合条件的免申即享。",
        "A company that paid its contributions and kept layoffs below the threshold gets part of last year's unemployment contributions back; eligible companies get it without applying.",
    ),
    materials=[EMPLOYER_PROOF],
    source=src(CI, AGENCY_LIMIT),
)
item(
    P,
    "代缴失业人员基本医疗保险费",
    "Medical insurance contributions paid for the unemployed",
    types=["unemployment", "employee_medical"],
    channels=COUNTER_NET,
    basis=[law(SIF, "第四十八条")],
    conditions=(
        "领取失业保险金期间的失业人员参加职工基本医疗保险，应缴费用从失业保险基金中支付，随失业保险金申领一并办理。",
        "While someone draws unemployment benefit, the fund pays his or her employee medical contributions; handled with the benefit claim.",
    ),
    materials=[ID],
    source=src(CI, "instant; " + AGENCY_LIMIT),
)
item(
    P,
    "农民合同制工人一次性生活补助申领",
    "Lump-sum living allowance for contract workers from rural areas",
    payout=True,
    types=UNEMP,
    channels=COUNTER,
    basis=[law(UNI, "第二十一条")],
    promised=10,
    trips=1,
    conditions=(
        "单位招用的农民合同制工人连续工作满1年、本单位已缴纳失业保险费，劳动合同期满未续订或提前解除的。",
        "A rural contract worker with a year of continuous work and contributions whose contract ended.",
    ),
    materials=[ID, TERMINATION],
    source=src(CI, AGENCY_LIMIT + " (aligned with the 10 working days of 社会保险经办条例 第二十四条)"),
)
item(
    P,
    "多领、冒领社会保险待遇退还",
    "Repayment of overpaid or wrongly drawn benefits",
    special=True,
    types=["employee_pension", "resident_pension", "unemployment", "work_injury"],
    channels=COUNTER,
    basis=[law(REG, "第四十六条"), law(SIF, "第八十八条")],
    promised=5,
    trips=1,
    conditions=(
        "因死亡未报、重复领取等原因多领的待遇，由本人或继承人一次退还或签订还款计划，也可从后续待遇中抵扣。",
        "Benefits overpaid (unreported death, double drawing) are repaid at once, by a repayment plan, or offset against later benefits.",
    ),
    materials=[
        ID,
        form("待遇退还（还款计划）确认书", "Repayment (plan) confirmation", "《社会保险经办条例》第四十六条"),
    ],
    source=src("facts.md (社会保险经办条例 第四十六条)", AGENCY_LIMIT),
)
item(
    P,
    "基本养老金重新核定",
    "Recalculation of a basic pension",
    payout=True,
    types=PEN,
    channels=COUNTER,
    basis=[law(SIF, "第十六条"), law(REG, "第十八条")],
    statutory=20,
    promised=20,
    trips=1,
    conditions=(
        "退休后补缴、视同缴费年限认定变化或核定有误的，重新核定并补发或冲减待遇。",
        "After back-payment, a change in deemed contribution years or an error, the pension is recalculated and the difference paid or offset.",
    ),
    materials=[
        ID,
        form("基本养老金重新核定申请表", "Pension recalculation application", "《社会保险经办条例》第十八条"),
    ],
    source=src(CI + " (variant)", PEN_LIMIT),
)
item(
    P,
    "养老保险待遇领取证明打印",
    "Certificate of pension received",
    types=["employee_pension", "resident_pension"],
    channels=ALL,
    basis=[law(SIF, "第七十四条"), law(REG, "第三十二条")],
    conditions=(
        "待遇领取人员查询、打印养老金领取记录和证明。",
        "A pensioner looks up and prints the pension record and certificate.",
    ),
    materials=[ID],
    source=src(CI + " (query)", "instant; " + AGENCY_LIMIT),
    province_wide=True,
    fee_basis=FEE_QUERY,
)
item(
    P,
    "失业保险待遇领取记录查询",
    "Unemployment benefit record",
    types=UNEMP,
    channels=ALL,
    basis=[law(SIF, "第七十四条"), law(REG, "第三十二条")],
    conditions=(
        "失业人员查询失业保险金领取期限、已领月数和剩余月数。",
        "An unemployed person looks up the benefit period, months drawn and months left.",
    ),
    materials=[ID],
    source=src(CI + " (query)", "instant; " + AGENCY_LIMIT),
    province_wide=True,
    fee_basis=FEE_QUERY,
)
item(
    P,
    "城乡居民养老保险待遇领取人员死亡待遇停发",
    "Stopping a residents' pension on the pensioner's death",
    types=RPEN,
    channels=ALL,
    basis=[
        law(REG, "第二十五条"),
        law("国务院关于建立统一的城乡居民基本养老保险制度的意见（国发〔2014〕8号）"),
    ],
    conditions=(
        "待遇领取人员死亡的，家属或村（居）协办员在20日内报告，次月起停发。",
        "When a pensioner dies, the family or the village assistant reports it within 20 days; payments stop the next month.",
    ),
    materials=[DEATH_CERT],
    source=src(
        CI + " (停发 variant)",
        "instant; " + AGENCY_LIMIT + "; reports due within 20 days (社会保险经办条例 第二十五条)",
    ),
)


# =============================================================================================
# 受理条件 the platform checks (`conditions` of each item; vocabulary: shebao/catalogue/conditions.py).
# One line per item, by name: codes separated by ";", a parameter after ":". Items not listed check
# nothing beyond their prose conditions (registration items: the applicant has no record yet).
# Sources: 社会保险法 Arts. 16 (pension at statutory retirement age: the lowest, 50, for women
# workers; the exact date by birth date and sex is the reviewer's, under the 2024 retirement-age
# decision in facts.md), 17 (funeral grant and survivors' pension on death), 45 (unemployment
# benefit: contributions, involuntary job loss), 54 and 56 (maternity: the insured employee; 生育
# 津贴 for a woman's maternity leave, the 计划生育 leave is its own item), 41 (先行支付 where the
# employer did not insure: no enrolment asked); 国发〔2014〕8号 (residents' pension: from 16 to
# enrol, not covered by the employees' scheme; paid from 60); 工伤保险条例 Arts. 37–39 (disability
# and death benefits of the insured worker).
# =============================================================================================
PERSON_ALIVE = "person; alive"
CONDITIONS_BY_NAME: dict[str, str] = {
    # 参保征缴
    "单位参保信息变更登记": "employer",
    "单位注销登记": "employer",
    "职工参保登记（人员新参保）": "employer; employer_active",
    "职工增员申报": "employer; employer_active",
    "职工减员申报": "employer",
    "灵活就业人员参保登记": PERSON_ALIVE + "; not_employed",
    "城乡居民基本养老保险参保登记": PERSON_ALIVE
    + "; age_at_least:16; not_enrolled:resident_pension; not_enrolled:employee_pension",
    "城乡居民基本医疗保险参保登记": PERSON_ALIVE
    + "; not_enrolled:resident_medical; not_enrolled:employee_medical",
    "被征地农民养老保障参保登记": PERSON_ALIVE,
    "参保人员非关键信息变更（联系电话、通讯地址等）": "person",
    "参保人员关键信息变更（姓名、公民身份号码、出生日期、性别）": "person",
    "单位缴费基数申报": "employer; employer_active",
    "灵活就业人员缴费基数（档次）申报": PERSON_ALIVE + "; enrolled:employee_pension",
    "城乡居民基本养老保险缴费档次变更": PERSON_ALIVE + "; enrolled:resident_pension",
    "职工停保登记（暂停缴费）": PERSON_ALIVE,
    "职工续保登记（恢复缴费）": PERSON_ALIVE,
    "个人权益记录查询打印（参保证明）": "person",
    "单位缴费查询及缴费证明打印": "employer",
    "企业职工基本养老保险关系转移接续（省内）": PERSON_ALIVE + "; ever_enrolled:employee_pension",
    "企业职工基本养老保险关系转移接续（跨省）": PERSON_ALIVE + "; ever_enrolled:employee_pension",
    "失业保险关系转移接续": PERSON_ALIVE + "; ever_enrolled:unemployment",
    "工伤保险参保登记（单独参加工伤保险）": "employer; employer_active",
    "建筑项目按项目参加工伤保险登记": "employer; employer_active",
    "社会保障卡申领": PERSON_ALIVE,
    "社会保障卡补换": PERSON_ALIVE,
    "社会保障卡挂失": "person",
    "单位社会保险费缴费核定": "employer; employer_active",
    "职工批量增减员申报": "employer; employer_active",
    # 医疗·工伤·生育待遇
    "职工医疗费用手工（零星）报销": "person; ever_enrolled:employee_medical",
    "城乡居民医疗费用手工（零星）报销": "person; ever_enrolled:resident_medical",
    "城乡居民大病保险费用报销": "person; ever_enrolled:resident_medical",
    "异地就医备案（跨省异地长期居住）": PERSON_ALIVE,
    "异地就医备案（跨省临时外出就医）": PERSON_ALIVE,
    "异地就医备案（省内）": PERSON_ALIVE,
    "异地就医备案变更或取消": "person",
    "职工门诊慢特病待遇认定": PERSON_ALIVE + "; enrolled:employee_medical",
    "城乡居民门诊慢特病待遇认定": PERSON_ALIVE + "; enrolled:resident_medical",
    "门诊慢特病定点医疗机构变更": PERSON_ALIVE,
    "职工医保个人账户家庭共济备案": PERSON_ALIVE + "; enrolled:employee_medical",
    "职工医保个人账户余额一次性支取（出国定居或死亡）": "person; deceased_or_moved_out; ever_enrolled:employee_medical",
    "转外就医备案（转诊转院）": PERSON_ALIVE,
    "退休人员基本医疗保险待遇核定（缴费年限核定）": PERSON_ALIVE
    + "; ever_enrolled:employee_medical; age_at_least:50",
    "特殊药品（双通道药品）使用备案": PERSON_ALIVE,
    "生育津贴申领": "person; sex:F; ever_enrolled:maternity",
    "生育医疗费用报销（职工）": "person; sex:F; ever_enrolled:maternity",
    "职工未就业配偶生育医疗费用报销": "person; sex:M; enrolled:maternity",
    "计划生育手术医疗费用报销": "person; ever_enrolled:maternity",
    "计划生育手术休假津贴申领": "person; ever_enrolled:maternity",
    "城乡居民生育医疗费用报销": "person; sex:F; ever_enrolled:resident_medical",
    "生育保险待遇登记（产前检查登记）": PERSON_ALIVE + "; sex:F; enrolled:maternity",
    "劳动能力鉴定申请（初次鉴定）": PERSON_ALIVE + "; ever_enrolled:work_injury",
    "劳动能力再次鉴定和复查鉴定申请": PERSON_ALIVE + "; ever_enrolled:work_injury",
    "工伤医疗费用申领（含住院伙食补助费）": "person; ever_enrolled:work_injury",
    "工伤职工统筹地区以外就医交通食宿费申领": "person; ever_enrolled:work_injury",
    "工伤康复费用申领": PERSON_ALIVE + "; ever_enrolled:work_injury",
    "辅助器具配置费用申领": PERSON_ALIVE + "; ever_enrolled:work_injury",
    "一次性伤残补助金申领": PERSON_ALIVE + "; ever_enrolled:work_injury",
    "伤残津贴申领": PERSON_ALIVE + "; ever_enrolled:work_injury",
    "生活护理费申领": PERSON_ALIVE + "; ever_enrolled:work_injury",
    "一次性工伤医疗补助金申领": PERSON_ALIVE + "; ever_enrolled:work_injury",
    "一次性工亡补助金申领": "person; deceased; ever_enrolled:work_injury",
    "丧葬补助金申领（工亡）": "person; deceased; ever_enrolled:work_injury",
    "供养亲属抚恤金申领": "person; deceased; ever_enrolled:work_injury",
    "工伤保险待遇变更（伤残等级、供养亲属变化）": "person; ever_enrolled:work_injury",
    "工伤保险待遇停发": "person; ever_enrolled:work_injury",
    "工伤职工异地居住就医申请": PERSON_ALIVE + "; ever_enrolled:work_injury",
    "工伤职工转诊转院备案": PERSON_ALIVE + "; ever_enrolled:work_injury",
    "停工留薪期确认和延长": PERSON_ALIVE + "; enrolled:work_injury",
    "工伤复发待遇申请": PERSON_ALIVE + "; ever_enrolled:work_injury",
    "先行支付申请（工伤）": "person",
    "职工医疗保险个人账户查询": "person",
    # 养老·失业待遇
    "职工基本养老保险待遇申领（正常退休）": PERSON_ALIVE
    + "; ever_enrolled:employee_pension; age_at_least:50",
    "职工提前退休（特殊工种、病退）养老待遇申领": PERSON_ALIVE
    + "; ever_enrolled:employee_pension; age_at_least:45",
    "弹性退休申请（提前或延迟领取养老金）": PERSON_ALIVE + "; ever_enrolled:employee_pension",
    "城乡居民基本养老保险待遇申领": PERSON_ALIVE + "; enrolled:resident_pension; age_at_least:60",
    "被征地农民养老保障待遇申领": PERSON_ALIVE + "; ever_enrolled:land_lost_farmer",
    "职工养老保险个人账户一次性待遇申领（死亡或出国定居）": "person; deceased_or_moved_out; ever_enrolled:employee_pension",
    "丧葬补助金、抚恤金申领（职工养老）": "person; deceased; ever_enrolled:employee_pension",
    "城乡居民养老保险丧葬补助金申领": "person; deceased; ever_enrolled:resident_pension",
    "病残津贴申领": PERSON_ALIVE + "; ever_enrolled:employee_pension",
    "养老保险待遇暂停发放": "person",
    "养老保险待遇恢复发放": PERSON_ALIVE,
    "社会保险待遇领取资格认证": PERSON_ALIVE,
    "养老待遇发放账户变更": PERSON_ALIVE,
    "城乡居民养老保险注销登记（含个人账户余额退还）": "person; ever_enrolled:resident_pension",
    "失业保险金申领": PERSON_ALIVE + "; not_employed; ever_enrolled:unemployment",
    "失业保险金停发": "person",
    "失业人员丧葬补助金和抚恤金申领": "person; deceased; ever_enrolled:unemployment",
    "职业培训补贴申领": PERSON_ALIVE + "; ever_enrolled:unemployment",
    "技能提升补贴申领": PERSON_ALIVE + "; enrolled:unemployment",
    "失业保险稳岗返还": "employer; employer_active",
    "代缴失业人员基本医疗保险费": PERSON_ALIVE + "; not_employed",
    "农民合同制工人一次性生活补助申领": PERSON_ALIVE + "; not_employed; ever_enrolled:unemployment",
    "基本养老金重新核定": PERSON_ALIVE + "; ever_enrolled:employee_pension",
    "养老保险待遇领取证明打印": "person",
    "失业保险待遇领取记录查询": "person",
    "城乡居民养老保险待遇领取人员死亡待遇停发": "person",
}
YEARS_PARAM = {"age_at_least", "age_at_most"}
PARAM_NAME = {
    "enrolled": "insurance_type",
    "ever_enrolled": "insurance_type",
    "not_enrolled": "insurance_type",
    "sex": "sex",
}


def parse_conditions(text: str) -> list[dict[str, Any]]:
    found = []
    for part in (p.strip() for p in text.split(";")):
        code, _sep, value = (s.strip() for s in part.partition(":"))
        if code in YEARS_PARAM:
            found.append({"code": code, "params": {"years": int(value)}})
        elif code in PARAM_NAME:
            found.append({"code": code, "params": {PARAM_NAME[code]: value}})
        else:
            found.append({"code": code, "params": {}})
    return found


def add_conditions() -> None:
    names = {i["name_zh"] for i in ITEMS}
    unknown = sorted(set(CONDITIONS_BY_NAME) - names)
    assert not unknown, f"conditions for items that do not exist: {unknown}"
    for i in ITEMS:
        text = CONDITIONS_BY_NAME.get(i["name_zh"])
        i["conditions"] = parse_conditions(text) if text else []


add_conditions()


def main() -> None:
    counts = {z: sum(1 for i in ITEMS if i["zone"] == z) for z in ZONE_PREFIX}
    document = {
        "title": "示范省社会保险服务事项清单（演示版）",
        "title_en": "Demo Province social insurance service catalogue (demo)",
        "about": (
            "Demo catalogue generated by build_demo_catalogue.py. Codes SB-CJ-nnn (参保征缴), "
            "SB-DY-nnn (医疗·工伤·生育待遇), SB-YS-nnn (养老·失业待遇). Item names from "
            "domain/catalogue-items.md and the model office (seed 004); limits from domain/facts.md."
        ),
        "counts": counts,
        "items": ITEMS,
    }
    OUT.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(ITEMS)} items {counts} -> {OUT}")


if __name__ == "__main__":
    main()
