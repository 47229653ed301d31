"""Self-service accounts stay out of the staff side: refused at the staff sign-in, sent home from the desk."""

import pytest
from django.test import Client
from django.urls import reverse

from shebao.portal.tests.test_accounts_world import FAST_HASHERS, PASSWORD, make_account
from shebao.registry.tests import factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    from shebao.core.tests.factories import make_region_tree

    county = make_region_tree()["county_a1"]
    return make_account(rf.person(at=county, name="王芳", id_number=rf.make_id_number(gender="F")))


def test_staff_sign_in_refuses_a_self_service_account(account):
    client = Client()
    response = client.post(reverse("core:login"), {"username": account.user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "网上办事" in response.content.decode()  # sent to the online services sign-in
    assert "_auth_user_id" not in client.session


def test_the_staff_desk_sends_a_self_service_account_home(account):
    client = Client()
    client.force_login(account.user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
