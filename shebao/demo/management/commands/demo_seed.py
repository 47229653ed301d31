"""`manage.py demo_seed`: the data `make demo` starts with. Safe to run again: it adds only what is missing.

1. the fictional 示范省 (Demo Province): regions, offices, one staff member per post (`demo.province`);
2. the demo catalogue of 108 service items, published as edition 1 (`catalogue.demo`);
3. local bindings (address, phone, hours, outlets) of a few items for every city and county, and one
   county (石门县) that tries to change the standard — recorded as deviations, not applied;
4. a register of standards of all five kinds, one due for review within 90 days;
5. the registry: persons and employers of the demo province, enrolled through the registry services
   (`registry.demo`), and three persons of the teller's county worth looking up.
"""

from __future__ import annotations

import time
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from shebao.catalogue.demo import demo_bindings_create, demo_standards_create, ensure_demo_catalogue
from shebao.core.errors import ApplicationError
from shebao.core.models import Post
from shebao.counter.demo import seed_counter
from shebao.counter.demo_bank import seed_bank_demo
from shebao.demo.province import DEMO_PASSWORD, DEMO_STAFF, demo_province_create
from shebao.portal.demo import seed_online_application, seed_portal_accounts
from shebao.portal.demo_employer import demo_agent_text
from shebao.registry.demo import (
    DEMO_EMPLOYERS,
    DEMO_PERSONS,
    TELLER_COUNTY,
    demo_persons_to_try,
    registry_counts,
    seed_registry,
)
from shebao.registry.department import seed_department_clients

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
    help = (
        "Create the demo province, staff logins, the published demo catalogue, bindings, standards "
        "and the registry's demo persons and employers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--persons", type=int, default=DEMO_PERSONS, help="registry demo persons (first run only)"
        )
        parser.add_argument(
            "--employers", type=int, default=DEMO_EMPLOYERS, help="registry demo employers (first run only)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            with transaction.atomic():
                demo = demo_province_create(by=None)
                edition, loaded = ensure_demo_catalogue(by=None)
                bindings = demo_bindings_create(province_admin=None, county_admin=demo.staff["county_admin"])
                standards = demo_standards_create(by=None)
                registry_started = time.monotonic()
                registry = seed_registry(by=None, persons=options["persons"], employers=options["employers"])
                registry_seconds = time.monotonic() - registry_started
                department_keys = seed_department_clients(by=None)
                counter = seed_counter(by=None)
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
        totals = registry_counts()
        if registry["skipped"]:
            self.stdout.write(
                f"Registry 参保登记: already there — {totals['persons']} persons, "
                f"{totals['employers']} employers, {totals['enrolments']} enrolments."
            )
        else:
            self.stdout.write(
                f"Registry 参保登记: {registry['persons']} persons 参保人, {registry['employers']} employers 参保单位, "
                f"{totals['enrolments']} enrolments 参保记录 ({registry['employed']} employed 在职, "
                f"{registry['moved'] + registry['transferred']} changed employers 换过单位, {registry['left']} left 减员, "
                f"{registry['retired']} retired 退休, {registry['residents']} residents 城乡居民, "
                f"{registry['flexible']} flexible workers 灵活就业, {registry['land_lost']} land-lost farmers 被征地农民, "
                f"{registry['deceased']} deceased 已故, {totals['duplicates']} possible duplicates 疑似重复) "
                f"in {registry_seconds:.1f} s."
            )
        if not (
            created
            or loaded
            or bindings.bindings
            or bindings.deviations
            or standards
            or not registry["skipped"]
        ):
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
        to_try = demo_persons_to_try(county_code=TELLER_COUNTY)
        if to_try:
            county = demo.regions.get(TELLER_COUNTY)
            where = f"{county.name_zh} {county.name_en}" if county else TELLER_COUNTY
            self.stdout.write("")
            self.stdout.write(f"Persons to look up as teller 可查询的演示参保人 ({where}):")
            for line in _table([["ID number 公民身份号码", "Name 姓名", "Why 说明"], *map(list, to_try)]):
                self.stdout.write(line)
            self.stdout.write("")
            self.stdout.write("Department API 共享部门接口 (demo keys 演示密钥; scopes at /departments/):")
            for department, key in department_keys.items():
                self.stdout.write(f"  {department}: {key}")
            self.stdout.write(
                f'  curl -H "Authorization: Bearer {department_keys.get("tax", "")}" '
                f'-d id_number={to_try[0][0]} -d purpose=tax-check "{URL}api/v1/registry/persons/lookup/"'
            )
        self.stdout.write(
            f"Counter 窗口叫号: {counter.get('outlets', 0)} outlets, {counter.get('windows', 0)} windows, "
            f"{counter.get('slots', 0)} slots new. Kiosk 取号机: "
            + ", ".join(f"{URL}{k.lstrip('/')}" for k in counter["kiosks"])
            + " · Display 叫号屏: "
            + ", ".join(f"{URL}{d.lstrip('/')}" for d in counter["displays"])
        )
        seed_portal_accounts(stdout=self.stdout)
        seed_online_application(stdout=self.stdout)
        seed_bank_demo(stdout=self.stdout)
        self.stdout.write(demo_agent_text())
        self.stdout.write(self.style.SUCCESS(f"Open {URL} ({time.monotonic() - started:.1f} s)"))
