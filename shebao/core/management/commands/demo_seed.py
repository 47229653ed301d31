"""`manage.py demo_seed`: the data `make demo` starts with. Safe to run again: it adds only what is missing.

1. the fictional 示范省 (Demo Province): regions, offices, one staff member per post (`core.demo`);
2. the demo catalogue of 107 service items, published as edition 1 (`catalogue.demo`);
3. local bindings (address, phone, hours, outlets) of a few items for every city and county, and one
   county (石门县) that tries to change the standard — recorded as deviations, not applied;
4. a register of standards of all five kinds, one due for review within 90 days.
"""

from __future__ import annotations

import time
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shebao.catalogue.demo import demo_bindings_create, demo_standards_create, ensure_demo_catalogue
from shebao.core.demo import DEMO_PASSWORD, DEMO_STAFF, demo_province_create
from shebao.core.errors import ApplicationError
from shebao.core.models import Post

URL = "http://127.0.0.1:8000/"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


class Command(BaseCommand):
    help = "Create the demo province, staff logins, the published demo catalogue, bindings and standards."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            with transaction.atomic():
                demo = demo_province_create(by=None)
                edition, loaded = ensure_demo_catalogue(by=None)
                bindings = demo_bindings_create(province_admin=None, county_admin=demo.staff["county_admin"])
                standards = demo_standards_create(by=None)
        except ApplicationError as exc:
            raise CommandError("\n".join([str(exc.message), *map(str, exc.details)])) from exc

        created = demo.created
        self.stdout.write(
            "示范省 Demo Province (fictional; codes 99xxxx are made up): "
            f"{created.get('regions', 0)} regions, {created.get('offices', 0)} offices, "
            f"{created.get('staff', 0)} staff created."
        )
        self.stdout.write(
            f"Catalogue 服务事项清单: edition {edition.number} "
            f"({edition.items.count()} items) {'published' if loaded else 'already published'}."
        )
        self.stdout.write(
            f"Local bindings 本地要素: {bindings.bindings} new; deviations 偏离 recorded (not applied): "
            f"{bindings.deviations} new. Standards 标准: {standards} new."
        )
        if not (created or loaded or bindings.bindings or bindings.deviations or standards):
            self.stdout.write("Nothing to add: the demo data were already there. 演示数据已存在，未作改动。")

        posts = {p.code: p for p in Post.objects.all()}
        rows = [["岗位", "Post", "Username 用户名", "Password 密码", "Region 所在地区"]]
        for spec in DEMO_STAFF:
            post = posts[spec.post]
            region = demo.regions[spec.region_code]
            rows.append(
                [
                    post.name_zh,
                    post.name_en,
                    spec.username,
                    DEMO_PASSWORD,
                    f"{region.name_zh} {region.name_en}",
                ]
            )
        self.stdout.write("")
        for line in _table(rows):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(
            "Passwords are the demo password unless someone changed them. 密码如未修改即为演示密码。"
        )
        self.stdout.write(self.style.SUCCESS(f"Open {URL} ({time.monotonic() - started:.1f} s)"))
