"""Shared pytest fixtures. App-specific factories live in each app's tests/factories.py."""
