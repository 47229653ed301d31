"""The import rules between apps (docs/architecture.md, "Import rules"), checked on the source with `ast`.

- `core` and `audit` (the platform every app stands on) import no domain app, no API and no demo;
- domain code never imports the API layer (`shebao.api`): the API calls the domain, not the reverse.

Tests are left out: a test may build its world through any app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2]  # the `shebao` package
PLATFORM = ("core", "audit")
DOMAIN = (
    "catalogue",
    "registry",
    "counter",
    "cases",
    "portal",
    "evaluation",
    "contributions",
    "benefits",
    "risk",
)


def _modules_imported(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def _sources(app: str) -> list[Path]:
    return sorted(p for p in (SOURCE / app).rglob("*.py") if "tests" not in p.relative_to(SOURCE).parts)


def _violations(apps: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    prefixes = tuple(f"shebao.{name}." for name in forbidden)
    return [
        f"{path.relative_to(SOURCE.parent)}:{line} imports {module}"
        for app in apps
        for path in _sources(app)
        for line, module in _modules_imported(path)
        if f"{module}.".startswith(prefixes)
    ]


def test_platform_imports_no_domain_app_api_or_demo() -> None:
    assert _violations(PLATFORM, (*DOMAIN, "api", "demo")) == []


def test_domain_code_never_imports_the_api_layer() -> None:
    assert _violations(DOMAIN, ("api",)) == []


@pytest.mark.parametrize(
    ("code", "forbidden", "expected"),
    [
        ("from shebao.cases.models import Case\n", ("cases",), True),
        ("import shebao.api.errors\n", ("api",), True),
        ("from shebao.api import registry\n", ("api",), True),
        ("from shebao.apiary import x\n", ("api",), False),
        ("from shebao.core.errors import ApplicationError\n", ("cases",), False),
        ("def f():\n    from shebao.portal.models import PortalAccount\n", ("portal",), True),
    ],
)
def test_the_check_finds_what_it_must(
    tmp_path: Path, code: str, forbidden: tuple[str, ...], expected: bool
) -> None:
    module = tmp_path / "m.py"
    module.write_text(code, encoding="utf-8")
    prefixes = tuple(f"shebao.{name}." for name in forbidden)
    hits = [m for _line, m in _modules_imported(module) if f"{m}.".startswith(prefixes)]
    assert bool(hits) is expected
