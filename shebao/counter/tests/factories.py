"""Counter fixtures built through the real models: a county hall with windows of each kind."""

from __future__ import annotations

from typing import Any

from shebao.core.models import Office, Post, Region, User
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree
from shebao.counter.models import Outlet, OutletKind, Window, WindowKind

ZONES = ["enrolment", "medical", "pension"]


def make_staff(username: str, *, region: Region, posts: list[str]) -> User:
    """A staff member without a password (tests sign in with `force_login`; hashing is slow)."""
    office, _ = Office.objects.get_or_create(region=region, name_zh=f"{region.name_zh}社保中心")
    user = User.objects.create(username=username, full_name=username, office=office)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user.posts.set(Post.objects.filter(code__in=posts))
    return user


def hall(region: Region, code: str = "hall-a1") -> Outlet:
    outlet = Outlet.objects.create(
        code=code,
        name_zh=f"{region.name_zh}社保服务大厅",
        name_en=f"{region.name_en} service hall",
        kind=OutletKind.COUNTY_HALL,
        region=region,
        address="人民路1号",
        opening_hours="周一至周五 9:00-17:00",
    )
    Window.objects.create(outlet=outlet, number="1", kind=WindowKind.GENERAL, zones=["enrolment"])
    Window.objects.create(outlet=outlet, number="2", kind=WindowKind.GENERAL, zones=["medical"])
    Window.objects.create(outlet=outlet, number="3", kind=WindowKind.GENERAL, zones=["pension"])
    Window.objects.create(outlet=outlet, number="4", kind=WindowKind.GENERAL, zones=list(ZONES))
    Window.objects.create(outlet=outlet, number="8", kind=WindowKind.SPECIAL, zones=list(ZONES))
    Window.objects.create(outlet=outlet, number="9", kind=WindowKind.SPECIAL, zones=list(ZONES))
    return outlet


def world() -> dict[str, Any]:
    regions = make_region_tree()
    outlet = hall(regions["county_a1"])
    other = hall(regions["county_b1"], code="hall-b1")
    tellers = [
        make_staff(f"t{i}", region=regions["county_a1"], posts=[PostCode.SPECIAL_TELLER]) for i in range(1, 7)
    ]
    return {
        "regions": regions,
        "outlet": outlet,
        "other": other,
        "windows": {w.number: w for w in outlet.windows.all()},
        "tellers": tellers,
        "admin": make_staff("adm", region=regions["province"], posts=[PostCode.ADMIN]),
        "reviewer": make_staff("rev", region=regions["county_a1"], posts=[PostCode.REVIEWER]),
        "outsider": make_staff("tb", region=regions["county_b1"], posts=[PostCode.GENERAL_TELLER]),
    }
