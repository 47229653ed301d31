"""Acceptance conditions (受理条件) as catalogue data: the vocabulary, the publication rule, and the
canonical item form (snapshot, copy, diff, .xlsx, API, service guide) carrying them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils.translation import override

from shebao.catalogue import conditions as acceptance
from shebao.catalogue.models import ServiceItem
from shebao.catalogue.rules import Rule, item_violations, known_post_codes
from shebao.catalogue.selectors import edition_diff
from shebao.catalogue.services import edition_create_draft, edition_publish, item_delete, item_save
from shebao.catalogue.snapshot import edition_snapshot, item_snapshot
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.catalogue.xlsx import edition_export_xlsx, edition_import_xlsx
from shebao.core.errors import ApplicationError

TODAY = dt.date(2026, 6, 1)
NAMES = {"employee_pension": "职工基本养老保险", "unemployment": "失业保险"}


def person(**facts: object) -> acceptance.Facts:
    base: dict[str, object] = {
        "on": TODAY,
        "kind": acceptance.PERSON,
        "name": "张三",
        "birth_date": dt.date(1966, 6, 2),  # 59 on TODAY, 60 the next day
        "sex": "M",
    }
    return acceptance.Facts(**{**base, **facts})  # type: ignore[arg-type]


def employer(**facts: object) -> acceptance.Facts:
    base: dict[str, object] = {
        "on": TODAY,
        "kind": acceptance.EMPLOYER,
        "name": "某某有限公司",
        "employer_active": True,
    }
    return acceptance.Facts(**{**base, **facts})  # type: ignore[arg-type]


def check(code: str, facts: acceptance.Facts, **params: object) -> acceptance.Result:
    with override("zh-hans"):
        [result] = acceptance.evaluate(
            [{"code": code, "params": params}], facts, item_name="测试事项", names=NAMES
        )
    return result


# --- the vocabulary: each condition true and false ---------------------------------------------------


def test_person_and_employer() -> None:
    assert check("person", person()).ok and not check("person", employer()).ok
    assert check("employer", employer()).ok and not check("employer", person()).ok
    assert "须由个人申请" in check("person", employer()).reason


def test_alive_and_deceased_name_the_fact() -> None:
    dead = person(deceased=True, died_on=dt.date(2025, 3, 1))
    assert check("alive", person()).ok and check("deceased", dead).ok
    refused = check("alive", dead)
    assert not refused.ok and refused.label == "申请人须在世"
    assert refused.reason == "申请人 张三 已登记死亡（2025-03-01），不能办理“测试事项”。"
    assert not check("deceased", person()).ok
    moved = person(moved_out=True, moved_on=dt.date(2025, 1, 1))
    assert check("deceased_or_moved_out", dead).ok and check("deceased_or_moved_out", moved).ok
    assert not check("deceased_or_moved_out", person()).ok


def test_enrolments() -> None:
    insured = person(
        open_types=frozenset({"employee_pension"}), ever_types=frozenset({"employee_pension", "unemployment"})
    )
    assert check("enrolled", insured, insurance_type="employee_pension").ok
    refused = check("enrolled", insured, insurance_type="unemployment")
    assert not refused.ok and "失业保险" in refused.reason and refused.label == "须正在参加失业保险"
    assert check("ever_enrolled", insured, insurance_type="unemployment").ok
    assert not check("ever_enrolled", person(), insurance_type="unemployment").ok
    assert check("not_enrolled", insured, insurance_type="unemployment").ok
    assert not check("not_enrolled", insured, insurance_type="employee_pension").ok


def test_not_employed_names_the_employer() -> None:
    assert check("not_employed", person()).ok
    refused = check("not_employed", person(employers=("某某有限公司",)))
    assert not refused.ok and "某某有限公司" in refused.reason


def test_age_counts_whole_years_on_the_day() -> None:
    assert not check("age_at_least", person(), years=60).ok  # 59 until the birthday
    assert check("age_at_least", person(on=dt.date(2026, 6, 2)), years=60).ok
    assert "59" in check("age_at_least", person(), years=60).reason
    assert check("age_at_most", person(), years=59).ok and not check("age_at_most", person(), years=58).ok


def test_sex_and_employer_active() -> None:
    assert check("sex", person(sex="F"), sex="F").ok and not check("sex", person(), sex="F").ok
    assert check("employer_active", employer()).ok
    refused = check(
        "employer_active",
        employer(employer_active=False, employer_status="已注销", employer_status_date=TODAY),
    )
    assert not refused.ok and "已注销" in refused.reason and "2026-06-01" in refused.reason
    # a person's condition for an employer (and the other way round) fails with who applies
    assert not check("alive", employer()).ok and not check("employer_active", person()).ok


def test_no_record_fails_every_condition_that_reads_one() -> None:
    assert not check("alive", acceptance.Facts(on=TODAY)).ok


def test_labels_in_english_and_the_text_form_round_trips() -> None:
    conditions = [
        {"code": "person", "params": {}},
        {"code": "ever_enrolled", "params": {"insurance_type": "employee_pension"}},
        {"code": "age_at_least", "params": {"years": 50}},
        {"code": "sex", "params": {"sex": "F"}},
    ]
    with override("en"):
        assert acceptance.labels(conditions, {"employee_pension": "Employees' pension"}) == [
            "The applicant is a person",
            "Must be or have been enrolled in Employees' pension",
            "Aged at least 50",
            "Only for female applicants",
        ]
    text = acceptance.to_text(conditions)
    assert text == "person; ever_enrolled:employee_pension; age_at_least:50; sex:F"
    assert acceptance.from_text(text.replace("; ", "；\n")) == conditions


def test_problems_name_unknown_codes_bad_parameters_and_contradictions() -> None:
    types = {"employee_pension"}
    assert acceptance.problems([{"code": "alive", "params": {}}], type_codes=types) == []
    with override("en"):
        found = acceptance.problems(
            [
                {"code": "breathing", "params": {}},
                {"code": "enrolled", "params": {"insurance_type": "space_insurance"}},
                {"code": "age_at_least", "params": {"years": "sixty"}},
                {"code": "sex", "params": {"sex": "X"}},
                {"code": "alive", "params": {"value": "yes"}},
                {"code": "deceased", "params": {}},
            ],
            type_codes=types,
        )
    text = " | ".join(found)
    assert len(found) == 6, found
    for fragment in ("breathing", "space_insurance", "120", "M or F", "value", "'alive' and 'deceased'"):
        assert fragment in text


# --- the publication rule and the canonical form -----------------------------------------------------


@pytest.mark.django_db
def test_publication_refuses_unknown_codes_and_bad_parameters() -> None:
    bad = item_data(
        conditions=[{"code": "breathing", "params": {}}, {"code": "age_at_least", "params": {"years": -1}}]
    )
    assert [v.rule for v in item_violations(bad, post_codes=known_post_codes())].count(Rule.CONDITIONS) == 2
    good = item_data(conditions=[{"code": "person", "params": {}}])
    assert Rule.CONDITIONS not in {v.rule for v in item_violations(good, post_codes=known_post_codes())}
    draft = edition_create_draft(by=None, title="受理条件")
    item_save(edition=draft, data=bad, by=None)
    with pytest.raises(ApplicationError) as err:
        edition_publish(edition=draft, by=None)
    assert any("breathing" in str(d) for d in err.value.details)


@pytest.mark.django_db
def test_snapshot_copy_and_diff_carry_the_conditions() -> None:
    pension = special_item_data(
        conditions=[
            {"code": "alive", "params": {}},
            {"code": "ever_enrolled", "params": {"insurance_type": "unemployment"}},
        ]
    )
    first = make_published_edition([item_data(), pension])
    saved = ServiceItem.objects.get(edition=first, code="SB-S-001")
    assert item_snapshot(saved)["conditions"] == pension["conditions"]
    draft = edition_create_draft(by=None, title="第二版")  # a copy of the published edition
    assert edition_snapshot(draft)["SB-S-001"]["conditions"] == pension["conditions"]
    item_save(edition=draft, data={**pension, "conditions": [{"code": "alive", "params": {}}]}, by=None)
    second = edition_publish(edition=draft, by=None)
    [change] = edition_diff(old=first, new=second).changed
    assert [f.field for f in change.fields] == ["conditions"]


@pytest.mark.django_db
def test_xlsx_round_trip_keeps_the_conditions_and_refuses_bad_ones() -> None:
    pension = special_item_data(
        conditions=[
            {"code": "person", "params": {}},
            {"code": "ever_enrolled", "params": {"insurance_type": "unemployment"}},
            {"code": "age_at_least", "params": {"years": 45}},
        ]
    )
    published = make_published_edition([item_data(), pension])
    content = edition_export_xlsx(edition=published)
    draft = edition_create_draft(by=None, title="导入")
    for code in list(draft.items.values_list("code", flat=True)):
        item_delete(edition=draft, code=code, by=None)
    edition_import_xlsx(edition=draft, file=content, by=None)
    assert edition_snapshot(draft)["SB-S-001"]["conditions"] == pension["conditions"]

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    sheet = wb["items"]
    column = [c.value for c in sheet[1]].index("conditions") + 1
    sheet.cell(row=2, column=column, value="alive; age_at_least:old")
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ApplicationError) as err:
        edition_import_xlsx(edition=draft, file=out.getvalue(), by=None)
    assert any("age_at_least" in str(d) for d in err.value.details)


@pytest.mark.django_db
def test_api_and_guide_show_the_conditions_in_words(client) -> None:
    make_published_edition([item_data(), special_item_data(conditions=[{"code": "alive", "params": {}}])])
    body = client.get("/api/v1/catalogue/items/SB-S-001/").json()
    assert body["conditions"] == [{"code": "alive", "params": {}, "label": "申请人须在世"}]
    assert client.get("/api/v1/catalogue/items/SB-G-001/").json()["conditions"] == []
    page = client.get("/items/SB-S-001/").content.decode()
    assert "申请人须在世" in page


@pytest.mark.django_db
def test_the_item_editor_writes_the_conditions_and_refuses_unknown_codes(client) -> None:
    from django.urls import reverse

    from shebao.catalogue.tests.test_manage_pages import item_post
    from shebao.core.permissions import PostCode
    from shebao.core.tests.factories import make_region_tree, make_staff

    admin = make_staff("admin1", region=make_region_tree()["province"], posts=[PostCode.ADMIN])
    make_published_edition(by=admin)
    draft = edition_create_draft(by=admin, title="受理条件")
    client.force_login(admin)
    url = reverse("catalogue:manage_item", args=[draft.number, "SB-G-001"])
    refused = client.post(url, {**item_post(item_data()), "conditions": "person; breathing"})
    assert refused.status_code == 400 and "breathing" in refused.content.decode()
    saved = client.post(
        url, {**item_post(item_data()), "conditions": "person；ever_enrolled:employee_pension"}
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert edition_snapshot(draft)["SB-G-001"]["conditions"] == [
        {"code": "person", "params": {}},
        {"code": "ever_enrolled", "params": {"insurance_type": "employee_pension"}},
    ]
    page = client.get(url).content.decode()
    assert "person; ever_enrolled:employee_pension" in page
