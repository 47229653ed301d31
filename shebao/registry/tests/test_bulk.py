"""Bulk staff increase and decrease (批量增减员): every bad row listed, nothing half-written, flat memory."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook
from stdnum.cn import ric, uscc

from shebao.audit.models import AuditEvent
from shebao.audit.services import audit_verify
from shebao.core.errors import ApplicationError
from shebao.core.models import Region, RegionLevel
from shebao.registry import bulk, services
from shebao.registry.bulk import staff_changes_check, staff_changes_import
from shebao.registry.models import Employer, Enrolment, Person, RecordChange

pytestmark = pytest.mark.django_db

EN_HEADER = ["action", "id_number", "name", "date", "insurance_types", "phone", "household_type", "address"]
ZH_HEADER = ["增减员", "公民身份号码", "姓名", "日期", "险种", "联系电话", "户籍类型", "联系地址"]


def make_id(n: int, *, place: str = "110105") -> str:
    """A valid ID number, different for every n (birth dates from 1970, sequence from n)."""
    birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=(n * 7) % 12000)
    body = f"{place}{birth:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # it ignores the last character


def make_credit_code(org: str) -> str:
    body = f"91990121{org}"
    return body + uscc.calc_check_digit(body)


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Person, Enrolment, RecordChange, AuditEvent, Employer)}


@pytest.fixture
def county() -> Region:
    province = Region.objects.create(code="990000", name_zh="示范省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="990100", name_zh="东湖市", level=RegionLevel.CITY, parent=province)
    return Region.objects.create(code="990121", name_zh="青河县", level=RegionLevel.COUNTY, parent=city)


def _employer(county: Region, org: str, name: str) -> Employer:
    return services.employer_register(
        data={
            "credit_code": make_credit_code(org),
            "name": name,
            "employer_type": "enterprise",
            "industry": "通用设备制造业",
            "injury_risk_class": 4,
            "legal_representative": "张伟",
        },
        region=county,
        by=None,
    )


@pytest.fixture
def employer(county: Region) -> Employer:
    return _employer(county, "MA0000001", "示范省青河县宏达机械制造有限公司")


def _register(n: int, county: Region, name: str = "") -> Person:
    return services.person_register(
        data={"id_number": make_id(n), "name": name or f"测试{n}", "household_type": "urban"},
        region=county,
        by=None,
    )


def _csv(path: Path, header: list[str], rows: Iterable[list[Any]], *, bom: bool = True) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _xlsx(path: Path, header: list[str], rows: Iterable[list[Any]]) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("增减员")
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _increase(n: int, *, action: str = "increase", date: str = "2025-03-01") -> list[Any]:
    return [action, make_id(n), f"测试{n}", date, "", "13800000000", "urban", "青河县人民路1号"]


# --- the big bad file ---------------------------------------------------------------------------


def test_5000_rows_with_3_bad_lists_exactly_those_and_writes_nothing(
    tmp_path: Path, employer: Employer
) -> None:
    bad = {
        101: lambda n: [
            *_increase(n)[:1],
            make_id(n)[:-1] + ("0" if make_id(n)[-1] != "0" else "1"),
            *_increase(n)[2:],
        ],
        2500: lambda n: _increase(n, date="2025-13-01"),
        4999: lambda n: _increase(n, action="transfer"),
    }
    rows = (bad[r](r) if r in bad else _increase(r) for r in range(2, 5002))
    path = _csv(tmp_path / "staff.csv", EN_HEADER, rows)
    before = _counts()
    calls: list[tuple[int, int | None]] = []
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        staff_changes_import(
            employer=employer,
            file=path,
            filename=path.name,
            by=None,
            progress=lambda d, t: calls.append((d, t)),
        )
    error = caught.value
    assert error.code == "bulk_invalid"
    assert len(error.details) == 3
    assert error.details[0].startswith("row 101: ID number: the check digit")
    assert error.details[1] == "row 2500: '2025-13-01' is not a date (use YYYY-MM-DD)."
    assert error.details[2].startswith("row 4999: 'transfer' is not an action")
    assert "3 problems" in str(error.message)
    assert _counts() == before
    # Progress while checking: every 100 rows, total unknown.
    assert calls[0] == (100, None) and calls[-1] == (5000, None) and len(calls) == 50


def test_the_same_file_in_chinese(tmp_path: Path, employer: Employer) -> None:
    path = _csv(tmp_path / "staff.csv", ZH_HEADER, [_increase(2, action="增员", date="2025年13月1日")])
    with pytest.raises(ApplicationError) as caught:
        staff_changes_check(employer=employer, file=path, filename=path.name)
    assert caught.value.details == ["第 2 行：“2025年13月1日”不是日期（请用 YYYY-MM-DD 格式）。"]
    assert "没有写入任何数据" in str(caught.value.message)


def test_rows_as_data_in_file_order_with_actions_and_dates_parsed(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "staff.csv",
        ZH_HEADER,
        [_increase(2, action="增员"), ["减员", make_id(3), "测试3", "2025-04-30", "", "", "", ""]],
    )
    rows = bulk.staff_change_rows(file=path, filename=path.name)
    assert [(r["row"], r["action"], r["id_number"], r["date"]) for r in rows] == [
        (2, bulk.INCREASE, make_id(2), "2025-03-01"),
        (3, bulk.DECREASE, make_id(3), "2025-04-30"),
    ]
    assert rows[0]["phone"] == "13800000000" and rows[0]["name"] == "测试2"


# --- a good file --------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "header"), [("csv", ZH_HEADER), ("xlsx", EN_HEADER)])
def test_a_good_file_applies_every_row(
    tmp_path: Path, county: Region, employer: Employer, kind: str, header: list[str]
) -> None:
    # 20 staff already enrolled, to be decreased; 2 registered persons who join; 150 new persons.
    leaving = []
    for n in range(1, 21):
        person = _register(n, county)
        services.staff_increase(
            employer=employer, person=person, start_date=datetime.date(2020, 1, 1), by=None
        )
        leaving.append(person)
    joining = [_register(n, county) for n in (21, 22)]
    rows: list[list[Any]] = [
        ["减员" if kind == "csv" else "decrease", p.id_number, p.name, "2025-02-28", "", "", "", ""]
        for p in leaving
    ]
    rows += [
        [
            "增员",
            p.id_number,
            p.name,
            datetime.date(2025, 3, 1),
            "employee_pension;employee_medical",
            "",
            "",
            "",
        ]
        for p in joining
    ]
    rows += [_increase(n, action="增员" if kind == "csv" else "increase") for n in range(100, 250)]
    rows.insert(5, [""] * 8)  # an empty row is skipped
    writer = _csv if kind == "csv" else _xlsx
    path = writer(tmp_path / f"staff.{kind}", header, rows)
    before = _counts()

    result = staff_changes_import(employer=employer, file=path, filename=path.name, by=None)

    assert (result.rows, result.increased, result.decreased, result.registered) == (172, 152, 20, 150)
    assert result.created == 2 * 2 + 150 * 5
    assert result.ended == 20 * 5
    after = _counts()
    assert after["Person"] == before["Person"] + 150
    assert after["Enrolment"] == before["Enrolment"] + result.created
    assert not Enrolment.objects.filter(person__in=leaving, end_date__isnull=True).exists()
    assert set(
        Enrolment.objects.filter(person=joining[0]).values_list("insurance_type__code", flat=True)
    ) == {
        "employee_pension",
        "employee_medical",
    }
    newcomer = Person.objects.get(id_number=make_id(100))
    assert newcomer.household_type == "urban" and newcomer.region == county
    assert newcomer.enrolments.filter(employer=employer, start_date=datetime.date(2025, 3, 1)).count() == 5
    event = AuditEvent.objects.get(action="registry.staff_changes_imported")
    assert event.subject_id == str(employer.pk)
    assert audit_verify().ok


def test_a_stream_that_cannot_seek_is_read_twice(county: Region, employer: Employer) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([EN_HEADER, _increase(5)])

    class OneWay(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.inner = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, b: Any) -> int:
            chunk = self.inner.read(len(b))
            b[: len(chunk)] = chunk
            return len(chunk)

    upload = OneWay(buffer.getvalue().encode())
    result = staff_changes_import(employer=employer, file=upload, filename="x.csv", by=None)
    assert result.increased == 1


# --- bad rows of every kind -----------------------------------------------------------------------


def test_every_kind_of_bad_row_is_named(tmp_path: Path, county: Region, employer: Employer) -> None:
    other = _employer(county, "MA0000002", "示范省青河县鑫源商贸有限公司")
    enrolled = _register(1, county, "王芳")
    services.staff_increase(employer=employer, person=enrolled, start_date=datetime.date(2024, 1, 1), by=None)
    elsewhere = _register(2, county, "李强")
    services.staff_increase(employer=other, person=elsewhere, start_date=datetime.date(2024, 1, 1), by=None)
    registered = _register(3, county, "张伟")
    deceased = _register(4, county, "赵敏")
    services.person_set_status(person=deceased, status="deceased", on=datetime.date(2024, 5, 1), by=None)
    rows = [
        ["increase", make_id(3), "张卫", "2025-01-01", "", "", "", ""],  # 2 name mismatch
        ["increase", make_id(50), "新人", "2025-01-01", "", "", "", ""],  # 3 cannot register: no household
        ["increase", make_id(3), "张伟", "2025-01-01", "", "", "", ""],  # 4 duplicate of row 2
        ["decrease", make_id(1), "王芳", "2025-01-01", "", "", "", ""],  # 5 fine
        ["increase", make_id(1), "王芳", "2025-02-01", "", "", "", ""],  # 6 both ways, and enrolled here
        ["decrease", make_id(51), "无名", "2025-01-01", "", "", "", ""],  # 7 not registered
        ["decrease", make_id(3), "张伟", "2025-01-01", "", "", "", ""],  # 8 both ways / not enrolled here
        ["increase", make_id(2), "李强", "2025-01-01", "", "", "", ""],  # 9 still enrolled elsewhere
        ["increase", make_id(4), "赵敏", "2025-01-01", "", "", "", ""],  # 10 deceased
        ["increase", make_id(52), "新人乙", "2025-01-01", "pension;work_injury", "12", "乡下", ""],  # 11
        ["", "", "", "", "", "", "", ""],  # skipped
        ["减员", make_id(1)[:17], "", "", "", "", "", ""],  # 13 three problems
    ]
    path = _csv(tmp_path / "bad.csv", EN_HEADER, rows, bom=False)
    before = _counts()
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        staff_changes_import(employer=employer, file=path, filename="bad.csv", by=None)
    lines = caught.value.details
    text = "\n".join(lines)
    assert "row 2: the name does not match the registered name" in text
    assert "row 3: the person is not registered yet" in text
    assert "row 4: the same ID number is already on row 2." in text
    assert "row 5:" not in text
    assert "row 6: the same person is both increased and decreased in this file (rows 5 and 6)." in text
    assert "row 6: the person is already enrolled with this employer." in text
    assert "row 7: the person is not registered, so cannot be decreased." in text
    assert "row 8: the same person is both increased and decreased in this file (rows 2 and 8)." in text
    assert "row 8: the person is not enrolled with this employer." in text
    assert "row 9: the person is still enrolled in" in text and "示范省青河县鑫源商贸有限公司" in text
    assert "row 10: the person's status is 'Deceased'" in text
    assert "row 11: 'pension' is not an insurance type code." in text
    assert "row 11: '12' is not a phone number." in text
    assert "row 11: '乡下' is not a household type" in text
    assert "row 13: ID number: it must have 18 characters" in text
    assert "row 13: the name is empty." in text
    assert "row 13: the date is empty." in text
    assert registered.name == "张伟"
    assert _counts() == before


def test_a_rule_only_the_services_know_names_its_row_and_rolls_back_all(
    tmp_path: Path, employer: Employer
) -> None:
    # Row 3 starts before the person's birth: only `staff_increase` knows that rule.
    born = make_id(7)
    rows = [_increase(6), ["increase", born, "晚生", "1960-01-01", "", "", "rural", ""], _increase(8)]
    path = _csv(tmp_path / "late.csv", EN_HEADER, rows)
    before = _counts()
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        staff_changes_import(employer=employer, file=path, filename="late.csv", by=None)
    assert caught.value.details == ["row 3: Start date: 1960-01-01 is before the person's birth date."]
    assert _counts() == before


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["action", "name", "date"], "row 1: missing columns: id_number."),
        ([*EN_HEADER, "salary"], "row 1: unknown columns: salary"),
        (["Action", "ID Number", "Name", "Date", "序号", "备注"], None),
    ],
)
def test_columns(tmp_path: Path, employer: Employer, header: list[str], message: str | None) -> None:
    row = _increase(9)[: len(header)]
    path = _csv(tmp_path / "h.csv", header, [row + [""] * (len(header) - len(row))])
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        staff_changes_check(employer=employer, file=path, filename="h.csv")
    if message is None:  # titles matched: the row itself is what's wrong (no household type)
        assert caught.value.details[0].startswith("row 2: the person is not registered yet")
    else:
        assert caught.value.details[0].startswith(message)


def test_more_than_10000_rows_are_refused(tmp_path: Path, employer: Employer) -> None:
    rows = (["increase", "", "", "", "", "", "", ""] for _ in range(bulk.MAX_ROWS + 1))
    path = _csv(tmp_path / "big.csv", EN_HEADER, rows)
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        staff_changes_check(employer=employer, file=path, filename="big.csv")
    assert caught.value.code == "bulk_too_many_rows"
    assert "10000" in str(caught.value.message)


def test_files_that_are_not_utf8_csv_or_xlsx(tmp_path: Path, employer: Employer) -> None:
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(",".join(ZH_HEADER).encode("gbk"))
    for file, name, code in (
        (gbk, "gbk.csv", "bulk_not_utf8"),
        (b"not a zip", "x.xlsx", "bulk_not_readable"),
        (b"a,b", "x.xls", "bulk_file_type"),
        (",".join(EN_HEADER).encode(), "empty.csv", "bulk_empty"),
    ):
        with pytest.raises(ApplicationError) as caught:
            staff_changes_check(employer=employer, file=file, filename=name)
        assert caught.value.code == code, name


# --- the command --------------------------------------------------------------------------------


def test_the_command_applies_and_prints_counts(tmp_path: Path, employer: Employer) -> None:
    path = _csv(tmp_path / "ok.csv", EN_HEADER, [_increase(n) for n in range(30, 40)])
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("staff_changes", str(path), "--employer", employer.credit_code, stdout=out, stderr=err)
    assert "10 rows applied" in out.getvalue() and "50 enrolments created" in out.getvalue()
    assert "\r" in err.getvalue() and "100%" in err.getvalue()


def test_the_command_lists_bad_rows_and_exits_1(tmp_path: Path, employer: Employer) -> None:
    path = _csv(tmp_path / "bad.csv", EN_HEADER, [_increase(41), _increase(42, date="soon")])
    out, err = io.StringIO(), io.StringIO()
    before = _counts()
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command(
            "staff_changes",
            str(path),
            "--employer",
            employer.credit_code,
            "--no-progress",
            stdout=out,
            stderr=err,
        )
    assert caught.value.returncode == 1
    assert "row 3: 'soon' is not a date" in err.getvalue()
    assert _counts() == before
    with pytest.raises(CommandError):
        call_command(
            "staff_changes", str(path), "--employer", make_credit_code("MA0000009"), stdout=out, stderr=err
        )
