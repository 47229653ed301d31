"""Production settings: no default secret key with debug off; SHEBAO_HTTPS=1 passes Django's deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
KEY = "test-only-" + "k" * 60  # long and random enough for the check; never used for real


def _check(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SHEBAO_") and k != "DATABASE_URL"}
    clean.update(DJANGO_SETTINGS_MODULE="shebao.settings", SHEBAO_SQLITE_PATH=":memory:", **env)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_debug_off_refuses_the_development_secret_key() -> None:
    result = _check(SHEBAO_DEBUG="0")
    assert result.returncode != 0
    assert "SHEBAO_SECRET_KEY" in result.stderr and "ImproperlyConfigured" in result.stderr


def test_https_behind_a_proxy_passes_the_deploy_checks() -> None:
    plain = _check(SHEBAO_DEBUG="0", SHEBAO_SECRET_KEY=KEY)
    assert plain.returncode == 0, plain.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in plain.stdout + plain.stderr  # plain HTTP: Django says what is missing
    https = _check(SHEBAO_DEBUG="0", SHEBAO_SECRET_KEY=KEY, SHEBAO_HTTPS="1")
    assert https.returncode == 0, https.stderr
    out = https.stdout + https.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016", "security.W009"):
        assert warning not in out, out
