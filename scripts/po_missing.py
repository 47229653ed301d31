"""Print every interface string that has no zh-hans translation yet, as .po entries to fill in.

Usage: .venv/bin/python scripts/po_missing.py [PATH_FILTER]   (e.g. catalogue/views)
Paste the output into your part file shebao/locale/zh_Hans/LC_MESSAGES/parts/<part>.po and fill msgstr.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shebao.core.tests.test_translations import _catalogue, _python_msgids, _template_msgids  # noqa: E402


def main() -> None:
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    catalogue = _catalogue()
    seen: set[str] = set()
    for msgid, where in sorted(_python_msgids() | _template_msgids(), key=lambda p: (p[1], p[0])):
        if msgid in catalogue or msgid in seen or only not in where:
            continue
        seen.add(msgid)
        escaped = msgid.replace("\\", "\\\\").replace('"', '\\"')
        print(f'#: {where}\nmsgid "{escaped}"\nmsgstr ""\n')


if __name__ == "__main__":
    main()
