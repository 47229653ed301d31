"""Registry pages through the test client: search, a person on one screen, an employer, region bounds,
masking and the audited reveal of a full ID number, history "as of" a date. State is built through
the real registry services."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from stdnum.cn import ric, uscc

from shebao.audit.models import AuditEvent
from shebao.catalogue.models import InsuranceType
from shebao.core.masking import mask_id_number, mask_phone
from shebao.core.models import Post
from shebao.core.permissions import Perm, PostCode
from shebao.core.tests.factories import make_region_tree, make_staff
from shebao.registry import services
from shebao.registry.models import Enrolment, Person

pytestmark = pytest.mark.django_db

REVEAL = "registry.full_id_viewed"


def id_number(birth: str, seq: str, prefix: str = "110105") -> str:
    """A valid 18-character ID number: region prefix, birth date YYYYMMDD, 3-digit sequence, check digit."""
    body = prefix + birth + seq
    return body + ric.calc_check_digit(body + "0")


def credit_code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


WANG_ID = id_number("19850312", "002")  # female (even 17th digit)
LI_ID = id_number("19900101", "011")
ZHAO_ID = id_number("19770707", "031")
OLD_PHONE = "13812345678"
NEW_PHONE = "13987654321"


def person_data(id_no: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "id_number": id_no,
        "name": name,
        "phone": OLD_PHONE,
        "address": "测试路1号",
        "household_type": "urban",
        "bank_name": "工商银行",
        "bank_account": "6222020200112233445",
        **extra,
    }


def employer_data(code: str, name: str) -> dict[str, Any]:
    return {
        "credit_code": code,
        "name": name,
        "employer_type": "enterprise",
        "industry": "软件和信息技术服务业",
        "injury_risk_class": 1,
        "legal_representative": "周法人",
        "contact_name": "吴联系",
        "contact_phone": "0551-12345678",
        "address": "测试大道8号",
    }


@pytest.fixture
def regions():
    return make_region_tree()


@pytest.fixture
def admin(regions):
    """Province office administrator: REGISTRY_VIEW and REGISTRY_BULK, but not REGISTRY_FULL_ID."""
    return make_staff("admin1", region=regions["province"], posts=[PostCode.ADMIN])


@pytest.fixture
def teller_a1(regions):
    """A special-window teller of county A1: may find, read and reveal."""
    return make_staff("teller_a1", region=regions["county_a1"], posts=[PostCode.SPECIAL_TELLER])


@pytest.fixture
def teller_b1(regions):
    return make_staff("teller_b1", region=regions["county_b1"], posts=[PostCode.SPECIAL_TELLER])


@pytest.fixture
def general_teller(regions):
    return make_staff("general_a1", region=regions["county_a1"], posts=[PostCode.GENERAL_TELLER])


@pytest.fixture
def bank_agent(regions):
    # A bank-outlet agent has no registry post: the registry pages are not theirs.
    return make_staff("bank_a1", region=regions["county_a1"], posts=[PostCode.BANK_AGENT])


@pytest.fixture
def viewer_a1(regions):
    """May read the registry but not reveal full ID numbers."""
    post = Post.objects.create(
        code="registry_viewer", name_zh="查询员", name_en="Registry viewer", permissions=[Perm.REGISTRY_VIEW]
    )
    return make_staff("viewer_a1", region=regions["county_a1"], posts=[post.code])


@pytest.fixture
def province_reader(regions):
    """A province-office reviewer: sees every county."""
    return make_staff("reviewer_p", region=regions["province"], posts=[PostCode.REVIEWER])


@pytest.fixture
def world(regions, admin):
    """County A1: 王芳 (employee of 合肥科技, five types) and 李强 (resident); county B1: 赵军."""
    employer = services.employer_register(
        data=employer_data(credit_code("91990101MA0000001"), "合肥科技有限公司"),
        region=regions["county_a1"],
        by=admin,
    )
    wang = services.person_register(data=person_data(WANG_ID, "王芳"), region=regions["county_a1"], by=admin)
    services.staff_increase(employer=employer, person=wang, start_date=dt.date(2020, 1, 1), by=admin)
    li = services.person_register(
        data=person_data(LI_ID, "李强", household_type="rural"), region=regions["town_a1"], by=admin
    )
    services.enrolment_create(
        person=li,
        insurance_type=InsuranceType.objects.get(code="resident_medical"),
        start_date=dt.date(2021, 1, 1),
        by=admin,
    )
    zhao = services.person_register(data=person_data(ZHAO_ID, "赵军"), region=regions["county_b1"], by=admin)
    other_employer = services.employer_register(
        data=employer_data(credit_code("91990201MA0000002"), "乙市制造有限公司"),
        region=regions["county_b1"],
        by=admin,
    )
    return {"employer": employer, "other_employer": other_employer, "wang": wang, "li": li, "zhao": zhao}


def _without_tokens(page: str) -> str:
    return re.sub(r'(CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', "", page)


def _search(client, q: str):
    return client.post(reverse("registry:search"), {"q": q})


# --- the "done when" ----------------------------------------------------------------------


def test_county_teller_finds_person_by_id_number_and_sees_every_type_on_one_page(client, world, teller_a1):
    client.force_login(teller_a1)
    response = _search(client, WANG_ID)
    page = response.content.decode()
    assert response.status_code == 200
    person_url = reverse("registry:person", args=[world["wang"].pk])
    assert person_url in page and "王芳" in page
    assert mask_id_number(WANG_ID) in page and WANG_ID not in page

    response = client.get(person_url)
    page = response.content.decode()
    assert response.status_code == 200
    for insurance_type in InsuranceType.objects.all():  # all eight types, enrolled or not
        assert insurance_type.name_zh in page
    enrolled = Enrolment.objects.filter(person=world["wang"]).count()
    assert enrolled >= 3
    assert page.count("未参保") == InsuranceType.objects.count() - enrolled
    assert "合肥科技有限公司" in page and reverse("registry:employer", args=[world["employer"].pk]) in page
    assert "1985-03-12" in page and mask_id_number(WANG_ID) in page and WANG_ID not in page
    assert mask_phone(OLD_PHONE) in page and OLD_PHONE not in page
    assert "6222020200112233445" not in page


def test_teller_of_another_county_gets_not_found_and_search_does_not_list(client, world, teller_a1):
    client.force_login(teller_a1)
    zhao_url = reverse("registry:person", args=[world["zhao"].pk])
    response = client.get(zhao_url)
    assert response.status_code == 404
    page = response.content.decode()
    assert "赵军" not in page
    # Same answer as for a record that does not exist: the page does not tell them apart.
    missing_url = reverse("registry:person", args=[999999])
    missing = client.get(missing_url)
    assert missing.status_code == 404
    assert _without_tokens(missing.content.decode().replace(missing_url, "")) == _without_tokens(
        page.replace(zhao_url, "")
    )
    assert client.get(reverse("registry:employer", args=[world["other_employer"].pk])).status_code == 404

    page = _search(client, ZHAO_ID).content.decode()
    assert "赵军" not in page and zhao_url not in page
    page = _search(client, "赵军").content.decode()
    assert zhao_url not in page
    page = _search(client, world["other_employer"].credit_code).content.decode()
    assert "乙市制造有限公司" not in page


def test_province_user_sees_both_counties(client, world, province_reader):
    client.force_login(province_reader)
    for person in (world["wang"], world["zhao"], world["li"]):
        assert client.get(reverse("registry:person", args=[person.pk])).status_code == 200
    for employer in (world["employer"], world["other_employer"]):
        assert client.get(reverse("registry:employer", args=[employer.pk])).status_code == 200
    page = _search(client, ZHAO_ID).content.decode()
    assert reverse("registry:person", args=[world["zhao"].pk]) in page
    assert ZHAO_ID not in page


def test_township_record_is_seen_by_its_county(client, world, teller_a1, teller_b1):
    li_url = reverse("registry:person", args=[world["li"].pk])
    client.force_login(teller_a1)
    assert client.get(li_url).status_code == 200
    client.force_login(teller_b1)
    assert client.get(li_url).status_code == 404


# --- access ---------------------------------------------------------------------------------------


def test_anonymous_users_go_to_sign_in(client, world):
    for url in (
        reverse("registry:search"),
        reverse("registry:person", args=[world["wang"].pk]),
        reverse("registry:employer", args=[world["employer"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("core:login") in response["Location"]
    response = client.post(reverse("registry:person_full_id", args=[world["wang"].pk]))
    assert response.status_code == 302 and reverse("core:login") in response["Location"]
    assert not AuditEvent.objects.filter(action=REVEAL).exists()


def test_general_teller_finds_people_but_sees_masked_ids(client, world, general_teller):
    client.force_login(general_teller)
    page = client.get(reverse("registry:person", args=[world["wang"].pk]))
    assert page.status_code == 200
    assert world["wang"].id_number not in page.content.decode()


def test_without_registry_view_pages_are_forbidden(client, world, bank_agent):
    client.force_login(bank_agent)
    assert client.get(reverse("registry:search")).status_code == 403
    assert client.get(reverse("registry:person", args=[world["wang"].pk])).status_code == 403


def test_desk_links_to_the_registry(client, teller_a1, bank_agent):
    client.force_login(teller_a1)
    assert reverse("registry:search") in client.get(reverse("core:home")).content.decode()
    client.force_login(bank_agent)
    assert reverse("registry:search") not in client.get(reverse("core:home")).content.decode()


# --- masking and the audited reveal ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["teller_a1", "viewer_a1", "admin", "province_reader"])
def test_full_id_never_appears_on_search_person_or_employer_pages(client, world, who, request):
    client.force_login(request.getfixturevalue(who))
    pages = [
        _search(client, WANG_ID),
        _search(client, "王芳"),
        _search(client, world["employer"].credit_code),
        client.get(reverse("registry:person", args=[world["wang"].pk])),
        client.get(reverse("registry:person", args=[world["wang"].pk]), {"on": "2024-06-01"}),
        client.get(reverse("registry:employer", args=[world["employer"].pk])),
        client.get(reverse("registry:employer", args=[world["employer"].pk]), {"on": "2024-06-01"}),
    ]
    for i, response in enumerate(pages):
        assert response.status_code == 200
        page = response.content.decode()
        assert WANG_ID not in page
        if i != 2:  # the credit-code search lists the employer only
            assert mask_id_number(WANG_ID) in page
    # The credit code is public business data: shown in full.
    assert world["employer"].credit_code in pages[-1].content.decode()


def test_reveal_shows_full_number_once_and_audits_each_reveal(client, world, teller_a1):
    client.force_login(teller_a1)
    url = reverse("registry:person_full_id", args=[world["wang"].pk])
    assert (
        reverse("registry:person_full_id", args=[world["wang"].pk])
        in client.get(reverse("registry:person", args=[world["wang"].pk])).content.decode()
    )

    response = client.post(url)
    assert response.status_code == 200
    assert WANG_ID in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    events = list(AuditEvent.objects.filter(action=REVEAL))
    assert len(events) == 1
    event = events[0]
    assert event.actor == teller_a1
    assert event.subject_type == "registry.person" and event.subject_id == str(world["wang"].pk)
    assert event.region_code == world["wang"].region.code

    # Shown once: the next ordinary view is masked again.
    assert WANG_ID not in client.get(reverse("registry:person", args=[world["wang"].pk])).content.decode()
    # A second reveal is a second event; the htmx fragment is audited the same way.
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200 and WANG_ID in response.content.decode()
    assert "<html" not in response.content.decode()
    assert AuditEvent.objects.filter(action=REVEAL).count() == 2
    assert WANG_ID not in url


def test_reveal_refused_without_the_post(client, world, general_teller, viewer_a1, admin):
    url = reverse("registry:person_full_id", args=[world["wang"].pk])
    for user in (general_teller, viewer_a1, admin):
        client.force_login(user)
        response = client.post(url)
        assert response.status_code == 403
        assert WANG_ID not in response.content.decode()
    assert not AuditEvent.objects.filter(action=REVEAL).exists()


def test_reveal_needs_post_and_the_region(client, world, teller_a1, teller_b1):
    url = reverse("registry:person_full_id", args=[world["wang"].pk])
    client.force_login(teller_a1)
    assert client.get(url).status_code == 405
    client.force_login(teller_b1)
    response = client.post(url)
    assert response.status_code == 404 and WANG_ID not in response.content.decode()
    assert not AuditEvent.objects.filter(action=REVEAL).exists()


def test_viewer_without_reveal_post_sees_no_reveal_button(client, world, viewer_a1):
    client.force_login(viewer_a1)
    page = client.get(reverse("registry:person", args=[world["wang"].pk])).content.decode()
    assert reverse("registry:person_full_id", args=[world["wang"].pk]) not in page


# --- history and as-of ----------------------------------------------------------------------------


def test_as_of_date_shows_the_old_phone_after_a_change(client, world, teller_a1, admin):
    wang = Person.objects.get(pk=world["wang"].pk)
    services.person_change(person=wang, data={"phone": NEW_PHONE}, by=admin, case_ref="BJ-2025-0001")
    client.force_login(teller_a1)
    url = reverse("registry:person", args=[wang.pk])

    page = client.get(url).content.decode()
    assert mask_phone(NEW_PHONE) in page  # today's record
    assert "BJ-2025-0001" in page  # the change, with its case, in the history
    assert mask_phone(OLD_PHONE) in page  # old → new in the history
    assert OLD_PHONE not in page and NEW_PHONE not in page

    yesterday = wang.changes.order_by("changed_at").first().changed_at.date() - dt.timedelta(days=1)  # type: ignore[union-attr]
    page = client.get(url, {"on": yesterday.isoformat()}).content.decode()
    assert "as-of-facts" not in page  # no record yet on that day

    # Move the change into the past so a date between registration and change can be asked for.
    first, change = list(wang.changes.order_by("changed_at", "id"))[:2]
    type(first).objects.filter(pk=first.pk).update(changed_at=first.changed_at - dt.timedelta(days=30))
    type(change).objects.filter(pk=change.pk).update(changed_at=change.changed_at - dt.timedelta(days=1))
    between = (change.changed_at - dt.timedelta(days=10)).date()
    page = client.get(url, {"on": between.isoformat()}).content.decode()
    as_of = page.split('id="as-of"', 1)[1]
    assert mask_phone(OLD_PHONE) in as_of and mask_phone(NEW_PHONE) not in as_of
    assert WANG_ID not in page


def test_bad_as_of_date_is_an_error_not_a_crash(client, world, teller_a1):
    client.force_login(teller_a1)
    response = client.get(reverse("registry:person", args=[world["wang"].pk]), {"on": "2025-13-40"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


# --- employer page --------------------------------------------------------------------------------


def test_employer_page_lists_staff_with_masked_ids_and_counts(client, world, teller_a1):
    client.force_login(teller_a1)
    page = client.get(reverse("registry:employer", args=[world["employer"].pk])).content.decode()
    assert "合肥科技有限公司" in page and world["employer"].credit_code in page
    assert reverse("registry:person", args=[world["wang"].pk]) in page
    assert mask_id_number(WANG_ID) in page and WANG_ID not in page
    assert "职工养老保险" in page
    # Bulk upload is for posts with REGISTRY_BULK only.
    assert reverse("registry:employer_staff_changes", args=[world["employer"].pk]) not in page


def _csv(rows: list[str]) -> SimpleUploadedFile:
    text = "action,id_number,name,date,household_type\n" + "\n".join(rows) + "\n"
    return SimpleUploadedFile("staff.csv", text.encode("utf-8"), content_type="text/csv")


def test_bulk_upload_lists_every_bad_row_and_applies_a_good_file(
    client, world, admin, teller_a1, settings, tmp_path, django_capture_on_commit_callbacks
):
    from shebao.registry.models import JobStatus, StaffChangesJob

    settings.SHEBAO_UPLOAD_ROOT = tmp_path / "uploads"
    url = reverse("registry:employer_staff_changes", args=[world["employer"].pk])
    client.force_login(teller_a1)
    assert client.post(url, {"file": _csv([])}).status_code == 403

    client.force_login(admin)
    page = client.get(reverse("registry:employer", args=[world["employer"].pk])).content.decode()
    assert url in page
    new_id = id_number("19950505", "051")
    bad = _csv(
        [
            f"增员,{new_id},孙丽,2025-02-01,城镇",
            "增员,110105199505050511,钱多,2025-02-01,城镇",  # wrong check digit
            f"减员,{new_id},孙丽,not-a-date,",
        ]
    )
    # The file becomes a job (run at once here: no broker); its page tells the outcome.
    with django_capture_on_commit_callbacks(execute=True):  # the task is queued when the upload commits
        response = client.post(url, {"file": bad})
    assert response.status_code == 302
    job = StaffChangesJob.objects.get()
    job.refresh_from_db()
    assert response["Location"] == reverse("registry:staff_changes_job", args=[world["employer"].pk, job.pk])
    assert job.status == JobStatus.FAILED and job.path == ""
    assert not list((tmp_path / "uploads" / "staff-changes").iterdir())  # the stored file is gone
    page = client.get(response["Location"]).content.decode()
    problems = page.split('class="problems"', 1)[1].split("</div>", 1)[0]
    assert "没有写入任何数据" in problems
    assert "第 3 行" in problems and "第 4 行" in problems and "第 2 行：" not in problems
    assert problems.count("<li>") == 4  # every reason of every bad row
    assert "hx-trigger" not in page  # finished: the page stops refreshing
    assert not Person.objects.filter(id_number=new_id).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": _csv([f"增员,{new_id},孙丽,2025-02-01,城镇"])})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "增员 1 人" in page and "新登记 1 人" in page  # the counts when done
    assert Person.objects.filter(id_number=new_id).exists()
    employer_page = client.get(reverse("registry:employer", args=[world["employer"].pk])).content.decode()
    assert "孙丽" in employer_page and new_id not in employer_page
    assert employer_page.count("staff.csv") == 2  # both files listed with their outcome


def test_a_queued_job_page_refreshes_itself_until_the_worker_has_run_it(
    client, world, admin, teller_a1, settings, tmp_path, django_capture_on_commit_callbacks
):
    from unittest import mock

    from shebao.registry.bulk_jobs import staff_changes_job_run
    from shebao.registry.models import JobStatus, StaffChangesJob

    settings.SHEBAO_UPLOAD_ROOT = tmp_path / "uploads"
    client.force_login(admin)
    with (
        mock.patch("shebao.registry.bulk_jobs._enqueue") as enqueue,  # as with a broker: a worker runs it
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("registry:employer_staff_changes", args=[world["employer"].pk]),
            {"file": _csv([f"增员,{id_number('19950505', '071')},周新,2025-02-01,城镇"])},
        )
    job = StaffChangesJob.objects.get()
    assert response.status_code == 302 and enqueue.call_args.args == (job.pk,)
    assert job.status == JobStatus.QUEUED and (tmp_path / "uploads" / "staff-changes" / job.path).exists()
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "排队中" in page
    fragment = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment
    assert staff_changes_job_run(job.pk).status == JobStatus.DONE  # what the worker does
    assert "增员 1 人" in client.get(response["Location"]).content.decode()
    assert staff_changes_job_run(job.pk).status == JobStatus.DONE  # a second delivery changes nothing
    other = reverse("registry:staff_changes_job", args=[world["other_employer"].pk, job.pk])
    assert client.get(other).status_code == 404  # a job is read under its own employer only
    client.force_login(teller_a1)
    assert client.get(response["Location"]).status_code == 403


def test_a_job_stopped_by_an_unexpected_error_ends_refused_with_nothing_written(
    client, world, admin, settings, tmp_path, django_capture_on_commit_callbacks
):
    from unittest import mock

    from shebao.registry.models import JobStatus, StaffChangesJob

    settings.SHEBAO_UPLOAD_ROOT = tmp_path / "uploads"
    client.force_login(admin)
    new_id = id_number("19950505", "091")
    with (
        mock.patch("shebao.registry.bulk.staff_changes_import", side_effect=RuntimeError("database gone")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("registry:employer_staff_changes", args=[world["employer"].pk]),
            {"file": _csv([f"增员,{new_id},吴新,2025-02-01,城镇"])},
        )
    job = StaffChangesJob.objects.get()
    assert job.status == JobStatus.FAILED and job.finished_at is not None and job.path == ""
    assert not list((tmp_path / "uploads" / "staff-changes").iterdir())
    page = client.get(response["Location"]).content.decode()
    assert "任务因意外错误中止，未写入任何数据" in page and "hx-trigger" not in page
    assert not Person.objects.filter(id_number=new_id).exists()


def test_bulk_upload_refuses_other_file_types(client, world, admin):
    pytest.importorskip("shebao.registry.bulk")
    client.force_login(admin)
    url = reverse("registry:employer_staff_changes", args=[world["employer"].pk])
    response = client.post(url, {"file": SimpleUploadedFile("staff.txt", b"x")})
    assert response.status_code == 400
    assert ".xlsx" in response.content.decode()


# --- query counts ---------------------------------------------------------------------------------


def _more_staff(world, admin, regions, n: int) -> None:
    for i in range(n):
        person = services.person_register(
            data=person_data(id_number("19800101", f"{100 + i:03d}"), f"员工{i}"),
            region=regions["county_a1"],
            by=admin,
        )
        services.staff_increase(
            employer=world["employer"], person=person, start_date=dt.date(2022, 1, 1), by=admin
        )


def test_query_counts_are_bounded(client, world, admin, regions, teller_a1, django_assert_max_num_queries):
    client.force_login(teller_a1)
    search_url = reverse("registry:search")
    person_url = reverse("registry:person", args=[world["wang"].pk])
    employer_url = reverse("registry:employer", args=[world["employer"].pk])
    with django_assert_max_num_queries(12):
        client.post(search_url, {"q": "员工"})
    with django_assert_max_num_queries(15):
        client.get(person_url, {"on": "2024-01-01"})
    with django_assert_max_num_queries(13):
        client.get(employer_url, {"on": "2024-01-01"})
    _more_staff(world, admin, regions, 12)
    with django_assert_max_num_queries(12):
        assert "员工11" in client.post(search_url, {"q": "员工"}).content.decode()
    with django_assert_max_num_queries(15):
        client.get(person_url, {"on": "2024-01-01"})
    with django_assert_max_num_queries(13):
        assert "员工11" in client.get(employer_url, {"on": "2024-01-01"}).content.decode()


# --- language -------------------------------------------------------------------------------------


def test_person_page_in_english(client, world, teller_a1):
    client.force_login(teller_a1)
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get(reverse("registry:person", args=[world["wang"].pk])).content.decode()
    assert "Insurance types" in page and "Not enrolled" in page and "Key data" in page
    assert "Employee basic pension" in page
    assert "未参保" not in page


def test_person_page_in_chinese_by_default(client, world, teller_a1):
    client.force_login(teller_a1)
    page = client.get(reverse("registry:person", args=[world["wang"].pk])).content.decode()
    assert "所有险种" in page or "险种" in page
    assert "未参保" in page and "关键信息" in page


# --- possible duplicates --------------------------------------------------------------------------


def test_possible_duplicates_are_flagged_without_leaking_other_regions(
    client, world, admin, regions, teller_a1
):
    twin_here = services.person_register(
        data=person_data(id_number("19850312", "064"), "王芳"), region=regions["county_a2"], by=admin
    )
    twin_there = services.person_register(
        data=person_data(id_number("19850312", "084"), "王芳"), region=regions["county_b1"], by=admin
    )
    client.force_login(teller_a1)
    page = client.get(reverse("registry:person", args=[world["wang"].pk])).content.decode()
    assert "疑似重复记录" in page
    # County A2 is not below county A1 either: both twins are outside the teller's region.
    assert page.count("一条属于您辖区以外地区的记录") == 2
    for twin in (twin_here, twin_there):
        assert reverse("registry:person", args=[twin.pk]) not in page
        assert mask_id_number(twin.id_number) not in page

    client.force_login(admin)  # province office: sees and links both
    page = client.get(reverse("registry:person", args=[world["wang"].pk])).content.decode()
    for twin in (twin_here, twin_there):
        assert reverse("registry:person", args=[twin.pk]) in page
        assert mask_id_number(twin.id_number) in page and twin.id_number not in page
