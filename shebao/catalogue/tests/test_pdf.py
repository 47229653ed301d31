"""The service guide and the one-page service notice as PDFs (WeasyPrint, Noto CJK, no network).

Rendering is slow-ish, so each PDF is rendered once for the whole module (`pdfs`), from data that is
rolled back afterwards; the tests then look at the bytes.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from shebao.catalogue import pdf
from shebao.catalogue.services import binding_save
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.core.tests.factories import make_region_tree
from shebao.counter.tests.factories import hall

# Marked so pytest-django runs these with the other database tests, before any transactional test
# empties the tables the module fixture relies on.
pytestmark = pytest.mark.django_db


def _material(i: int) -> dict:
    return {
        "name_zh": f"第{i}项证明材料（用于核对申请人情况的书面材料）",
        "name_en": f"Supporting document {i}",
        "is_identity_document": False,
        "original_checked": True,
        "copies": 1,
        "required": i % 2 == 0,
        "legal_basis": "失业保险条例 第十六条",
        "note_zh": "由出具单位加盖公章",
        "note_en": "",
    }


@pytest.fixture(scope="module")
def pdfs(django_db_setup, django_db_blocker):
    """Render each PDF once: guide and notice of a special item for a county, and a long notice."""
    out: dict = {}
    with django_db_blocker.unblock(), transaction.atomic():
        regions = make_region_tree()
        long_item = item_data(
            code="SB-G-LONG", name_zh="材料很多的事项", materials=[_material(i) for i in range(24)]
        )
        too_long = item_data(
            code="SB-G-HUGE", order=99, name_zh="材料极多的事项", materials=[_material(i) for i in range(70)]
        )
        make_published_edition(items=[item_data(), special_item_data(), long_item, too_long])
        binding_save(
            region=regions["county_a1"], item_code="SB-S-001", values={"phone": "0551-1234567"}, by=None
        )
        hall(regions["county_a1"])
        client = Client()
        for key, url in {
            "guide": reverse("catalogue:item_pdf", args=["SB-S-001"]) + "?region=990101",
            "notice": reverse("catalogue:notice_pdf", args=["SB-S-001"]) + "?region=990101",
            "long_notice": reverse("catalogue:notice_pdf", args=["SB-G-LONG"]),
            "huge_notice": reverse("catalogue:notice_pdf", args=["SB-G-HUGE"]),
        }.items():
            out[key] = client.get(url)
        transaction.set_rollback(True)
    return out


def _inflated(content: bytes) -> bytes:
    """The PDF with every compressed stream inflated, so object dictionaries can be searched."""
    parts = [content]
    for match in re.finditer(rb"stream\r?\n", content):
        try:
            parts.append(zlib.decompressobj().decompress(content[match.end() : match.end() + 4_000_000]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _page_count(content: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", _inflated(content)))


def _fonts(content: bytes) -> set[str]:
    return {m.decode() for m in re.findall(rb"/BaseFont\s*/([\w+\-]+)", _inflated(content))}


@pytest.mark.parametrize("key", ["guide", "notice", "long_notice"])
def test_pdfs_are_pdfs_served_inline(pdfs, key):
    response = pdfs[key]
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("inline; filename=")


def test_filenames_name_the_item(pdfs):
    assert pdfs["guide"]["Content-Disposition"] == 'inline; filename="guide-SB-S-001.pdf"'
    assert pdfs["notice"]["Content-Disposition"] == 'inline; filename="notice-SB-S-001.pdf"'


@pytest.mark.parametrize("key", ["guide", "notice"])
def test_pdfs_embed_the_noto_cjk_font(pdfs, key):
    fonts = _fonts(pdfs[key].content)
    assert any("Noto" in f and "CJK" in f for f in fonts), fonts


def test_notice_is_exactly_one_page(pdfs):
    assert _page_count(pdfs["notice"].content) == 1


def test_notice_with_many_materials_still_fits_one_page(pdfs):
    assert _page_count(pdfs["long_notice"].content) == 1


def test_notice_too_long_for_one_page_continues_rather_than_losing_its_end(pdfs):
    # 70 materials do not fit even at the smallest type: the checklist, "where and when" and the
    # phone numbers at the bottom go on a second sheet instead of being cut off.
    assert pdfs["huge_notice"].status_code == 200
    assert _page_count(pdfs["huge_notice"].content) == 2


def test_guide_has_at_least_one_page(pdfs):
    assert _page_count(pdfs["guide"].content) >= 1


# The HTML the PDFs are made from (cheap to check, no WeasyPrint).


@pytest.fixture
def guide_data(db):
    regions = make_region_tree()
    edition = make_published_edition(items=[special_item_data()])
    binding = binding_save(
        region=regions["county_a1"], item_code="SB-S-001", values={"phone": "0551-1234567"}, by=None
    ).binding
    hall(regions["county_a1"])  # 人民路1号, 周一至周五 9:00-17:00
    item = edition.items.get(code="SB-S-001")
    return item, binding


def _html(template: str, item, binding, **extra) -> str:
    context = {
        **pdf.guide_context(item=item, binding=binding, region=binding.region if binding else None),
        "brand": {"name": "B", "agency": "A"},
        **extra,
    }
    return render_to_string(template, context)


def test_notice_html_has_checklist_limits_where_and_phones(guide_data):
    item, binding = guide_data
    with translation.override("zh-hans"):
        html = _html("catalogue/pdf/notice.html", item, binding, font_size=11.0)
    for fragment in (
        "办事须知",
        "失业保险金申领",
        "SB-S-001",
        '<td class="box">☐</td>',
        "解除劳动合同证明",
        "5 个工作日",
        "跑动次数",
        "甲一县社保服务大厅",
        "人民路1号</span> · 周一至周五 9:00-17:00",
        "0551-1234567",
        "12333",
        "font-size: 11.0pt",
        "Noto Sans CJK SC",
    ):
        assert fragment in html, fragment
    assert html.count('<td class="box">☐</td>') == 2
    assert "http://" not in html and "https://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_guide_html_follows_the_active_language(guide_data):
    item, binding = guide_data
    with translation.override("en"):
        html = _html("catalogue/pdf/guide.html", item, binding)
    assert "Service guide" in html and "Unemployment benefit claim" in html and "Reviewer" in html
    with translation.override("zh-hans"):
        html = _html("catalogue/pdf/guide.html", item, binding)
    assert "办事指南" in html and "失业保险金申领" in html and "复核员" in html and "第二十四条" in html


def test_guide_html_without_binding_falls_back_to_12333(guide_data):
    item, _binding = guide_data
    with translation.override("zh-hans"):
        html = _html("catalogue/pdf/guide.html", item, None)
    assert "请拨打12333服务热线查询就近的经办网点及办公时间。" in html


# The URL fetcher never goes to the network.


def test_fetcher_refuses_remote_urls():
    fetcher = pdf._local_fetcher()
    for url in ("http://example.com/x.css", "https://static.example.com/font.woff2", "ftp://example.com/a"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_fetcher_refuses_files_outside_static():
    with pytest.raises(ValueError):
        pdf._local_fetcher().fetch("file:///etc/passwd")


def test_fetcher_reads_local_static_files():
    response = pdf._local_fetcher().fetch(Path(pdf.LOGO_PATH).resolve().as_uri())
    try:
        assert b"<svg" in response.read()
    finally:
        response.close()
