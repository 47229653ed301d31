"""Shebao (社保): a unified social insurance public service platform."""

from shebao.celery import app as celery_app

__all__ = ["celery_app"]
