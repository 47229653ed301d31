"""Shebao (社保): a unified social insurance public service platform."""
