"""Public catalogue pages: the browser and the service guide, anonymous, in Chinese and English."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shebao.catalogue.services import binding_save, edition_create_draft, item_save
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.core.tests.factories import make_region_tree, make_staff
from shebao.counter.tests.factories import hall

pytestmark = pytest.mark.django_db

MATERNITY = {
    "code": "SB-M-003",
    "order": 3,
    "name_zh": "生育津贴申领",
    "name_en": "Maternity allowance claim",
    "zone": "medical",
    "item_type": "promised",
    "statutory_limit_days": 10,
    "promised_limit_days": 8,
    "insurance_types": ["maternity"],
    "channels": ["counter", "online", "mobile"],
    "trips": 1,
    "fee": "15.00",
    "fee_basis": "省物价局收费文件",
    "cross_province": True,
    "supervision_phone": "0551-9999999",
    "implementing_body_zh": "甲市社会保险事业管理中心",
    "acceptance_conditions_zh": "参保职工生育或实施计划生育手术。",
    "legal_basis": [
        {"law": "社会保险经办条例", "article": "第二十条"},
        {"law": "中华人民共和国社会保险法", "article": "第五十四条"},
    ],
}


@pytest.fixture
def regions():
    return make_region_tree()


@pytest.fixture
def catalogue(regions):
    edition = make_published_edition(
        items=[item_data(), special_item_data(), special_item_data(**MATERNITY, business_class="general")]
    )
    binding_save(region=regions["county_a1"], item_code="SB-S-001", values={"phone": "0551-1234567"}, by=None)
    county_hall = hall(regions["county_a1"])  # general and special windows of every zone
    county_hall.address = "甲一县人民路1号政务服务中心"
    county_hall.opening_hours = "周一至周五 9:00-17:00"
    county_hall.phone = "0551-7654321"
    county_hall.save()
    return edition


def codes(response) -> list[str]:
    """Item codes listed on a browse page, in order."""
    return re.findall(r'href="/items/([^/"]+)/"', response.content.decode())


def en_client() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


# ---------------------------------------------------------------------------------------------
# Browse


def test_browse_in_chinese_by_default(client, catalogue):
    response = client.get(reverse("catalogue:browse"))
    assert response.status_code == 200
    text = response.content.decode()
    for label in ("服务事项清单", "按事项名称或编码查询", "承诺办结时限", "跑动次数", "3</strong> 个事项"):
        assert label in text
    for name in ("职工参保登记", "失业保险金申领", "生育津贴申领"):
        assert name in text
    assert "即办件" in text and "承诺件" in text
    assert "特殊性业务" in text and "一般性业务" in text
    assert "参保征缴" in text  # zone heading
    assert "网上办理" in text  # channel
    assert codes(response) == ["SB-G-001", "SB-M-003", "SB-S-001"]  # grouped by zone


def test_browse_in_english_by_cookie(catalogue):
    response = en_client().get(reverse("catalogue:browse"))
    text = response.content.decode()
    assert '<html lang="en">' in text
    assert "Service catalogue" in text and "Promised time limit" in text
    assert "Employee enrolment" in text and "Unemployment benefit claim" in text
    assert "职工参保登记" not in text


def test_browser_language_does_not_override_the_chinese_default(client, catalogue):
    # A hall PC with an English-locale browser still shows Chinese until someone switches.
    text = client.get(reverse("catalogue:browse"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "生育津贴申领" in text and "Maternity allowance claim" not in text


def test_language_switch_turns_the_catalogue_english(client, catalogue):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    text = client.get(reverse("catalogue:browse")).content.decode()
    assert "Maternity allowance claim" in text and "Search by name or code" in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SB-S-001", ["SB-S-001"]),
        ("sb-m", ["SB-M-003"]),
        ("失业", ["SB-S-001"]),
        ("maternity", ["SB-M-003"]),
        ("Enrolment", ["SB-G-001"]),
    ],
)
def test_search_by_code_and_name(client, catalogue, query, expected):
    assert codes(client.get(reverse("catalogue:browse"), {"q": query})) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"insurance_type": "maternity"}, ["SB-M-003"]),
        ({"insurance_type": "employee_pension"}, ["SB-G-001"]),
        ({"zone": "pension"}, ["SB-S-001"]),
        ({"zone": "medical"}, ["SB-M-003"]),
        ({"channel": "online"}, ["SB-G-001", "SB-M-003"]),
        ({"channel": "mobile"}, ["SB-M-003"]),
        ({"business_class": "special"}, ["SB-S-001"]),
        ({"business_class": "general"}, ["SB-G-001", "SB-M-003"]),
        ({"business_class": "general", "channel": "counter", "zone": "medical"}, ["SB-M-003"]),
    ],
)
def test_each_filter_narrows(client, catalogue, params, expected):
    assert codes(client.get(reverse("catalogue:browse"), params)) == expected


def test_unknown_filter_value_is_reported_and_ignored(client, catalogue):
    response = client.get(reverse("catalogue:browse"), {"zone": "nowhere"})
    assert "未知的业务区“nowhere”，已忽略此筛选条件。" in response.content.decode()
    assert len(codes(response)) == 3


def test_empty_result_is_friendly(client, catalogue):
    text = client.get(reverse("catalogue:browse"), {"q": "没有这个事项"}).content.decode()
    assert "没有符合条件的服务事项" in text
    assert "0</strong> 个事项" in text


def test_htmx_request_returns_only_the_results_fragment(client, catalogue):
    response = client.get(reverse("catalogue:browse"), {"zone": "pension"}, HTTP_HX_REQUEST="true")
    text = response.content.decode().strip()
    # the fragment, plus the language switch's return address swapped out of band
    assert text.startswith(
        '<input type="hidden" name="next" id="lang-next" value="/?zone=pension" hx-swap-oob="true">'
    )
    assert text.split("\n", 1)[1].startswith('<section id="results"')
    assert "<html" not in text and "<form" not in text and "brand-bar" not in text
    assert codes(response) == ["SB-S-001"]
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client, catalogue):
    response = client.get(
        reverse("catalogue:browse"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_full_page_has_plain_get_form_and_htmx_attributes(client, catalogue):
    text = client.get(reverse("catalogue:browse")).content.decode()
    assert 'method="get"' in text and 'hx-get="/"' in text and 'hx-target="#results"' in text
    assert "/static/vendor/htmx.min.js" in text


def test_no_published_edition_says_so(client, regions):
    response = client.get(reverse("catalogue:browse"))
    assert response.status_code == 200
    assert "服务事项清单尚未发布" in response.content.decode()


def test_browse_query_count_is_bounded(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(reverse("catalogue:browse"))
    make_published_edition(
        items=[item_data(code=f"SB-X-{i:03d}", name_zh=f"事项{i}", order=i) for i in range(30)]
    )
    with django_assert_max_num_queries(8):
        response = client.get(reverse("catalogue:browse"), {"channel": "counter"})
    assert len(codes(response)) == 30


# ---------------------------------------------------------------------------------------------
# Service guide


def test_guide_shows_every_element(client, catalogue):
    url = reverse("catalogue:item", args=["SB-S-001"])
    text = client.get(url, {"region": "990101"}).content.decode()
    expected = [
        "失业保险金申领",  # name
        "SB-S-001",  # code
        "养老·失业待遇",  # zone
        "失业保险",  # insurance type
        "特殊性业务",  # business class
        "风险等级",
        "高",  # risk
        "涉及基金支付",
        "实施主体",
        "社会保险经办机构",  # implementing body
        "《社会保险经办条例》",
        "第二十四条",  # legal basis: law and article
        "受理条件",
        "用人单位为职工办理参保登记。",  # acceptance conditions
        "解除劳动合同证明",  # material
        "失业保险条例 第十六条",  # the material's legal basis
        "原件核验; 复印件份数: 1",  # original and copies
        "身份证件（《社会保险经办条例》第三十一条）",  # identity card needs no further basis
        "特殊业务柜员",
        "复核员",
        "科室负责人",  # posts of the steps
        "承诺件",  # item type
        "法定办结时限</th><td>10 个工作日",
        "承诺办结时限</th><td>5 个工作日",
        "不收费",  # fee
        "窗口办理",  # channels
        "1 · 最多跑一次",  # trips
        "甲一县社保服务大厅",  # where: the county's outlet that offers the item
        "甲一县人民路1号政务服务中心</span> · 周一至周五 9:00-17:00 · 联系电话 0551-7654321",  # its record
        "0551-1234567",  # consultation phone from the binding
        "监督投诉电话",
        "12333",  # complaint phone
        "全省通办",
        "跨省通办",
        "清单版本 1",  # edition number
        "发布于 " + timezone.localtime(catalogue.published_at).strftime("%Y-%m-%d"),  # publication date
        "/items/SB-S-001/guide.pdf?region=990101",
        "/items/SB-S-001/notice.pdf?region=990101",
    ]
    for fragment in expected:
        assert fragment in text, fragment
    steps = re.findall(r'<span class="step-name">([^<]+)</span>', text)
    assert steps == ["受理", "复核", "审批", "办结"]
    # Where and when once, from the outlet record.
    assert text.count("甲一县人民路1号政务服务中心") == 1 and text.count("周一至周五 9:00-17:00") == 1


def test_guide_fee_basis_flags_and_several_laws(client, catalogue):
    text = client.get(reverse("catalogue:item", args=["SB-M-003"])).content.decode()
    assert "¥15.00" in text and "省物价局收费文件" in text
    assert "是：可跨省通办" in text
    assert '《社会保险经办条例》</span> <span class="article">第二十条' in text
    assert '《中华人民共和国社会保险法》</span> <span class="article">第五十四条' in text
    assert "0551-9999999" in text  # the item's complaint phone
    assert "甲市社会保险事业管理中心" in text


def test_guide_without_region_falls_back_to_12333(client, catalogue):
    text = client.get(reverse("catalogue:item", args=["SB-S-001"])).content.decode()
    assert "请拨打12333服务热线查询就近的经办网点及办公时间。" in text
    assert "甲一县人民路1号" not in text
    assert '<td class="phone">12333</td>' in text  # consultation phone


def test_guide_region_inherits_the_nearest_binding(client, catalogue):
    text = client.get(reverse("catalogue:item", args=["SB-S-001"]), {"region": "990101001"}).content.decode()
    assert text.count("甲一县人民路1号政务服务中心") == 1  # a township is served by its county's hall
    assert "0551-1234567" in text
    assert "该地区尚未填报办理信息，以下信息来自甲一县。" in text
    other = client.get(reverse("catalogue:item", args=["SB-S-001"]), {"region": "990201"}).content.decode()
    assert "甲一县人民路1号" not in other  # another city's hall is not "around" 乙一县
    assert "乙一县及周边暂无可现场办理此事项的网点" in other and "12333" in other


def test_guide_region_picker_lists_cities_counties_townships(client, catalogue):
    text = client.get(reverse("catalogue:item", args=["SB-G-001"])).content.decode()
    for code in ("990100", "990101", "990101001", "990201001"):
        assert f'value="{code}"' in text
    assert 'value="990000"' not in text  # the province sets the standard, it has no office here


def test_guide_unknown_region_is_reported(client, catalogue):
    response = client.get(reverse("catalogue:item", args=["SB-G-001"]), {"region": "123"})
    assert response.status_code == 200
    assert "未知的行政区划“123”。" in response.content.decode()


def test_guide_in_english(catalogue):
    text = en_client().get(reverse("catalogue:item", args=["SB-S-001"])).content.decode()
    for fragment in (
        "Unemployment benefit claim",
        "Service guide",
        "Legal basis",
        "Materials",
        "Proof of terminated employment",
        "Special-window teller",
        "Statutory time limit</th><td>10 working days",
        "Free of charge",
        "At most one trip to the office",
        "Call the service hotline 12333",
    ):
        assert fragment in text, fragment
    assert "失业保险金申领" not in text


def test_unknown_code_is_a_404_in_the_users_language(client, catalogue):
    response = client.get(reverse("catalogue:item", args=["NOPE"]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    response = en_client().get(reverse("catalogue:item", args=["NOPE"]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert client.get(reverse("catalogue:item_pdf", args=["NOPE"])).status_code == 404


def test_guide_without_any_published_edition_is_404(client, regions):
    assert client.get(reverse("catalogue:item", args=["SB-G-001"])).status_code == 404


# ---------------------------------------------------------------------------------------------
# Draft preview


@pytest.fixture
def draft(regions, catalogue):
    admin = make_staff("admin1", region=regions["province"], posts=["admin"])
    edition = edition_create_draft(by=admin, title="草稿")
    item_save(edition=edition, data=item_data(name_zh="职工参保登记（新版）"), by=admin)
    return edition, admin


def test_draft_preview_is_hidden_from_anonymous_users(client, draft):
    edition, _admin = draft
    url = reverse("catalogue:item", args=["SB-G-001"])
    assert client.get(url, {"edition": edition.number}).status_code == 404
    assert client.get(url, {"edition": "abc"}).status_code == 404
    assert client.get(url, {"edition": 999}).status_code == 404
    assert "（新版）" not in client.get(url).content.decode()


def test_draft_preview_is_hidden_from_staff_without_catalogue_edit(client, regions, draft):
    edition, _admin = draft
    teller = make_staff("teller1", region=regions["city_a"], posts=["general_teller"])
    client.force_login(teller)
    assert (
        client.get(reverse("catalogue:item", args=["SB-G-001"]), {"edition": edition.number}).status_code
        == 404
    )


def test_catalogue_editor_may_preview_a_draft(client, draft):
    edition, admin = draft
    client.force_login(admin)
    response = client.get(reverse("catalogue:item", args=["SB-G-001"]), {"edition": edition.number})
    assert response.status_code == 200
    text = response.content.decode()
    assert "职工参保登记（新版）" in text
    assert "这是未发布清单版本的预览" in text
    assert f"guide.pdf?edition={edition.number}" in text


def test_published_edition_by_number_is_public(client, catalogue):
    url = reverse("catalogue:item", args=["SB-G-001"])
    assert client.get(url, {"edition": catalogue.number}).status_code == 200


# ---------------------------------------------------------------------------------------------
# Shell: brand and language switch


def test_brand_and_language_switch_on_every_page(client, catalogue):
    for url in (
        reverse("catalogue:browse"),
        reverse("catalogue:item", args=["SB-G-001"]),
        reverse("catalogue:item", args=["NOPE"]),
    ):
        text = client.get(url).content.decode()
        assert "社保统一公共服务平台" in text
        assert "/static/shebao/logo.svg" in text and "/static/shebao/site.css" in text
        assert 'action="/i18n/setlang/"' in text and 'value="en"' in text
        assert 'href="#main"' in text and 'id="main"' in text  # skip link
        assert "http://" not in text and "https://" not in text  # every asset local


def test_language_switch_sets_english(client, catalogue):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/items/SB-G-001/"})
    assert response.status_code == 302 and response["Location"] == "/items/SB-G-001/"
    assert "Employee enrolment" in client.get("/items/SB-G-001/").content.decode()
