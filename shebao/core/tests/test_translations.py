"""Every interface string has a Simplified Chinese translation (the default language).

Scans Python sources for _("..."), gettext("...") and gettext_lazy("...") and templates for
{% translate "..." %} / {% trans "..." %}, and checks each against the merged .po parts.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
TEMPLATE_RE = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1(?:\s+[^%]*)?%}""")
BLOCK_RE = re.compile(r"{%\s*blocktrans(?:late)?\b([^%]*)%}(.*?){%\s*endblocktrans(?:late)?\s*%}", re.S)
VAR_RE = re.compile(r"{{\s*(\w+)\s*}}")
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}


def _catalogue() -> dict[str, str]:
    merged: dict[str, str] = {}
    for po in [*LOCALE.glob("django.po"), *LOCALE.glob("parts/*.po")]:
        for entry in polib.pofile(str(po)):
            if entry.msgstr:
                merged[entry.msgid] = entry.msgstr
    return merged


def _python_msgids() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT_NAMES
                and node.args
                and isinstance(node.args[-1] if node.func.id.startswith("p") else node.args[0], ast.Constant)
            ):
                arg = node.args[1] if node.func.id.startswith("p") else node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add((arg.value, str(path.relative_to(ROOT))))
    return found


def _template_msgids() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in ROOT.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for match in TEMPLATE_RE.finditer(text):
            found.add((match.group(2), str(path.relative_to(ROOT))))
        for match in BLOCK_RE.finditer(text):
            options, body = match.group(1), match.group(2)
            if "{% plural" in body:
                body = body.split("{% plural")[0]
            if "trimmed" in options:
                body = " ".join(line.strip() for line in body.strip().splitlines() if line.strip())
            # Django's msgid for {{ name }} is %(name)s, and a literal % is doubled.
            msgid = VAR_RE.sub(lambda m: f"%({m.group(1)})s", body.replace("%", "%%"))
            found.add((msgid, str(path.relative_to(ROOT))))
    return found


def test_every_interface_string_is_translated_to_chinese():
    catalogue = _catalogue()
    missing = sorted(
        {
            f"{where}: {msgid}"
            for msgid, where in _python_msgids() | _template_msgids()
            if msgid not in catalogue
        }
    )
    assert not missing, "Strings without a zh-hans translation:\n" + "\n".join(missing)


def test_placeholders_survive_translation():
    for msgid, msgstr in _catalogue().items():
        for placeholder in re.findall(r"%\(\w+\)[sd]", msgid):
            assert placeholder in msgstr, f"{msgid!r} lost {placeholder} in {msgstr!r}"
