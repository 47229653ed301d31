"""Demo online accounts: two persons of 青河县 can sign in at once; everyone else can open an account.

`seed_portal_accounts()` is idempotent: it opens accounts (password `Shebao@2026`) for the first two
active persons of the county with a phone number on record, unless they already have one, and leaves
all other persons without an account so that a new user can try the registration flow.

`seed_online_application()` (idempotent too) sends one application online from the first of them,
with a generated image for every material, so that staff find it waiting at `/cases/online/`.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from shebao.audit.services import audit_record
from shebao.cases.models import Case, Channel
from shebao.catalogue.selectors import published_edition
from shebao.core.masking import mask_id_number
from shebao.core.models import Region, User
from shebao.demo.province import DEMO_PASSWORD
from shebao.portal.models import AccountKind, PortalAccount
from shebao.registry.demo import TELLER_COUNTY
from shebao.registry.models import Enrolment, Gender, Person, PersonStatus

DEMO_ACCOUNTS = 2
PORTAL_URL = "http://127.0.0.1:8000/my/"
# 生育津贴申领 (the seeds' own item) for a woman, 职工医疗费用手工报销 otherwise: both special, online.
DEMO_ONLINE_ITEMS: dict[str, str] = {Gender.FEMALE: "SB-DY-018", Gender.MALE: "SB-DY-001"}


@transaction.atomic
def seed_portal_accounts(*, stdout: Any = None) -> list[tuple[str, str]]:
    """Accounts for two demo persons of the teller's county; returns their (ID number, name)."""
    county = Region.objects.filter(code=TELLER_COUNTY).first()
    if county is None:
        return []
    candidates = (
        Person.objects.filter(region__path__startswith=county.path, status=PersonStatus.ACTIVE)
        .exclude(phone="")
        .filter(enrolments__end_date__isnull=True)
        # employees first: the demo's online claim (maternity or medical) meets its acceptance conditions
        .annotate(
            employed=Exists(
                Enrolment.objects.filter(person=OuterRef("pk"), end_date__isnull=True, employer__isnull=False)
            )
        )
        .distinct()
        .order_by("-employed", "id")[:DEMO_ACCOUNTS]
    )
    logins: list[tuple[str, str]] = []
    for person in candidates:
        if not PortalAccount.objects.filter(person=person, kind=AccountKind.PERSON).exists():
            user = User.objects.create_user(
                username=f"p-demo-{person.pk}", password=DEMO_PASSWORD, full_name=person.name
            )
            account = PortalAccount.objects.create(
                user=user,
                kind=AccountKind.PERSON,
                person=person,
                phone=person.phone,
                realname_method="demo_seed",
                realname_verified_at=timezone.now(),
            )
            audit_record(
                actor=None,
                action="portal.account_opened",
                subject=account,
                region_code=county.code,
                new={"person": person.pk, "realname_method": "demo_seed"},
            )
        logins.append((person.id_number, person.name))
    if stdout is not None and logins:
        stdout.write(
            f"Online accounts 网上服务大厅 {PORTAL_URL} (sign in with ID number 公民身份号码 + {DEMO_PASSWORD}):"
        )
        for id_number, name in logins:
            stdout.write(f"  {id_number}  {name}")
        stdout.write("  Any other demo person can open an account at /my/register/ 其他参保人可自行注册。")
    return logins


def _demo_scan(title: str) -> SimpleUploadedFile:
    """A small PNG standing in for a scanned material (grey page, a few 'lines of text')."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (420, 594), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 400, 574), outline=(160, 160, 160), width=2)
    for row in range(8):
        draw.rectangle((50, 70 + row * 40, 370 - (row % 3) * 60, 82 + row * 40), fill=(200, 200, 200))
    draw.text((50, 520), "DEMO / SAMPLE", fill=(179, 38, 30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(f"{title}.png", out.getvalue(), content_type="image/png")


def seed_online_application(*, stdout: Any = None) -> Case | None:
    """One online application by the first demo account, waiting for pre-review; None without one."""
    from shebao.cases.services.online import item_materials, online_submit

    account = (
        PortalAccount.objects.filter(kind=AccountKind.PERSON, realname_method="demo_seed")
        .select_related("user", "person")
        .order_by("pk")
        .first()
    )
    edition = published_edition()
    if account is None or account.person is None or edition is None:
        return None
    person = account.person
    case = Case.objects.filter(person=person, channel=Channel.ONLINE).order_by("pk").first()
    if case is None:
        code = DEMO_ONLINE_ITEMS.get(person.gender, DEMO_ONLINE_ITEMS[Gender.MALE])
        item = edition.items.filter(code=code).first()
        if item is None:
            return None
        uploads = {i: [_demo_scan(m.name_zh)] for i, m in enumerate(item_materials(item))}
        case = online_submit(user=account.user, item=item, data={}, uploads=uploads, person=person)
    if stdout is not None:
        stdout.write(
            f"  Online application 网上申报 {case.number} ({case.item_code}, {mask_id_number(person.id_number)}) "
            "waits for pre-review 待预审: sign in as special → /cases/online/"
        )
    return case
