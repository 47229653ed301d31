"""The seeds' own test: 生育津贴申领 is the same item in every county — same code, materials, steps and
time limit — accepted at any special window and approved by that county's reviewer and section leader."""

from __future__ import annotations

import pytest

from shebao.cases.models import CaseStatus
from shebao.cases.services import case_accept, case_approve_step
from shebao.cases.tests import factories as f
from shebao.catalogue.tests.factories import make_published_edition, special_item_data
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree, make_staff
from shebao.counter.tests.factories import hall
from shebao.registry.tests import factories as rf

pytestmark = pytest.mark.django_db

MATERNITY = "SB-M-301"


def maternity_item():
    return special_item_data(
        code=MATERNITY,
        name_zh="生育津贴申领",
        name_en="Maternity allowance claim",
        zone="medical",
        fund_payout=True,
        promised_limit_days=10,
        statutory_limit_days=10,
        insurance_types=["maternity"],
        materials=[
            {
                "name_zh": "居民身份证",
                "is_identity_document": True,
                "original_checked": True,
                "required": True,
            },
            {
                "name_zh": "出生医学证明",
                "copies": 1,
                "required": True,
                "legal_basis": "社会保险法 第五十四条",
            },
        ],
        steps=[
            {"kind": "accept", "name_zh": "受理", "name_en": "Accept", "posts": [PostCode.SPECIAL_TELLER]},
            {"kind": "review", "name_zh": "复核", "name_en": "Review", "posts": [PostCode.REVIEWER]},
            {"kind": "approve", "name_zh": "审批", "name_en": "Approve", "posts": [PostCode.SECTION_LEADER]},
        ],
    )


def test_maternity_allowance_is_the_same_item_in_every_county():
    regions = make_region_tree()
    make_published_edition([maternity_item()])
    counties = [regions["county_a1"], regions["county_a2"], regions["county_b1"]]
    cases = []
    for n, county in enumerate(counties):
        windows = f.windows(hall(county, code=f"hall-{county.code}"))
        teller = f.teller_at(f"st{n}", window=windows["9"], posts=[PostCode.SPECIAL_TELLER])
        reviewer = make_staff(f"rev{n}", region=county, posts=[PostCode.REVIEWER])
        leader = make_staff(f"lead{n}", region=county, posts=[PostCode.SECTION_LEADER])
        mother = rf.person(at=county, name=f"产妇{n}", id_number=rf.make_id_number(gender="F"))
        case = case_accept(teller=teller, item=f.item(MATERNITY), person=mother, data={}, received=[0, 1])
        assert case.status == CaseStatus.ACCEPTED and case.region == county and case.window == windows["9"]
        case = case_approve_step(case=case, by=reviewer, version=case.version)
        case = case_approve_step(case=case, by=leader, version=case.version)
        assert case.status == CaseStatus.COMPLETED
        cases.append(case)
    same = {
        (
            c.item_id,
            c.item_code,
            tuple(m.name_zh for m in c.item.materials.all()),
            tuple((s.kind, tuple(s.posts)) for s in c.item.steps.all()),
            c.item.promised_limit_days,
        )
        for c in cases
    }
    assert len(same) == 1 and len({c.region_id for c in cases}) == 3
