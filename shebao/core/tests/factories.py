"""Build core state through the real models/services, as users would meet it."""

from __future__ import annotations

from shebao.core.models import Office, Post, Region, RegionLevel, User


def make_region_tree() -> dict[str, Region]:
    """A small province: 1 province, 2 cities, 3 counties, 2 townships."""
    prov = Region.objects.create(
        code="990000", name_zh="测试省", name_en="Test Province", level=RegionLevel.PROVINCE
    )
    c1 = Region.objects.create(
        code="990100", name_zh="甲市", name_en="City A", level=RegionLevel.CITY, parent=prov
    )
    c2 = Region.objects.create(
        code="990200", name_zh="乙市", name_en="City B", level=RegionLevel.CITY, parent=prov
    )
    k1 = Region.objects.create(
        code="990101", name_zh="甲一县", name_en="County A1", level=RegionLevel.COUNTY, parent=c1
    )
    k2 = Region.objects.create(
        code="990102", name_zh="甲二县", name_en="County A2", level=RegionLevel.COUNTY, parent=c1
    )
    k3 = Region.objects.create(
        code="990201", name_zh="乙一县", name_en="County B1", level=RegionLevel.COUNTY, parent=c2
    )
    t1 = Region.objects.create(
        code="990101001", name_zh="甲一镇", name_en="Town A1-1", level=RegionLevel.TOWNSHIP, parent=k1
    )
    t2 = Region.objects.create(
        code="990201001", name_zh="乙一镇", name_en="Town B1-1", level=RegionLevel.TOWNSHIP, parent=k3
    )
    return {
        "province": prov,
        "city_a": c1,
        "city_b": c2,
        "county_a1": k1,
        "county_a2": k2,
        "county_b1": k3,
        "town_a1": t1,
        "town_b1": t2,
    }


def make_staff(username: str, *, region: Region, posts: list[str], password: str = "demo-pass-123") -> User:
    office, _ = Office.objects.get_or_create(
        region=region,
        name_zh=f"{region.name_zh}社保中心",
        defaults={"name_en": f"{region.name_en} SI Centre"},
    )
    user = User.objects.create_user(username=username, password=password, full_name=username, office=office)
    user.posts.set(Post.objects.filter(code__in=posts))
    return user
