"""The phone API's list of items to apply for: the portal's list, so a person gets no employer's item."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from shebao.api.tests.test_portal_api_world import (
    ONLINE_BULK,
    ONLINE_EMPLOYER,
    ONLINE_GENERAL,
    auth,
    token_for,
    world,
)

pytestmark = pytest.mark.django_db


def test_a_person_is_offered_no_employer_item_and_an_agent_no_person_item() -> None:
    cache.clear()  # the sign-in throttle counts per client address
    w = world()
    client = Client()
    person = auth(token_for(client, w["person"].id_number))
    body = client.get("/api/v1/applications/items/", headers=person).json()
    codes = {row["code"] for row in body["results"]}
    assert ONLINE_GENERAL in codes and ONLINE_EMPLOYER not in codes and ONLINE_BULK not in codes
    row = next(r for r in body["results"] if r["code"] == ONLINE_GENERAL)
    assert row["name"] == "参保人员联系电话变更（网办）" and row["zone_label"]
    agent = auth(token_for(client, w["agent_id_number"], credit_code=w["employer"].credit_code))
    codes = {r["code"] for r in client.get("/api/v1/applications/items/", headers=agent).json()["results"]}
    assert ONLINE_EMPLOYER in codes and ONLINE_GENERAL not in codes
    searched = client.get("/api/v1/applications/items/", {"q": "网办复核"}, headers=person).json()
    assert [r["code"] for r in searched["results"]] != [] and ONLINE_GENERAL not in {
        r["code"] for r in searched["results"]
    }
    assert client.get("/api/v1/applications/items/").status_code == 401
