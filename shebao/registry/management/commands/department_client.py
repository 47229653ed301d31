"""Issue, list and revoke other departments' API clients.

    manage.py department_client issue --name 税务局 --department tax \\
        --scope person:name,status,household_type --scope employer:name,status
    manage.py department_client list
    manage.py department_client revoke --name 税务局
    manage.py department_client scope --name 税务局 --scope person:name,status

The key is printed once, by `issue`; only its hash is kept.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shebao.core.errors import ApplicationError
from shebao.registry.department import (
    department_client_issue,
    department_client_list,
    department_client_revoke,
    department_client_set_scope,
    scope_parse,
)
from shebao.registry.models import DepartmentClient


def _fail(exc: ApplicationError) -> CommandError:
    lines = [str(exc.message), *(f"  - {d}" for d in exc.details)]
    return CommandError("\n".join(lines))


class Command(BaseCommand):
    help = "Issue, list, rescope and revoke the API clients of other departments (税务, 医保, 民政 …)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="Create a client and print its key once.")
        issue.add_argument("--name", required=True)
        issue.add_argument("--department", required=True, help="e.g. tax, medical_security, civil_affairs")
        issue.add_argument(
            "--scope",
            action="append",
            required=True,
            help="record_type:field,field (repeat for each record type), e.g. person:name,status",
        )
        sub.add_parser("list", help="List clients (name, department, key prefix, scope, active).")
        revoke = sub.add_parser("revoke", help="Switch a client's key off.")
        revoke.add_argument("--name", help="The client's name.")
        revoke.add_argument("--prefix", help="Or the key prefix.")
        scope = sub.add_parser("scope", help="Replace a client's scope.")
        scope.add_argument("--name", help="The client's name.")
        scope.add_argument("--prefix", help="Or the key prefix.")
        scope.add_argument("--scope", action="append", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "issue":
                self._issue(options)
            elif action == "list":
                self._list()
            elif action == "revoke":
                client = department_client_revoke(by=None, client=self._client(options))
                self.stdout.write(f"revoked: {client.name} ({client.key_prefix}…)")
            elif action == "scope":
                client = department_client_set_scope(
                    by=None, client=self._client(options), scope=scope_parse(options["scope"])
                )
                self.stdout.write(f"scope of {client.name}: {json.dumps(client.scope, ensure_ascii=False)}")
        except ApplicationError as exc:
            raise _fail(exc) from None

    def _issue(self, options: dict[str, Any]) -> None:
        client, key = department_client_issue(
            by=None,
            name=options["name"],
            department=options["department"],
            scope=scope_parse(options["scope"]),
        )
        self.stdout.write(f"issued: {client.name} ({client.department})")
        self.stdout.write(f"scope: {json.dumps(client.scope, ensure_ascii=False)}")
        self.stdout.write(f"key: {key}")
        self.stdout.write(
            self.style.WARNING("The key is shown only now; only its hash is kept. Hand it over securely.")
        )

    def _list(self) -> None:
        for client in department_client_list():
            state = "active" if client.active else "revoked"
            scope = json.dumps(client.scope, ensure_ascii=False)
            self.stdout.write(
                f"{client.key_prefix}…  {state:8}  {client.name}  [{client.department}]  {scope}"
            )

    def _client(self, options: dict[str, Any]) -> DepartmentClient:
        name, prefix = options.get("name"), options.get("prefix")
        if not name and not prefix:
            raise CommandError("Name the client with --name or --prefix.")
        clients = DepartmentClient.objects.all()
        client = clients.filter(name=name).first() if name else clients.filter(key_prefix=prefix).first()
        if client is None:
            raise CommandError(f"There is no client {name or prefix}.")
        return client
