"""Masking of identity numbers and other personal data wherever the full value is not needed."""

from __future__ import annotations

import re

# An 18-character 公民身份号码 standing alone in a text (not part of a longer number or word).
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def mask_id_number(value: str) -> str:
    """`110105194912310021` → `110105********0021`: region code and last four kept."""
    value = value or ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """`13812345678` → `138****5678`."""
    value = value or ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_account(value: str) -> str:
    """A bank account: only the last four digits."""
    value = value or ""
    return ("*" * max(len(value) - 4, 0)) + value[-4:]


def mask_id_numbers_in(text: str) -> str:
    """Every ID number inside a free text (a log line, a JSON dump) masked."""
    return ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), text)
