"""A NUL character in an address, query or form is refused with a 400, never a server error."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_api_query_with_nul_gets_the_error_shape():
    response = Client().get("/api/v1/catalogue/items/", {"q": "生育\x00"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_page_query_and_form_with_nul_are_refused():
    assert Client().get("/", {"q": "a\x00b"}).status_code == 400
    assert Client().post("/login/", {"username": "x\x00", "password": "y"}).status_code == 400
    assert Client().get("/items/SB%00/").status_code == 400
