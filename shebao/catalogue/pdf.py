"""Service guide (办事指南) and one-page service notice (办事须知) as A4 PDFs, rendered by WeasyPrint.

Rendered in the active language with the Noto CJK fonts installed on the machine. Nothing is
fetched from the network: the stylesheet is inline, the logo is inline SVG, and the URL fetcher
refuses anything but `data:` URLs and files under the platform's own static folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import get_language

from shebao.catalogue import conditions as acceptance
from shebao.catalogue.models import ItemStep, LocalBinding, ServiceItem
from shebao.core.models import Post, Region, pick_language
from shebao.counter.offers import item_outlets

STATIC_DIR = Path(settings.BASE_DIR) / "shebao" / "static"
LOGO_PATH = STATIC_DIR / "shebao" / "logo.svg"

# The notice should fit one page: try the normal type size (pt) first, then smaller ones.
NOTICE_FONT_SIZES = (11.0, 10.0, 9.0, 8.0, 7.0, 6.0)


@dataclass
class GuideStep:
    step: ItemStep
    posts: list[str]  # post names in the active language


def _local_fetcher() -> Any:
    """A WeasyPrint URL fetcher for `data:` URLs and local static files only; never the network."""
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if not path.is_relative_to(STATIC_DIR.resolve()):
                    raise ValueError(f"Refusing to read {url!r}: outside the static folder.")
            elif parsed.scheme != "data":
                raise ValueError(f"Refusing to fetch {url!r}: PDFs use local resources only.")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("data", "file"))


def guide_context(
    *, item: ServiceItem, binding: LocalBinding | None, region: Region | None = None
) -> dict[str, Any]:
    """What a service guide shows, for the web page and the PDFs alike: post names (one query) and,
    for a chosen region, the outlets that offer the item there (`outlets.item_outlets`), whose records
    alone give the address, hours and phone. The local binding adds only the consultation phone."""
    names = {p.code: p.name for p in Post.objects.all()}
    return {
        "item": item,
        "edition": item.edition,
        "binding": binding,
        "region": region,
        "outlets": item_outlets(item=item, region=region),
        "materials": list(item.materials.all()),
        "steps": [GuideStep(s, [names.get(code, code) for code in s.posts]) for s in item.steps.all()],
        "conditions": acceptance.labels(item.conditions or []),  # 受理条件 the platform checks, in words
    }


def _logo_svg() -> str:
    try:
        return LOGO_PATH.read_text(encoding="utf-8")
    except OSError:
        return ""


def _render(template: str, context: dict[str, Any]) -> Any:
    """Render a template into a WeasyPrint document (not yet written)."""
    from weasyprint import HTML  # imported late: loading WeasyPrint costs a second

    brand = settings.SHEBAO_BRAND
    html = render_to_string(
        template,
        {
            **context,
            "brand": {
                "name": pick_language(brand["name_zh"], brand["name_en"]),
                "agency": pick_language(brand["agency_zh"], brand["agency_en"]),
            },
            "logo_svg": _logo_svg(),
            "lang": get_language() or "zh-hans",
        },
    )
    return HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=_local_fetcher()).render()


def render_guide_pdf(
    *, item: ServiceItem, binding: LocalBinding | None, region: Region | None = None
) -> bytes:
    """The full service guide of an item, A4, as many pages as it needs."""
    document = _render("catalogue/pdf/guide.html", guide_context(item=item, binding=binding, region=region))
    return document.write_pdf()


def render_notice_pdf(
    *, item: ServiceItem, binding: LocalBinding | None, region: Region | None = None
) -> bytes:
    """The one-page service notice (办事须知) to hang at a window or hand out: checklist, limits, where.

    Type shrinks until it fits one page; an item too long for that at 6 pt continues on a second page."""
    context = guide_context(item=item, binding=binding, region=region)
    for size in NOTICE_FONT_SIZES:
        document = _render("catalogue/pdf/notice.html", {**context, "font_size": size})
        if len(document.pages) == 1:
            return document.write_pdf()
    # Even the smallest type overflows: hand out a second sheet rather than cut off the end (where to
    # go, the phone numbers).
    return document.write_pdf()
