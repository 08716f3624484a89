"""Fill Indonesian translations from a small JSON file of {msgid: msgstr} (a translator's aid).

Usage: .venv/bin/python scripts/fill_translations.py translations.json
Only empty entries are filled; nothing else in the catalogue changes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "tracker/translations/id/LC_MESSAGES/messages.po"


def main(source: str) -> None:
    wanted: dict[str, str] = json.loads(Path(source).read_text(encoding="utf-8"))
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in wanted and not (
            message.string[0] if isinstance(message.string, tuple) else message.string
        ):
            message.string = (wanted[key],) if isinstance(message.id, tuple) else wanted[key]
            message.flags.discard("fuzzy")
            filled += 1
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True, no_location=True)
    print(f"filled {filled} entries")


if __name__ == "__main__":
    main(sys.argv[1])
