"""Shared pytest fixtures. App-specific factories live in each app's tests/factories.py."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("SHEBAO_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language (zh-hans).

    A test-client request with another language leaves that language active in the thread; without
    this, a later test's assertions on Chinese messages would depend on test order.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections_at_teardown(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Close sessions that test threads or the live server left open, so the test database can be dropped."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Transactional tests must restore the rows migrations seed (posts, insurance types, channels).

    A transactional test empties every table when it ends; `serialized_rollback` puts the migrated
    reference data back, so tests that run after it still find them.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker is not None
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: use @pytest.mark.django_db(transaction=True, serialized_rollback=True)"
            )


@pytest.fixture
def browser_page(live_server: Any) -> Iterator[Any]:
    """A Playwright page in Debian's headless Chromium (no downloaded browser: intranet machines).

    Playwright's sync API runs an event loop in this thread, so Django's async-safety check must be
    told that the test's own ORM calls are fine.
    """
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
            ],
        )
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
