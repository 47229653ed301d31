"""The demo employer's agent: one agent account for an employer of 青河县 (the teller's county).

`seed_employer_agent()` is idempotent: it picks the first active employer of the county that has staff
and a contact phone, takes its first current employee as the agent, and opens (once) the agent account
with the demo password. `demo_seed` prints the sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from shebao.audit.services import audit_record
from shebao.core.masking import mask_id_number
from shebao.demo.province import DEMO_PASSWORD
from shebao.portal.employer import agent_username
from shebao.portal.models import AccountKind, PortalAccount
from shebao.registry.demo import TELLER_COUNTY
from shebao.registry.models import Employer, EmployerStatus, Person


@dataclass(frozen=True)
class DemoAgent:
    """What the demo prints: where and how the agent signs in."""

    employer_name: str
    credit_code: str
    agent_name: str
    id_number: str
    password: str
    created: bool
    url: str = "/my/employer/login/"


def _pick() -> tuple[Employer, Person] | None:
    employers = (
        Employer.objects.filter(
            region__code=TELLER_COUNTY,
            status=EmployerStatus.ACTIVE,
            enrolments__end_date__isnull=True,
        )
        .exclude(contact_phone="")
        .select_related("region")
        .distinct()
        .order_by("id")
    )
    for employer in employers[:20]:
        person = (
            Person.objects.filter(enrolments__employer=employer, enrolments__end_date__isnull=True)
            .order_by("id")
            .first()
        )
        if person is not None:
            return employer, person
    return None


@transaction.atomic
def seed_employer_agent() -> DemoAgent | None:
    """Open the demo agent account if it is missing; None when the registry has no fitting employer."""
    existing = (
        PortalAccount.objects.filter(
            kind=AccountKind.EMPLOYER_AGENT, employer__region__code=TELLER_COUNTY, person__isnull=False
        )
        .select_related("employer", "person", "user")
        .order_by("id")
        .first()
    )
    if existing is not None and existing.employer is not None and existing.person is not None:
        return DemoAgent(
            employer_name=existing.employer.name,
            credit_code=existing.employer.credit_code,
            agent_name=existing.person.name,
            id_number=existing.person.id_number,
            password=DEMO_PASSWORD,
            created=False,
        )
    picked = _pick()
    if picked is None:
        return None
    employer, person = picked
    user_model = get_user_model()
    user = user_model(
        username=agent_username(employer=employer, id_number=person.id_number), full_name=person.name
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    account = PortalAccount.objects.create(
        user=user,
        kind=AccountKind.EMPLOYER_AGENT,
        employer=employer,
        person=person,
        phone=employer.contact_phone,
    )
    audit_record(
        actor=None,
        action="portal.employer_agent_opened",
        subject=account,
        region_code=employer.region.code,
        new={"employer": employer.credit_code, "agent": mask_id_number(person.id_number), "demo": True},
    )
    return DemoAgent(
        employer_name=employer.name,
        credit_code=employer.credit_code,
        agent_name=person.name,
        id_number=person.id_number,
        password=DEMO_PASSWORD,
        created=True,
    )


def demo_agent_text() -> str:
    """Seed the demo agent and say how to sign in (the line `demo_seed` prints)."""
    agent = seed_employer_agent()
    if agent is None:
        return "Employer agent 单位经办人: no active employer with staff in 青河县; none created."
    return (
        f"Employer agent 单位经办人 ({agent.employer_name}): http://127.0.0.1:8000{agent.url} — "
        f"credit code 统一社会信用代码 {agent.credit_code}, ID number 身份证号 {agent.id_number} "
        f"({agent.agent_name}), password 密码 {agent.password}"
        + ("" if agent.created else " (already there 已存在)")
    )
