"""Identity checks say why, the same way everywhere: the desk, the registry search and the department API
all call `identity.check_identifier`; a credit code is checked as a credit code."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from stdnum.cn import ric

from shebao.core.errors import ApplicationError
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_staff
from shebao.registry.identity import EMPLOYER, PERSON, check_identifier
from shebao.registry.models import DepartmentAccess
from shebao.registry.tests.test_department_api import (  # noqa: F401 - `world` is the fixture
    CREDIT_CODE,
    ID_NUMBER,
    PERSON_URL,
    _api,
    world,
)

pytestmark = pytest.mark.django_db

BAD_CHECK_DIGIT = ID_NUMBER[:17] + "1"  # the standard's example with a wrong last character
BAD_DATE = "11010519491331002" + ric.calc_check_digit(
    "11010519491331002" + "0"
)  # month 13, check digit right
BAD_CREDIT_CODE = CREDIT_CODE[:17] + "A"  # allowed character, wrong check character


def reason(value: str, kind: str = "") -> tuple[str, str]:
    with pytest.raises(ApplicationError) as refused:
        check_identifier(value, kind=kind)
    return refused.value.code, str(refused.value.message)


def test_one_function_gives_the_specific_reason() -> None:
    assert check_identifier(ID_NUMBER).kind == PERSON
    assert check_identifier(CREDIT_CODE.lower()).kind == EMPLOYER
    code, message = reason(BAD_CHECK_DIGIT)
    assert code == "id_number_invalid" and "校验码" in message
    code, message = reason(BAD_DATE)
    assert code == "id_number_invalid" and "19491331" in message
    assert reason(ID_NUMBER[:15])[0] == "id_number_invalid"
    # A mistyped credit code is refused as a credit code, not as an ID number.
    code, message = reason(BAD_CREDIT_CODE)
    assert code == "credit_code_invalid" and "统一社会信用代码" in message
    assert reason(CREDIT_CODE, kind=PERSON)[0] == "id_number_invalid"
    assert reason(ID_NUMBER, kind=EMPLOYER)[0] == "credit_code_invalid"


def test_desk_checks_a_credit_code_as_a_credit_code() -> None:
    from shebao.cases.tests import factories as cf

    o = cf.office()
    client = Client()
    client.force_login(o["general_teller"])
    page = client.post(reverse("cases:desk"), {"action": "identify", "q": BAD_CREDIT_CODE})
    assert page.status_code == 400
    assert reason(BAD_CREDIT_CODE)[1] in page.content.decode()


def test_registry_search_gives_the_reason_and_does_not_echo_the_number(world: dict[str, Any]) -> None:  # noqa: F811
    admin = make_staff("reg", region=world["regions"]["province"], posts=[PostCode.ADMIN])
    client = Client()
    client.force_login(admin)
    for value in (BAD_CHECK_DIGIT, BAD_DATE, BAD_CREDIT_CODE):
        response = client.post(reverse("registry:search"), {"q": value})
        page = response.content.decode()
        assert response.status_code == 400
        assert reason(value)[1] in page and value not in page
    # A name and a good number search as before.
    assert client.post(reverse("registry:search"), {"q": "张三"}).status_code == 200
    assert "张三" in client.post(reverse("registry:search"), {"q": ID_NUMBER}).content.decode()


def test_department_api_gives_the_reason_and_logs_the_refusal(world: dict[str, Any]) -> None:  # noqa: F811
    api = _api(world["tax_key"])
    response = api.post(PERSON_URL, {"id_number": BAD_CHECK_DIGIT}, HTTP_X_PURPOSE="个人所得税核对")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["message"]) == reason(BAD_CHECK_DIGIT, PERSON)
    bad_employer = api.get(f"/api/v1/registry/employers/{BAD_CREDIT_CODE}/", {"purpose": "企业所得税核对"})
    assert bad_employer.status_code == 400
    assert bad_employer.json()["error"]["message"] == reason(BAD_CREDIT_CODE, EMPLOYER)[1]
    assert list(DepartmentAccess.objects.values_list("allowed", "reason")) == [
        (False, "invalid_number"),
        (False, "invalid_number"),
    ]
