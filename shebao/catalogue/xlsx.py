"""The catalogue as a spreadsheet (.xlsx): export an edition, import one into a draft.

The workbook has three data sheets — `items` (one row per item), `materials` and `steps` (one row
each, keyed by `item_code`) — and a `README` sheet explaining every column in Chinese and English.
Row 1 of a data sheet holds the column names (the field names of the canonical item form in
`snapshot`); import matches columns by name, so their order does not matter.

Import checks every row of every sheet first and refuses the whole file, listing every bad row,
if anything is wrong: nothing is half-written.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from shebao.audit.services import audit_record
from shebao.catalogue import conditions as acceptance
from shebao.catalogue.models import (
    Channel,
    Edition,
    InsuranceType,
    ItemMaterial,
    ItemStep,
    ServiceItem,
    StepKind,
)
from shebao.catalogue.services import item_save
from shebao.catalogue.snapshot import (
    BOOL_FIELDS,
    CHOICE_FIELDS,
    INT_FIELDS,
    MATERIAL_FIELDS,
    SCALAR_FIELDS,
    item_snapshot,
    with_details,
)
from shebao.core.errors import ApplicationError, PermissionDeniedError
from shebao.core.models import Post
from shebao.core.permissions import Perm

MAX_IMPORT_BYTES = 5 * 1024 * 1024

ITEMS_SHEET = "items"
MATERIALS_SHEET = "materials"
STEPS_SHEET = "steps"
README_SHEET = "README"

LIST_SEPARATOR = ";"
BASIS_SEPARATOR = "|"

ITEM_COLUMNS: tuple[str, ...] = (*SCALAR_FIELDS, "insurance_types", "channels", "legal_basis", "conditions")
MATERIAL_COLUMNS: tuple[str, ...] = ("item_code", "order", *MATERIAL_FIELDS)
STEP_COLUMNS: tuple[str, ...] = ("item_code", "order", "kind", "name_zh", "name_en", "posts")

ITEM_REQUIRED = {"code", "name_zh", "zone", "business_class", "item_type", "implementing_body_zh"}
MATERIAL_REQUIRED = {"item_code", "name_zh"}
STEP_REQUIRED = {"item_code", "kind", "name_zh"}

MATERIAL_BOOL_FIELDS = {"is_identity_document", "original_checked", "required"}
TRUE_WORDS = {"是", "true", "1", "yes", "y", "t"}
FALSE_WORDS = {"否", "false", "0", "no", "n", "f"}

# Column explanations for the README sheet: (sheet, column, Chinese, English).
COLUMN_HELP: tuple[tuple[str, str, str, str], ...] = (
    (ITEMS_SHEET, "code", "事项编码（唯一，必填）", "Item code (unique, required)"),
    (ITEMS_SHEET, "order", "排列顺序（整数）", "Display order (whole number)"),
    (ITEMS_SHEET, "name_zh", "事项名称（中文，必填）", "Item name in Chinese (required)"),
    (ITEMS_SHEET, "name_en", "事项名称（英文）", "Item name in English"),
    (
        ITEMS_SHEET,
        "zone",
        "综合柜员分区：enrolment / medical / pension（必填）",
        "Teller zone: enrolment / medical / pension (required)",
    ),
    (
        ITEMS_SHEET,
        "business_class",
        "业务类别：general 一般性 / special 特殊性（必填）",
        "Business class: general / special (required)",
    ),
    (ITEMS_SHEET, "risk_level", "风险等级：low / medium / high", "Risk level: low / medium / high"),
    (ITEMS_SHEET, "fund_payout", "是否基金支付：是/否", "Pays out from a fund: TRUE/FALSE (是/否, 1/0)"),
    (
        ITEMS_SHEET,
        "item_type",
        "事项类型：instant 即办件 / promised 承诺件（必填）",
        "Item type: instant / promised (required)",
    ),
    (
        ITEMS_SHEET,
        "statutory_limit_days",
        "法定办结时限（工作日，可空）",
        "Statutory time limit in working days (may be empty)",
    ),
    (ITEMS_SHEET, "promised_limit_days", "承诺办结时限（工作日）", "Promised time limit in working days"),
    (ITEMS_SHEET, "acceptance_conditions_zh", "受理条件（中文）", "Acceptance conditions in Chinese"),
    (ITEMS_SHEET, "acceptance_conditions_en", "受理条件（英文）", "Acceptance conditions in English"),
    (ITEMS_SHEET, "fee", "收费金额（元）", "Fee in yuan"),
    (ITEMS_SHEET, "fee_basis", "收费依据", "Legal basis of the fee"),
    (ITEMS_SHEET, "trips", "跑动次数（0 或 1）", "Trips to the office (0 or 1)"),
    (
        ITEMS_SHEET,
        "implementing_body_zh",
        "实施主体（中文，必填）",
        "Implementing body in Chinese (required)",
    ),
    (ITEMS_SHEET, "implementing_body_en", "实施主体（英文）", "Implementing body in English"),
    (ITEMS_SHEET, "supervision_phone", "监督投诉电话", "Complaint phone"),
    (ITEMS_SHEET, "province_wide", "是否全省通办：是/否", "Province-wide handling: TRUE/FALSE"),
    (ITEMS_SHEET, "cross_province", "是否跨省通办：是/否", "Cross-province handling: TRUE/FALSE"),
    (
        ITEMS_SHEET,
        "effect_code",
        "办结后执行的效果处理程序编码",
        "Code of the effect handler run on completion",
    ),
    (ITEMS_SHEET, "source", "事项来源", "Source of the item"),
    (ITEMS_SHEET, "insurance_types", "险种编码，用“;”分隔", "Insurance type codes, separated by ';'"),
    (ITEMS_SHEET, "channels", "办理渠道编码，用“;”分隔", "Channel codes, separated by ';'"),
    (ITEMS_SHEET, "legal_basis", "设定依据：法规|条款;法规|条款", "Legal basis: law|article;law|article"),
    (
        ITEMS_SHEET,
        "conditions",
        "系统核验的受理条件：编码或 编码:参数，用“;”分隔（如 person;alive;ever_enrolled:employee_pension;"
        "age_at_least:60）。编码：" + "、".join(acceptance.VOCABULARY),
        "Acceptance conditions the platform checks: code or code:parameter, separated by ';' (e.g. "
        "person;alive;ever_enrolled:employee_pension;age_at_least:60). Codes: "
        + ", ".join(acceptance.VOCABULARY),
    ),
    (
        MATERIALS_SHEET,
        "item_code",
        "所属事项编码（须在 items 表中）",
        "Code of the item (must be in the items sheet)",
    ),
    (MATERIALS_SHEET, "order", "材料顺序（整数）", "Order of the material (whole number)"),
    (MATERIALS_SHEET, "name_zh", "材料名称（中文，必填）", "Material name in Chinese (required)"),
    (MATERIALS_SHEET, "name_en", "材料名称（英文）", "Material name in English"),
    (MATERIALS_SHEET, "is_identity_document", "是否身份证件：是/否", "Is the identity card: TRUE/FALSE"),
    (MATERIALS_SHEET, "original_checked", "是否核验原件：是/否", "Original checked: TRUE/FALSE"),
    (MATERIALS_SHEET, "copies", "复印件份数", "Number of copies"),
    (
        MATERIALS_SHEET,
        "required",
        "是否必需：是/否（空为是）",
        "Always required: TRUE/FALSE (empty means TRUE)",
    ),
    (MATERIALS_SHEET, "legal_basis", "要求该材料的法律依据", "Legal basis for requiring it"),
    (MATERIALS_SHEET, "note_zh", "备注（中文）", "Note in Chinese"),
    (MATERIALS_SHEET, "note_en", "备注（英文）", "Note in English"),
    (
        STEPS_SHEET,
        "item_code",
        "所属事项编码（须在 items 表中）",
        "Code of the item (must be in the items sheet)",
    ),
    (STEPS_SHEET, "order", "步骤顺序（整数）", "Order of the step (whole number)"),
    (
        STEPS_SHEET,
        "kind",
        "步骤类型：accept / review / approve / complete（必填）",
        "Step kind: accept / review / approve / complete (required)",
    ),
    (STEPS_SHEET, "name_zh", "步骤名称（中文，必填）", "Step name in Chinese (required)"),
    (STEPS_SHEET, "name_en", "步骤名称（英文）", "Step name in English"),
    (STEPS_SHEET, "posts", "可办理岗位编码，用“;”分隔", "Codes of the posts allowed, separated by ';'"),
)

README_INTRO = (
    gettext_lazy("Catalogue of service items, edition %(number)s: %(title)s"),
    "本工作簿包含三张数据表：items（每行一个事项）、materials（每行一项所需材料）、steps（每行一个办理步骤）。"
    "第一行为列名，请勿修改；materials 和 steps 通过 item_code 关联到 items 表中的事项。"
    "导入时会检查每一行，任何一行有误则整个文件不导入，并列出所有错误行。",
    "This workbook has three data sheets: items (one row per item), materials (one row per required "
    "material) and steps (one row per handling step). Row 1 holds the column names: do not change them. "
    "materials and steps refer to an item of the items sheet by item_code. Import checks every row; "
    "if any row is wrong the whole file is refused and every bad row is listed.",
)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


# ---------------------------------------------------------------------------------------------
# Export


def _join_list(values: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(values)


def _basis_text(basis: list[dict[str, str]]) -> str:
    return LIST_SEPARATOR.join(
        f"{b['law']}{BASIS_SEPARATOR}{b['article']}" if b.get("article") else b["law"] for b in basis
    )


def _write_sheet(wb: Workbook, title: str, columns: tuple[str, ...], rows: Iterable[list[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    # A text starting with "=" is text, not a formula.
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    for index, column in enumerate(columns):
        letter = ws.cell(row=1, column=index + 1).column_letter
        ws.column_dimensions[letter].width = max(12, min(40, len(column) + 4))


def edition_export_xlsx(*, edition: Edition) -> bytes:
    """The whole edition as an .xlsx workbook (items, materials, steps, README). Fixed query count."""
    snapshots = [item_snapshot(item) for item in with_details(edition.items.all())]
    wb = Workbook()
    wb.remove(wb.active)

    item_rows = []
    material_rows = []
    step_rows = []
    for data in snapshots:
        row: list[Any] = []
        for name in SCALAR_FIELDS:
            row.append(data[name])
        row.append(_join_list(data["insurance_types"]))
        row.append(_join_list(data["channels"]))
        row.append(_basis_text(data["legal_basis"]))
        row.append(acceptance.to_text(data["conditions"]))
        item_rows.append(row)
        for order, material in enumerate(data["materials"], start=1):
            material_rows.append([data["code"], order, *(material[f] for f in MATERIAL_FIELDS)])
        for order, step in enumerate(data["steps"], start=1):
            step_rows.append(
                [
                    data["code"],
                    order,
                    step["kind"],
                    step["name_zh"],
                    step["name_en"],
                    _join_list(step["posts"]),
                ]
            )
    _write_sheet(wb, ITEMS_SHEET, ITEM_COLUMNS, item_rows)
    _write_sheet(wb, MATERIALS_SHEET, MATERIAL_COLUMNS, material_rows)
    _write_sheet(wb, STEPS_SHEET, STEP_COLUMNS, step_rows)

    readme = wb.create_sheet(README_SHEET)
    title, intro_zh, intro_en = README_INTRO
    readme.append([str(title % {"number": edition.number, "title": edition.title})])
    readme["A1"].font = Font(bold=True, size=14)
    readme.append([intro_zh])
    readme.append([intro_en])
    readme.append([])
    readme.append(["sheet 表", "column 列", "说明", "Description"])
    for cell in readme[5]:
        cell.font = Font(bold=True)
    for sheet, column, zh, en in COLUMN_HELP:
        readme.append([sheet, column, zh, en])
    for letter, width in (("A", 14), ("B", 26), ("C", 50), ("D", 60)):
        readme.column_dimensions[letter].width = width
    # The codes the ';'-separated columns may hold, with their names.
    for heading, references in (
        (("insurance_types", "险种编码", "Insurance type codes"), InsuranceType.objects.order_by("order")),
        (("channels", "办理渠道编码", "Channel codes"), Channel.objects.order_by("order")),
        (("posts", "岗位编码", "Post codes"), Post.objects.order_by("code")),
    ):
        readme.append([])
        readme.append(list(heading))
        for cell in readme[readme.max_row]:
            cell.font = Font(bold=True)
        for ref in references:
            readme.append(["", ref.code, ref.name_zh, ref.name_en])

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Import: reading and checking


class _Problems:
    """Collects "sheet, row N: reason" lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, sheet: str, row: int | None, reason: str) -> None:
        if row is None:
            self.lines.append(_("%(sheet)s: %(reason)s") % {"sheet": sheet, "reason": reason})
        else:
            self.lines.append(
                _("%(sheet)s, row %(row)s: %(reason)s") % {"sheet": sheet, "row": row, "reason": reason}
            )


def _read_bytes(file: Any) -> tuple[bytes, str]:
    """The file's content and name, from a path, bytes or a file-like object (e.g. an upload)."""
    if isinstance(file, (bytes, bytearray)):
        return bytes(file), ""
    if isinstance(file, (str, Path)):
        path = Path(file)
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise _too_big()
        return path.read_bytes(), path.name
    name = str(getattr(file, "name", "") or "")
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > MAX_IMPORT_BYTES:
        raise _too_big()
    stream: IO[bytes] = file
    content = stream.read(MAX_IMPORT_BYTES + 1)
    return content, name


def _too_big() -> ApplicationError:
    return ApplicationError(
        "import_too_large",
        _("The file is larger than %(size)s MB. Split the catalogue or remove what is not needed.")
        % {"size": MAX_IMPORT_BYTES // (1024 * 1024)},
    )


def _not_xlsx() -> ApplicationError:
    return ApplicationError(
        "import_not_xlsx",
        _("The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again."),
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _split(value: Any, separator: str = LIST_SEPARATOR) -> list[str]:
    # Accept the full-width semicolon too: Chinese input methods type it.
    text = _text(value).replace("；", separator) if separator == LIST_SEPARATOR else _text(value)
    return [part.strip() for part in text.split(separator) if part.strip()]


def _max_length(model: Any, name: str) -> int | None:
    try:
        return model._meta.get_field(name).max_length
    except FieldDoesNotExist:
        return ServiceItem._meta.get_field("code").max_length if name == "item_code" else None


class _RowReader:
    """Converts the cells of one row, reporting each problem against the sheet and row."""

    def __init__(self, sheet: str, row: int, cells: dict[str, Any], problems: _Problems, model: Any) -> None:
        self.sheet = sheet
        self.row = row
        self.cells = cells
        self.problems = problems
        self.model = model
        self.ok = True

    def bad(self, reason: str) -> None:
        self.ok = False
        self.problems.add(self.sheet, self.row, reason)

    def text(self, name: str, *, required: bool = False) -> str:
        value = _text(self.cells.get(name))
        if required and not value:
            self.bad(_("'%(column)s' is required but empty.") % {"column": name})
        max_length = _max_length(self.model, name)
        if max_length and len(value) > max_length:
            self.bad(
                _("'%(column)s' is longer than %(max)s characters.") % {"column": name, "max": max_length}
            )
        return value

    def boolean(self, name: str, *, default: bool) -> bool:
        value = self.cells.get(name)
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if not text:
            return default
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        self.bad(
            _("'%(column)s' must be 是/否, TRUE/FALSE or 1/0, not '%(value)s'.")
            % {"column": name, "value": _text(value)}
        )
        return default

    def integer(self, name: str, *, default: int | None, maximum: int = 32767) -> int | None:
        value = self.cells.get(name)
        text = _text(value)
        if not text:
            return default
        try:
            number = Decimal(text)
            if number != number.to_integral_value() or number < 0 or number > maximum:
                raise InvalidOperation
        except InvalidOperation:
            self.bad(
                _("'%(column)s' must be a whole number from 0 to %(max)s, not '%(value)s'.")
                % {"column": name, "max": maximum, "value": text}
            )
            return default
        return int(number)

    def amount(self, name: str) -> str:
        text = _text(self.cells.get(name)) or "0"
        try:
            number = Decimal(text)
            if not number.is_finite() or number < 0 or number >= Decimal("100000000"):
                raise InvalidOperation
            if number != number.quantize(Decimal("0.01")):
                raise InvalidOperation
        except InvalidOperation:
            self.bad(
                _(
                    "'%(column)s' must be an amount in yuan of 0 or more with at most 2 decimals, not '%(value)s'."
                )
                % {"column": name, "value": text}
            )
            return "0.00"
        return f"{number:.2f}"

    def choice(self, name: str, choices: Any, *, required: bool) -> str:
        value = self.text(name, required=required)
        if value and value not in choices.values:
            self.bad(
                _("'%(value)s' is not a valid %(column)s (one of %(allowed)s).")
                % {"value": value, "column": name, "allowed": ", ".join(choices.values)}
            )
        return value

    def codes(self, name: str, known: set[str], message: Callable[[str], str]) -> list[str]:
        values = _split(self.cells.get(name))
        for value in values:
            if value not in known:
                self.bad(message(value))
        seen: list[str] = []
        for value in values:
            if value not in seen:
                seen.append(value)
        return seen


def _sheet_rows(
    wb: Any, sheet: str, columns: tuple[str, ...], problems: _Problems
) -> list[tuple[int, dict[str, Any]]] | None:
    """(row number, {column: value}) for every non-empty data row; None if the sheet is unusable."""
    if sheet not in wb.sheetnames:
        problems.add(sheet, None, _("the sheet is missing."))
        return None
    rows = wb[sheet].iter_rows(values_only=True)
    header_row = next(rows, None)
    header = [_text(h).splitlines()[0].strip() if _text(h) else "" for h in (header_row or ())]
    missing = [c for c in columns if c not in header]
    if missing:
        problems.add(sheet, 1, _("missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        return None
    positions = {c: header.index(c) for c in columns}
    found: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        found.append((number, {c: values[i] if i < len(values) else None for c, i in positions.items()}))
    return found


def _parse_items(
    rows: list[tuple[int, dict[str, Any]]], problems: _Problems, types: set[str], channels: set[str]
) -> dict[str, tuple[int, dict[str, Any]]]:
    items: dict[str, tuple[int, dict[str, Any]]] = {}
    for number, cells in rows:
        r = _RowReader(ITEMS_SHEET, number, cells, problems, ServiceItem)
        data: dict[str, Any] = {}
        for name in SCALAR_FIELDS:
            if name in BOOL_FIELDS:
                data[name] = r.boolean(name, default=False)
            elif name in INT_FIELDS:
                data[name] = r.integer(name, default=0)
            elif name == "statutory_limit_days":
                data[name] = r.integer(name, default=None)
            elif name == "fee":
                data[name] = r.amount(name)
            elif name in CHOICE_FIELDS:
                data[name] = r.choice(name, CHOICE_FIELDS[name], required=name in ITEM_REQUIRED)
            else:
                data[name] = r.text(name, required=name in ITEM_REQUIRED)
        if not data["risk_level"]:
            data["risk_level"] = "low"
        if not data["supervision_phone"]:
            data["supervision_phone"] = "12333"
        data["insurance_types"] = sorted(
            r.codes(
                "insurance_types",
                types,
                lambda v: _("unknown insurance type '%(value)s'.") % {"value": v},
            )
        )
        data["channels"] = r.codes(
            "channels", channels, lambda v: _("unknown channel '%(value)s'.") % {"value": v}
        )
        basis = []
        for part in _split(cells.get("legal_basis")):
            law, _sep, article = part.partition(BASIS_SEPARATOR)
            if not law.strip():
                r.bad(_("legal basis '%(value)s' names no law.") % {"value": part})
            basis.append({"law": law.strip(), "article": article.strip()})
        data["legal_basis"] = basis
        data["conditions"] = acceptance.from_text(cells.get("conditions"))
        for problem in acceptance.problems(data["conditions"], type_codes=types):
            r.bad(problem)
        data["materials"] = []
        data["steps"] = []
        code = data["code"]
        if code and code in items:
            r.bad(
                _("item code %(code)s appears again (first in row %(row)s).")
                % {"code": code, "row": items[code][0]}
            )
        elif code:
            items[code] = (number, data)
    return items


def _parse_children(
    sheet: str,
    rows: list[tuple[int, dict[str, Any]]],
    problems: _Problems,
    item_codes: set[str],
    read: Callable[[_RowReader], dict[str, Any]],
    model: Any,
) -> dict[str, list[tuple[int, int, dict[str, Any]]]]:
    """Rows of `materials` or `steps`, by item code, as (order, row number, data)."""
    by_item: dict[str, list[tuple[int, int, dict[str, Any]]]] = {}
    for number, cells in rows:
        r = _RowReader(sheet, number, cells, problems, model)
        code = r.text("item_code", required=True)
        order = r.integer("order", default=number)
        data = read(r)
        if code and code not in item_codes:
            r.bad(_("item code %(code)s is not in the items sheet.") % {"code": code})
        if r.ok:
            by_item.setdefault(code, []).append((order or 0, number, data))
    return by_item


def _read_material(r: _RowReader) -> dict[str, Any]:
    return {
        "name_zh": r.text("name_zh", required=True),
        "name_en": r.text("name_en"),
        "is_identity_document": r.boolean("is_identity_document", default=False),
        "original_checked": r.boolean("original_checked", default=False),
        "copies": r.integer("copies", default=0),
        "required": r.boolean("required", default=True),
        "legal_basis": r.text("legal_basis"),
        "note_zh": r.text("note_zh"),
        "note_en": r.text("note_en"),
    }


def _step_reader(posts: set[str]) -> Callable[[_RowReader], dict[str, Any]]:
    def read(r: _RowReader) -> dict[str, Any]:
        return {
            "kind": r.choice("kind", StepKind, required=True),
            "name_zh": r.text("name_zh", required=True),
            "name_en": r.text("name_en"),
            "posts": r.codes("posts", posts, lambda v: _("unknown post '%(value)s'.") % {"value": v}),
        }

    return read


def _open_workbook(content: bytes, name: str) -> Any:
    if name and not name.lower().endswith((".xlsx", ".xlsm")):
        raise _not_xlsx()
    if len(content) > MAX_IMPORT_BYTES:
        raise _too_big()
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise _not_xlsx()
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _not_xlsx() from exc


def _parse_workbook(wb: Any) -> list[tuple[int, dict[str, Any]]]:
    """Every item of the workbook as (row number, snapshot dict), or one error listing every bad row."""
    problems = _Problems()
    types = set(InsuranceType.objects.values_list("code", flat=True))
    channels = set(Channel.objects.values_list("code", flat=True))
    posts = set(Post.objects.values_list("code", flat=True))

    item_rows = _sheet_rows(wb, ITEMS_SHEET, ITEM_COLUMNS, problems)
    material_rows = _sheet_rows(wb, MATERIALS_SHEET, MATERIAL_COLUMNS, problems)
    step_rows = _sheet_rows(wb, STEPS_SHEET, STEP_COLUMNS, problems)
    items: dict[str, tuple[int, dict[str, Any]]] = {}
    if item_rows is not None:
        items = _parse_items(item_rows, problems, types, channels)
        if not item_rows:
            problems.add(ITEMS_SHEET, None, _("the sheet has no items."))
    # Without a usable items sheet, item codes cannot be checked: report only the rows' own problems.
    codes = set(items) if item_rows is not None else _AnyCode()
    if material_rows is not None:
        materials = _parse_children(
            MATERIALS_SHEET, material_rows, problems, codes, _read_material, ItemMaterial
        )
        for code, entries in materials.items():
            if code in items:
                items[code][1]["materials"] = [d for _o, _n, d in sorted(entries, key=lambda e: e[:2])]
    if step_rows is not None:
        steps = _parse_children(STEPS_SHEET, step_rows, problems, codes, _step_reader(posts), ItemStep)
        for code, entries in steps.items():
            if code in items:
                items[code][1]["steps"] = [d for _o, _n, d in sorted(entries, key=lambda e: e[:2])]
    if problems.lines:
        raise ApplicationError(
            "import_invalid",
            _(
                "The file was not imported: %(count)s problem(s) found. Correct every row listed and import again."
            )
            % {"count": len(problems.lines)},
            details=problems.lines,
        )
    return sorted(items.values(), key=lambda e: e[0])


class _AnyCode(set[str]):
    def __contains__(self, value: object) -> bool:
        return True


# ---------------------------------------------------------------------------------------------
# Import: applying


def edition_import_xlsx(*, edition: Edition, file: Any, by: Any) -> ImportResult:
    """Create or replace, in a draft edition, every item of an .xlsx workbook shaped like the export.

    `file` is a path, bytes or a file-like object (an upload). Every row is checked first; if anything
    is wrong, one `ApplicationError("import_invalid")` lists every bad row and nothing is written.
    Items of the draft that the file does not mention are left as they are.
    """
    if not edition.is_draft:
        raise ApplicationError(
            "edition_not_draft",
            _("Edition %(number)s is not a draft: import only into a draft edition.")
            % {"number": edition.number},
        )
    if by is not None and not by.has_perm_code(Perm.CATALOGUE_EDIT):
        raise PermissionDeniedError(_("You do not hold a post that may import into the catalogue."))
    content, name = _read_bytes(file)
    wb = _open_workbook(content, name)
    try:
        entries = _parse_workbook(wb)
    finally:
        wb.close()

    problems = _Problems()
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if not edition.is_draft:
            raise ApplicationError(
                "edition_not_draft",
                _("Edition %(number)s is not a draft: import only into a draft edition.")
                % {"number": edition.number},
            )
        existing = set(edition.items.values_list("code", flat=True))
        created = updated = 0
        for number, data in entries:
            try:
                with transaction.atomic():
                    item_save(edition=edition, data=data, by=by)
            except ApplicationError as exc:
                if exc.code != "item_invalid":
                    raise
                for reason in exc.details or [exc.message]:
                    problems.add(ITEMS_SHEET, number, str(reason))
                continue
            if data["code"] in existing:
                updated += 1
            else:
                created += 1
        if problems.lines:
            # Raising inside the transaction rolls back every item already saved.
            raise ApplicationError(
                "import_invalid",
                _(
                    "The file was not imported: %(count)s problem(s) found. Correct every row listed and import again."
                )
                % {"count": len(problems.lines)},
                details=problems.lines,
            )
        audit_record(
            actor=by,
            action="catalogue.imported",
            subject=edition,
            extra={"created": created, "updated": updated, "file": name},
        )
    return ImportResult(created=created, updated=updated)
