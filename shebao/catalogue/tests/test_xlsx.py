"""Spreadsheet export/import of the catalogue."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from shebao.audit.models import AuditEvent
from shebao.catalogue.models import Edition, EditionStatus, ServiceItem
from shebao.catalogue.services import edition_create_draft, item_delete
from shebao.catalogue.snapshot import edition_snapshot
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.catalogue.xlsx import edition_export_xlsx, edition_import_xlsx
from shebao.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def _many_items(n: int) -> list[dict]:
    items = []
    for i in range(n):
        make = special_item_data if i % 3 == 0 else item_data
        items.append(make(code=f"SB-X-{i:03d}", order=i, name_zh=f"事项{i}", name_en=f"Item {i}"))
    items[1]["legal_basis"].append({"law": "社会保险法", "article": ""})
    items[1]["fee"] = "12.50"
    items[1]["statutory_limit_days"] = None
    items[2]["acceptance_conditions_zh"] = "=不是公式"
    return items


def _empty_draft() -> Edition:
    draft = edition_create_draft(by=None, title="导入测试")
    for code in list(draft.items.values_list("code", flat=True)):
        item_delete(edition=draft, code=code, by=None)
    return draft


def _workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_export_has_every_sheet_and_column():
    edition = make_published_edition()
    wb = _workbook(edition_export_xlsx(edition=edition))
    assert wb.sheetnames == ["items", "materials", "steps", "README"]
    header = [c.value for c in wb["items"][1]]
    assert header[:3] == ["code", "order", "name_zh"]
    assert header[-4:] == ["insurance_types", "channels", "legal_basis", "conditions"]
    rows = {r[0]: r for r in wb["items"].iter_rows(min_row=2, values_only=True)}
    special = rows["SB-S-001"]
    assert special[header.index("channels")] == "counter"
    assert special[header.index("legal_basis")] == "社会保险经办条例|第二十四条"
    assert rows["SB-G-001"][header.index("insurance_types")] == "employee_medical;employee_pension"
    steps = list(wb["steps"].iter_rows(min_row=2, values_only=True))
    assert ("SB-S-001", 3, "approve", "审批", "Approve", "section_leader") in steps
    assert wb["materials"].max_row == 1 + 3


def test_round_trip_gives_an_equal_edition():
    published = make_published_edition(_many_items(7))
    content = edition_export_xlsx(edition=published)
    draft = _empty_draft()
    result = edition_import_xlsx(edition=draft, file=content, by=None)
    assert (result.created, result.updated) == (7, 0)
    assert edition_snapshot(draft) == edition_snapshot(published)
    # Importing the same file again updates every item and changes nothing.
    result = edition_import_xlsx(edition=draft, file=io.BytesIO(content), by=None)
    assert (result.created, result.updated) == (0, 7)
    assert edition_snapshot(draft) == edition_snapshot(published)
    event = AuditEvent.objects.filter(action="catalogue.imported").order_by("-id").first()
    assert event is not None and '"updated":7' in event.payload


def test_three_bad_rows_among_many_are_all_listed_and_nothing_is_written():
    published = make_published_edition(_many_items(12))
    wb = _workbook(edition_export_xlsx(edition=published))
    header = [c.value for c in wb["items"][1]]
    items = wb["items"]
    items.cell(row=4, column=header.index("zone") + 1, value="nowhere")  # bad choice
    items.cell(row=9, column=header.index("promised_limit_days") + 1, value="五天")  # not a number
    steps = wb["steps"]
    steps.cell(row=6, column=6, value="general_teller;no_such_post")  # unknown post
    content = _save(wb)

    draft = _empty_draft()
    items_before = ServiceItem.objects.count()
    events_before = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as caught:
        edition_import_xlsx(edition=draft, file=content, by=None)
    error = caught.value
    assert error.code == "import_invalid"
    assert len(error.details) == 3, error.details
    joined = "\n".join(error.details)
    assert "nowhere" in joined and "五天" in joined and "no_such_post" in joined
    assert [d.split("：")[0] for d in error.details] == ["items，第 4 行", "items，第 9 行", "steps，第 6 行"]
    assert ServiceItem.objects.count() == items_before
    assert AuditEvent.objects.count() == events_before


def test_structural_problems_are_reported_in_english_too():
    from django.utils import translation

    published = make_published_edition()
    wb = _workbook(edition_export_xlsx(edition=published))
    del wb["materials"]
    header = [c.value for c in wb["items"][1]]
    wb["items"].cell(row=3, column=1, value="SB-G-001")  # duplicate code
    wb["items"].cell(row=2, column=header.index("fund_payout") + 1, value="maybe")
    wb["steps"].append(["SB-NOPE", 1, "accept", "受理", "Accept", "general_teller"])
    content = _save(wb)
    draft = _empty_draft()
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        edition_import_xlsx(edition=draft, file=content, by=None)
    details = caught.value.details
    assert "materials: the sheet is missing." in details
    assert any(d.startswith("items, row 3: item code SB-G-001 appears again") for d in details)
    assert any(d.startswith("items, row 2: 'fund_payout' must be") for d in details)
    assert any(d.startswith("steps, row ") and "SB-NOPE is not in the items sheet" in d for d in details)


def test_booleans_accept_chinese_and_numbers():
    published = make_published_edition()
    wb = _workbook(edition_export_xlsx(edition=published))
    header = [c.value for c in wb["items"][1]]
    wb["items"].cell(row=2, column=header.index("province_wide") + 1, value="否")
    wb["items"].cell(row=2, column=header.index("cross_province") + 1, value="是")
    wb["items"].cell(row=3, column=header.index("province_wide") + 1, value=1)
    draft = _empty_draft()
    edition_import_xlsx(edition=draft, file=_save(wb), by=None)
    general = draft.items.get(code="SB-G-001")
    assert (general.province_wide, general.cross_province) == (False, True)
    assert draft.items.get(code="SB-S-001").province_wide is True


def test_only_a_draft_takes_an_import():
    published = make_published_edition()
    with pytest.raises(ApplicationError) as caught:
        edition_import_xlsx(edition=published, file=edition_export_xlsx(edition=published), by=None)
    assert caught.value.code == "edition_not_draft"


def test_not_an_xlsx_is_refused():
    make_published_edition()
    draft = _empty_draft()
    with pytest.raises(ApplicationError) as caught:
        edition_import_xlsx(edition=draft, file=b"code,name\nSB-1,x\n", by=None)
    assert caught.value.code == "import_not_xlsx"
    upload = io.BytesIO(b"PK\x03\x04 not really a zip")
    upload.name = "catalogue.xlsx"
    with pytest.raises(ApplicationError) as caught:
        edition_import_xlsx(edition=draft, file=upload, by=None)
    assert caught.value.code == "import_not_xlsx"
    named_csv = io.BytesIO(edition_export_xlsx(edition=draft))
    named_csv.name = "catalogue.csv"
    with pytest.raises(ApplicationError) as caught:
        edition_import_xlsx(edition=draft, file=named_csv, by=None)
    assert caught.value.code == "import_not_xlsx"


def test_a_file_over_5_mb_is_refused():
    make_published_edition()
    draft = _empty_draft()
    with pytest.raises(ApplicationError) as caught:
        edition_import_xlsx(edition=draft, file=b"PK" + b"\0" * (5 * 1024 * 1024), by=None)
    assert caught.value.code == "import_too_large"


def test_commands_export_and_import(tmp_path):
    published = make_published_edition(_many_items(4))
    out = tmp_path / "catalogue.xlsx"
    stdout = io.StringIO()
    call_command("catalogue_export", str(out), stdout=stdout)
    assert out.stat().st_size > 0
    assert str(published.number) in stdout.getvalue()

    with pytest.raises(CommandError):
        call_command("catalogue_import", str(out), stdout=io.StringIO())  # no draft yet
    draft = _empty_draft()
    stdout = io.StringIO()
    call_command("catalogue_import", str(out), stdout=stdout)
    assert edition_snapshot(draft) == edition_snapshot(published)

    wb = load_workbook(out)
    wb["steps"].cell(row=2, column=3, value="dance")
    wb["steps"].cell(row=3, column=3, value="sing")
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("catalogue_import", str(bad), stdout=io.StringIO(), stderr=stderr)
    lines = stderr.getvalue().strip().splitlines()
    assert len(lines) == 2 and "dance" in lines[0] and "sing" in lines[1]

    out2 = tmp_path / "draft.xlsx"
    call_command("catalogue_export", str(out2), edition=draft.number, stdout=io.StringIO())
    assert load_workbook(out2)["items"].max_row == 5
    assert Edition.objects.get(pk=draft.pk).status == EditionStatus.DRAFT


def test_import_needs_the_catalogue_edit_permission():
    from shebao.core.tests.factories import make_region_tree, make_staff

    regions = make_region_tree()
    teller = make_staff("teller_x", region=regions["county_a1"], posts=["general_teller"])
    admin = make_staff("admin_x", region=regions["province"], posts=["admin"])
    published = make_published_edition()
    draft = _empty_draft()
    content = edition_export_xlsx(edition=published)
    with pytest.raises(ApplicationError) as caught:
        edition_import_xlsx(edition=draft, file=content, by=teller)
    assert caught.value.status == 403
    assert draft.items.count() == 0
    assert edition_import_xlsx(edition=draft, file=content, by=admin).created == 2
    event = AuditEvent.objects.filter(action="catalogue.imported").get()
    assert event.actor == admin
