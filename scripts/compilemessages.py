"""Compile translation catalogues without GNU gettext.

Each locale directory may hold `django.po` and any number of `parts/*.po` files (so that work on
different parts of an app never edits the same file); they are merged into one `django.mo`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def compile_dir(lc_messages: Path) -> int:
    sources = sorted(lc_messages.glob("django.po")) + sorted(lc_messages.glob("parts/*.po"))
    if not sources:
        return 0
    merged = polib.POFile()
    merged.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": lc_messages.parent.name}
    seen: dict[tuple[str | None, str], str] = {}
    for src in sources:
        for entry in polib.pofile(str(src)):
            if not entry.msgstr and not entry.msgstr_plural:
                continue
            key = (entry.msgctxt, entry.msgid)
            if key in seen and seen[key] != entry.msgstr:
                print(f"warning: {entry.msgid!r} translated differently in {src}", file=sys.stderr)
            seen[key] = entry.msgstr
            merged.append(entry)
    merged.save_as_mofile(str(lc_messages / "django.mo"))
    return len(merged)


def main() -> None:
    total = 0
    for lc_messages in ROOT.glob("shebao/locale/*/LC_MESSAGES"):
        total += compile_dir(lc_messages)
    print(f"compiled {total} translations")


if __name__ == "__main__":
    main()
