"""Demo online accounts: two persons of 青河县 can sign in at once; everyone else can open an account.

`seed_portal_accounts()` is idempotent: it opens accounts (password `Shebao@2026`) for the first two
active persons of the county with a phone number on record, unless they already have one, and leaves
all other persons without an account so that a new user can try the registration flow.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from shebao.audit.services import audit_record
from shebao.core.demo import DEMO_PASSWORD
from shebao.core.models import Region, User
from shebao.portal.models import AccountKind, PortalAccount
from shebao.registry.demo import TELLER_COUNTY
from shebao.registry.models import Person, PersonStatus

DEMO_ACCOUNTS = 2
PORTAL_URL = "http://127.0.0.1:8000/my/"


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
        .distinct()
        .order_by("id")[:DEMO_ACCOUNTS]
    )
    logins: list[tuple[str, str]] = []
    for person in candidates:
        if not PortalAccount.objects.filter(person=person, kind=AccountKind.PERSON).exists():
            user = User.objects.create_user(username=f"p-demo-{person.pk}", password=DEMO_PASSWORD)
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
