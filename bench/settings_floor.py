"""The Django floor: Shebao's settings (same middleware, same database) with a one-view URLconf.

Served by gunicorn exactly like the platform, it shows what a request costs before any catalogue
code runs: WSGI, the middleware stack, opening a database connection and one `SELECT 1`.
"""

from shebao.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
