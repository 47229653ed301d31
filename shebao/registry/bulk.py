"""Bulk staff increase and decrease (批量增减员) from an .xlsx or CSV file of up to 10,000 rows.

All or nothing, in two passes over the file, never holding its rows in memory:

1. every row is read and checked (ID number, name against the registry, date, action, insurance
   types, enough data to register a new person, duplicates within the file, decrease of someone not
   enrolled with this employer, …). Every bad row is listed as "row N: reason" in ONE
   `ApplicationError("bulk_invalid")`, and nothing is written.
2. the file is read again and every row applied through the registry services in ONE transaction
   (register the person if needed, then `staff_increase` / `staff_decrease`). A rule only a service
   knows still names its row: each row runs in a savepoint, every refusal is collected, and then the
   whole transaction is rolled back.

Row numbers are those a spreadsheet shows: the header is row 1, the first data row is row 2.
Column titles may be English (`action`, `id_number`, …) or Chinese (`增减员`, `公民身份号码`, …).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from shebao.audit.services import audit_record
from shebao.catalogue.models import InsuranceType
from shebao.core.errors import ApplicationError
from shebao.registry import identity, selectors, services
from shebao.registry.models import (
    Employer,
    EmployerStatus,
    Enrolment,
    HouseholdType,
    Person,
    PersonStatus,
)

MAX_ROWS = 10_000
MAX_BYTES = 10 * 1024 * 1024
PROGRESS_EVERY = 100
CHUNK = 500  # rows checked against the database at a time

Progress = Callable[[int, int | None], None]

INCREASE = "increase"
DECREASE = "decrease"

# Column → accepted titles. Titles are compared without case, spaces, "_" or "-".
COLUMNS: dict[str, tuple[str, ...]] = {
    "action": ("action", "增减员", "增减员类型", "增减类型", "变动类型", "操作"),
    "id_number": ("id_number", "公民身份号码", "身份证号码", "身份证号", "社会保障号码"),
    "name": ("name", "姓名"),
    "date": ("date", "日期", "增减员日期", "变动日期", "起止日期"),
    "insurance_types": ("insurance_types", "险种", "参保险种"),
    "phone": ("phone", "联系电话", "电话", "手机号码"),
    "household_type": ("household_type", "户籍类型", "户口性质"),
    "address": ("address", "地址", "联系地址", "通讯地址"),
}
REQUIRED_COLUMNS = ("action", "id_number", "name", "date")
# Columns a template may carry that the import does not need.
IGNORED_COLUMNS = ("no", "序号", "remark", "备注", "note")

ACTIONS = {"增员": INCREASE, "increase": INCREASE, "减员": DECREASE, "decrease": DECREASE}
HOUSEHOLD_TYPES = {
    "城镇": HouseholdType.URBAN,
    "城镇户籍": HouseholdType.URBAN,
    "城镇户口": HouseholdType.URBAN,
    "urban": HouseholdType.URBAN,
    "农村": HouseholdType.RURAL,
    "农村户籍": HouseholdType.RURAL,
    "农村户口": HouseholdType.RURAL,
    "rural": HouseholdType.RURAL,
}
DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


@dataclass(frozen=True)
class BulkResult:
    """What an applied file did: rows read, persons registered, enrolments created and ended."""

    rows: int = 0
    increased: int = 0
    decreased: int = 0
    registered: int = 0
    created: int = 0
    ended: int = 0


@dataclass
class _Row:
    number: int
    action: str = ""
    id_number: str = ""
    name: str = ""
    date: datetime.date | None = None
    insurance_types: list[str] = field(default_factory=list)
    phone: str = ""
    household_type: str = ""
    address: str = ""
    problems: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _normalise_title(value: Any) -> str:
    return re.sub(r"[\s_\-]+", "", _text(value)).lower()


TITLE_TO_COLUMN = {_normalise_title(t): column for column, titles in COLUMNS.items() for t in titles}
IGNORED_TITLES = {_normalise_title(t) for t in IGNORED_COLUMNS}


def _row_message(row: int, reason: str) -> str:
    return _("row %(row)s: %(reason)s") % {"row": row, "reason": reason}


# ---------------------------------------------------------------------------------------------
# Reading the file (twice, streamed)


def _kind(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ApplicationError(
            "bulk_file_type", _("The file must be an Excel workbook (.xlsx) or a CSV file (.csv).")
        )
    return suffix[1:]


def _too_big() -> ApplicationError:
    return ApplicationError(
        "bulk_too_large",
        _("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)},
    )


class _Source:
    """The uploaded file, readable from the start as often as needed without loading it whole."""

    def __init__(self, file: Any, filename: str) -> None:
        self.kind = _kind(filename)
        self._path: Path | None = None
        self._stream: IO[bytes] | None = None
        self._spool: IO[bytes] | None = None
        if isinstance(file, (str, Path)):
            self._path = Path(file)
            if self._path.stat().st_size > MAX_BYTES:
                raise _too_big()
        elif isinstance(file, (bytes, bytearray)):
            if len(file) > MAX_BYTES:
                raise _too_big()
            self._stream = io.BytesIO(bytes(file))
        else:
            size = getattr(file, "size", None)
            if isinstance(size, int) and size > MAX_BYTES:
                raise _too_big()
            if getattr(file, "seekable", lambda: False)():
                self._stream = file
            else:
                # A one-way stream: spool it (to disk beyond 1 MB) so it can be read twice.
                self._spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115
                shutil.copyfileobj(file, self._spool)
                self._stream = self._spool
            stream = self._stream
            stream.seek(0, io.SEEK_END)
            if stream.tell() > MAX_BYTES:
                raise _too_big()

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()

    @contextmanager
    def _binary(self) -> Iterator[IO[bytes]]:
        if self._path is not None:
            with self._path.open("rb") as handle:
                yield handle
        else:
            assert self._stream is not None
            self._stream.seek(0)
            yield self._stream

    def rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """(row number, cell values) of every row, the header included, as a spreadsheet numbers them."""
        if self.kind == "csv":
            yield from self._csv_rows()
        else:
            yield from self._xlsx_rows()

    def _csv_rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        with self._binary() as binary:
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            try:
                for number, values in enumerate(csv.reader(text), start=1):
                    yield number, tuple(values)
            except UnicodeDecodeError as exc:
                raise ApplicationError(
                    "bulk_not_utf8",
                    _('The file is not UTF-8 text. Save it as "CSV UTF-8" and try again.'),
                ) from exc
            except csv.Error as exc:
                raise ApplicationError(
                    "bulk_not_readable", _("The CSV file could not be read: %(reason)s") % {"reason": exc}
                ) from exc
            finally:
                # Leave the caller's stream open: the wrapper would close it.
                text.detach()

    def _xlsx_rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        with self._binary() as binary:
            try:
                workbook = load_workbook(binary, read_only=True, data_only=True)
            except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
                raise ApplicationError(
                    "bulk_not_readable",
                    _(
                        "The file could not be read as an Excel workbook (.xlsx). Save it as .xlsx and try again."
                    ),
                ) from exc
            try:
                sheet = workbook.worksheets[0]
                yield from enumerate(sheet.iter_rows(values_only=True), start=1)
            finally:
                workbook.close()


def _is_empty(values: tuple[Any, ...]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _positions(header: tuple[Any, ...] | None) -> dict[str, int]:
    """Column → index in the row, or `bulk_invalid` naming the missing and unknown columns."""
    positions: dict[str, int] = {}
    unknown: list[str] = []
    duplicated: list[str] = []
    for index, title in enumerate(header or ()):
        key = _normalise_title(title)
        if not key or key in IGNORED_TITLES:
            continue
        column = TITLE_TO_COLUMN.get(key)
        if column is None:
            unknown.append(_text(title))
        elif column in positions:
            duplicated.append(_text(title))
        else:
            positions[column] = index
    problems = []
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        problems.append(_row_message(1, _("missing columns: %(columns)s.") % {"columns": ", ".join(missing)}))
    if unknown:
        problems.append(
            _row_message(
                1,
                _("unknown columns: %(columns)s (accepted: %(accepted)s).")
                % {"columns": ", ".join(unknown), "accepted": ", ".join(COLUMNS)},
            )
        )
    if duplicated:
        problems.append(
            _row_message(1, _("columns given twice: %(columns)s.") % {"columns": ", ".join(duplicated)})
        )
    if problems:
        raise _invalid(problems)
    return positions


def _invalid(problems: list[str]) -> ApplicationError:
    return ApplicationError(
        "bulk_invalid",
        _("%(count)s problems in the file; nothing was written. Correct them and upload the file again.")
        % {"count": len(problems)},
        details=problems,
    )


def _data_rows(source: _Source, progress: Progress | None, total: int | None) -> Iterator[dict[str, Any]]:
    """Every non-empty data row as {"_row": number, column: value}, refusing more than MAX_ROWS."""
    rows = source.rows()
    header = next(rows, None)
    positions = _positions(header[1] if header else None)
    done = 0
    for number, values in rows:
        if _is_empty(values):
            continue
        done += 1
        if done > MAX_ROWS:
            raise ApplicationError(
                "bulk_too_many_rows",
                _("The file has more than %(max)s data rows. Split it into files of at most %(max)s rows.")
                % {"max": MAX_ROWS},
            )
        cells = {c: values[i] if i < len(values) else None for c, i in positions.items()}
        cells["_row"] = number
        yield cells
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
    if progress is not None and done % PROGRESS_EVERY:
        progress(done, total)


# ---------------------------------------------------------------------------------------------
# Pass 1: checking


def _parse_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    match = DATE_RE.match(text) or COMPACT_DATE_RE.match(text)
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _limited(row: _Row, column: str, value: str, maximum: int) -> str:
    if len(value) > maximum:
        row.problems.append(
            _("'%(column)s' is longer than %(max)s characters.") % {"column": column, "max": maximum}
        )
    return value


def _parse_row(cells: dict[str, Any], known_types: set[str]) -> _Row:
    """The row's values, with every problem that needs no database lookup."""
    row = _Row(number=cells["_row"])
    action = _text(cells.get("action"))
    row.action = ACTIONS.get(action.lower(), "")
    if not action:
        row.problems.append(_("the action is empty (增员/减员 or increase/decrease)."))
    elif not row.action:
        row.problems.append(
            _("'%(value)s' is not an action (use 增员/减员 or increase/decrease).") % {"value": action}
        )

    id_text = _text(cells.get("id_number"))
    if not id_text:
        row.problems.append(_("the ID number is empty."))
    else:
        try:
            row.id_number = identity.check_id_number(id_text).number
        except ApplicationError as exc:
            row.problems.append(str(exc.message))  # names the field: "ID number: …"

    row.name = re.sub(r"\s+", " ", _text(cells.get("name")))
    if not row.name:
        row.problems.append(_("the name is empty."))
    _limited(row, "name", row.name, Person._meta.get_field("name").max_length or 60)

    date_value = cells.get("date")
    row.date = _parse_date(date_value)
    if not _text(date_value):
        row.problems.append(_("the date is empty."))
    elif row.date is None:
        row.problems.append(_("'%(value)s' is not a date (use YYYY-MM-DD).") % {"value": _text(date_value)})

    types_text = _text(cells.get("insurance_types")).replace("；", ";")
    for code in (part.strip() for part in types_text.split(";")):
        if not code or code in row.insurance_types:
            continue
        if code not in known_types:
            row.problems.append(_("'%(value)s' is not an insurance type code.") % {"value": code})
        row.insurance_types.append(code)

    row.phone = _limited(row, "phone", _text(cells.get("phone")), 20)
    if row.phone and not services.PHONE_RE.match(row.phone):
        row.problems.append(_("'%(value)s' is not a phone number.") % {"value": row.phone})
    row.address = _limited(row, "address", _text(cells.get("address")), 200)
    household = _text(cells.get("household_type"))
    row.household_type = HOUSEHOLD_TYPES.get(household.lower(), "")
    if household and not row.household_type:
        row.problems.append(
            _("'%(value)s' is not a household type (use 城镇/农村 or urban/rural).") % {"value": household}
        )
    return row


class _Checker:
    """Pass 1: checks rows a chunk at a time against the registry; remembers only the ID numbers seen."""

    def __init__(self, employer: Employer) -> None:
        self.employer = employer
        types = list(InsuranceType.objects.all())
        self.type_names = {t.code: t.name for t in types}
        self.groups = {t.code: t.exclusive_group for t in types}
        self.known_types = set(self.type_names)
        self.seen: dict[str, tuple[int, str]] = {}  # ID number → (first row, action)
        self.problems: list[str] = []
        self.rows = 0
        self._chunk: list[_Row] = []

    def add(self, cells: dict[str, Any]) -> None:
        self.rows += 1
        row = _parse_row(cells, self.known_types)
        if row.id_number:
            first = self.seen.get(row.id_number)
            if first is None:
                self.seen[row.id_number] = (row.number, row.action)
            elif first[1] and row.action and first[1] != row.action:
                row.problems.append(
                    _(
                        "the same person is both increased and decreased in this file (rows %(first)s and %(row)s)."
                    )
                    % {"first": first[0], "row": row.number}
                )
            else:
                row.problems.append(
                    _("the same ID number is already on row %(first)s.") % {"first": first[0]}
                )
        self._chunk.append(row)
        if len(self._chunk) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        chunk, self._chunk = self._chunk, []
        ids = [r.id_number for r in chunk if r.id_number]
        persons = {
            p.id_number: p
            for p in Person.objects.filter(id_number__in=ids).only("id_number", "name", "status")
        }
        open_here: dict[str, datetime.date] = {}
        open_elsewhere: dict[str, dict[str, str]] = {}  # ID number → {type code: employer name or ""}
        for id_number, start, employer_id, type_code, employer_name in Enrolment.objects.filter(
            person__id_number__in=ids, end_date__isnull=True
        ).values_list(
            "person__id_number", "start_date", "employer_id", "insurance_type__code", "employer__name"
        ):
            if employer_id == self.employer.pk:
                open_here[id_number] = max(start, open_here.get(id_number, start))
            else:
                open_elsewhere.setdefault(id_number, {})[type_code] = employer_name or ""
        for row in chunk:
            self._check_against_registry(
                row,
                persons.get(row.id_number),
                open_here.get(row.id_number),
                open_elsewhere.get(row.id_number, {}),
            )
            self.problems.extend(_row_message(row.number, reason) for reason in row.problems)

    def _check_against_registry(
        self,
        row: _Row,
        person: Person | None,
        open_since: datetime.date | None,
        open_elsewhere: dict[str, str],
    ) -> None:
        if not row.id_number or not row.action:
            return
        if person is not None and row.name and person.name != row.name:
            row.problems.append(_("the name does not match the registered name for this ID number."))
        if row.action == INCREASE:
            if person is None:
                if not row.household_type:
                    row.problems.append(
                        _(
                            "the person is not registered yet: give the household type (城镇/农村 or urban/rural), "
                            "phone and address to register them."
                        )
                    )
            elif person.status != PersonStatus.ACTIVE:
                row.problems.append(
                    _("the person's status is '%(status)s': only an active person can be enrolled.")
                    % {"status": person.get_status_display()}
                )
            if open_since is not None:
                row.problems.append(_("the person is already enrolled with this employer."))
            # Open elsewhere in a requested type, or in one that excludes it (residents' pension).
            requested = row.insurance_types or list(services.EMPLOYEE_TYPES)
            wanted = set(requested) | {self.groups[c] for c in requested if self.groups.get(c)}
            elsewhere = [code for code in open_elsewhere if code in wanted or self.groups.get(code) in wanted]
            if elsewhere:
                where = open_elsewhere[elsewhere[0]]
                row.problems.append(
                    (
                        _(
                            "the person is still enrolled in %(types)s with %(employer)s: "
                            "that employer must report the decrease first."
                        )
                        if where
                        else _("the person is still enrolled in %(types)s as a resident or flexible worker.")
                    )
                    % {"types": ", ".join(self.type_names[c] for c in elsewhere), "employer": where}
                )
        else:
            if person is None:
                row.problems.append(_("the person is not registered, so cannot be decreased."))
            elif open_since is None:
                row.problems.append(_("the person is not enrolled with this employer."))
            elif row.date is not None and row.date < open_since:
                row.problems.append(
                    _("the end date is before the enrolment's start date %(start)s.")
                    % {"start": open_since.isoformat()}
                )


def _check_employer(employer: Employer) -> None:
    if employer.status != EmployerStatus.ACTIVE:
        raise ApplicationError(
            "bulk_employer_inactive",
            _("%(name)s is not an active employer (status: %(status)s); staff changes are refused.")
            % {"name": employer.name, "status": employer.get_status_display()},
        )


def staff_changes_check(
    *, employer: Employer, file: Any, filename: str, progress: Progress | None = None
) -> int:
    """Pass 1 alone: read and check every row; return the number of data rows or raise `bulk_invalid`."""
    source = _Source(file, filename)
    try:
        return _check(employer, source, progress)
    finally:
        source.close()


def staff_change_rows(*, file: Any, filename: str) -> list[dict[str, Any]]:
    """The rows of a staff changes file as plain data, parsed like an import (nothing in the file is
    run); check the file first (`staff_changes_check`): this only parses."""
    source = _Source(file, filename)
    known = set(InsuranceType.objects.values_list("code", flat=True))
    rows: list[dict[str, Any]] = []
    try:
        for cells in _data_rows(source, None, None):
            parsed = _parse_row(cells, known)
            rows.append(
                {
                    "row": parsed.number,
                    "action": parsed.action,
                    "id_number": parsed.id_number,
                    "name": parsed.name,
                    "date": parsed.date.isoformat() if parsed.date else "",
                    "insurance_types": parsed.insurance_types,
                    "phone": parsed.phone,
                    "household_type": parsed.household_type,
                    "address": parsed.address,
                }
            )
    finally:
        source.close()
    return rows


def _check(employer: Employer, source: _Source, progress: Progress | None) -> int:
    _check_employer(employer)
    checker = _Checker(employer)
    for cells in _data_rows(source, progress, None):
        checker.add(cells)
    checker.flush()
    if checker.problems:
        raise _invalid(checker.problems)
    if checker.rows == 0:
        raise ApplicationError("bulk_empty", _("The file has no data rows."))
    return checker.rows


# ---------------------------------------------------------------------------------------------
# Pass 2: applying


def staff_changes_import(
    *,
    employer: Employer,
    file: Any,
    filename: str,
    by: Any,
    progress: Progress | None = None,
) -> BulkResult:
    """Check every row of the file, then apply them all in one transaction, or refuse the whole file.

    Raises `ApplicationError("bulk_invalid")` with every bad row in `details` ("row N: reason");
    then nothing is written. `progress(done, total)` is called every ~100 rows: with total None
    while checking, with the number of rows while applying.
    """
    source = _Source(file, filename)
    try:
        total = _check(employer, source, progress)
        return _apply(employer, source, by, total, filename, progress)
    finally:
        source.close()


@transaction.atomic
def _apply(
    employer: Employer, source: _Source, by: Any, total: int, filename: str, progress: Progress | None
) -> BulkResult:
    # Two imports for the same employer run one after the other.
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    _check_employer(employer)
    known_types = set(InsuranceType.objects.values_list("code", flat=True))
    problems: list[str] = []
    counts = {"increased": 0, "decreased": 0, "registered": 0, "created": 0, "ended": 0}
    for cells in _data_rows(source, progress, total):
        row = _parse_row(cells, known_types)
        if row.problems:  # the file changed between the passes
            problems.extend(_row_message(row.number, reason) for reason in row.problems)
            continue
        try:
            with transaction.atomic():
                _apply_row(employer, row, by, counts)
        except ApplicationError as exc:
            problems.append(_row_message(row.number, str(exc.message)))
    if problems:
        raise _invalid(problems)  # rolls back every row
    result = BulkResult(rows=total, **counts)
    audit_record(
        actor=by,
        action="registry.staff_changes_imported",
        subject=employer,
        region_code=employer.region.code,
        extra={
            "filename": filename,
            "rows": total,
            "increased": result.increased,
            "decreased": result.decreased,
            "registered": result.registered,
            "created": result.created,
            "ended": result.ended,
        },
    )
    return result


def _apply_row(employer: Employer, row: _Row, by: Any, counts: dict[str, int]) -> None:
    assert row.date is not None
    person = selectors.person_by_id_number(row.id_number)
    if row.action == INCREASE:
        if person is None:
            data: dict[str, Any] = {
                "id_number": row.id_number,
                "name": row.name,
                "household_type": row.household_type,
                "phone": row.phone,
                "address": row.address,
            }
            person = services.person_register(data=data, region=employer.region, by=by)
            counts["registered"] += 1
        created = services.staff_increase(
            employer=employer,
            person=person,
            start_date=row.date,
            by=by,
            insurance_types=row.insurance_types or None,
        )
        counts["increased"] += 1
        counts["created"] += len(created)
    else:
        if person is None:
            raise ApplicationError(
                "bulk_not_registered", _("the person is not registered, so cannot be decreased.")
            )
        ended = services.staff_decrease(employer=employer, person=person, end_date=row.date, by=by)
        counts["decreased"] += 1
        counts["ended"] += len(ended)
