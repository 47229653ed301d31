"""Case and catalogue pages show names, never internal codes: the post of each action, the staff
member and the online applicant who acted, not the demo catalogue's source notes (issue 10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shebao.cases.services import case_approve_step, case_return
from shebao.cases.services.online import online_supplement
from shebao.cases.tests import factories as cf
from shebao.cases.tests.test_online import online_office, pdf, upload_root
from shebao.catalogue.tests.factories import item_data, make_published_edition
from shebao.core.tests.factories import make_region_tree

__all__ = ["upload_root"]

pytestmark = pytest.mark.django_db


def _page(user: Any, number: str) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("cases:case", args=[number])).content.decode()


def test_case_page_names_posts_and_people(upload_root: Path) -> None:
    o = online_office()
    o["account"].user.full_name = "王芳"
    o["account"].user.username = "p-0123456789abcdef"
    o["account"].user.save()
    case = cf.accept_special(o)
    case = case_approve_step(case=case, by=o["reviewer"], version=case.version)
    case = case_return(case=case, by=o["leader"], version=case.version, missing=[1], comment="")
    online_supplement(case=case, account=o["account"], uploads={1: [pdf()]})
    page = _page(o["leader"], case.number)
    history = page[page.index("<tbody>") :]
    assert "复核员" in history and "科室负责人" in history  # the posts' names
    for code in ("reviewer", "section_leader", "special_teller", "p-0123456789abcdef"):
        assert f">{code}<" not in history, code
    assert "王芳" in history  # the applicant who sent the supplement, by name


def test_public_guide_hides_the_catalogues_source_notes(client: Client) -> None:
    make_region_tree()
    make_published_edition(items=[item_data(source="catalogue-items.md; limit: instant")])
    page = client.get(reverse("catalogue:item", args=["SB-G-001"])).content.decode()
    assert "catalogue-items.md" not in page and "事项来源" not in page
