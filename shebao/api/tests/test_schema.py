"""The OpenAPI schema documents every endpoint and validates without warnings."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command


@pytest.mark.django_db
def test_schema_endpoint_serves_openapi_3(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3")
    paths = schema["paths"]
    for path in (
        "/api/v1/catalogue/items/",
        "/api/v1/catalogue/items/{code}/",
        "/api/v1/catalogue/editions/",
        "/api/v1/catalogue/editions/{number}/",
        "/api/v1/catalogue/editions/{old}/diff/{new}/",
        "/api/v1/catalogue/conformance/",
    ):
        assert "get" in paths[path], path
        ok = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert "$ref" in ok, path
    assert "Error" in schema["components"]["schemas"]


@pytest.mark.django_db
def test_docs_page_loads_its_assets_locally(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_spectacular_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert str(schema["openapi"]).startswith("3")
