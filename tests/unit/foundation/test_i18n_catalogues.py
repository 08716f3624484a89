"""The Indonesian catalogue is complete, current with the code, and keeps every placeholder.

Indonesian is the site's first language. An entry left empty or fuzzy shows English (or nothing)
to an Indonesian reader; a string added to the code without running `make i18n` never reaches the
translator; a %(name)s placeholder lost in translation breaks the page when it is formatted.

These tests read the files only: no application, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from babel.messages import frontend
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
BABEL_CFG = ROOT / "babel.cfg"
ID_PO = ROOT / "tracker" / "translations" / "id" / "LC_MESSAGES" / "messages.po"

# The keywords `make i18n` passes on top of Babel's defaults: lazy_gettext as _l, and the no-op
# marker N_ of tracker/i18n.py (used by the finding catalogue).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "N_": None}

PLACEHOLDER = re.compile(r"%\(([^)]+)\)")


def _read_indonesian() -> Catalog:
    with ID_PO.open("rb") as fileobj:
        return read_po(fileobj, locale="id")


def _forms(value: str | Iterable[str] | None) -> list[str]:
    """A msgid or msgstr as a list of its forms (one for a plain entry)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [form or "" for form in value]


def _is_code_directory(path: str) -> bool:
    """Walk every folder except hidden ones (.venv, .git, caches).

    Babel's default filter also skips folders starting with "_", which would hide
    templates/_macros and templates/_partials from the check.
    """
    return not Path(path).name.startswith(".")


def _extracted_from_code() -> dict[tuple[str, str | None], tuple[bool, str]]:
    """Every translatable string in the code: (msgid, context) -> (is plural, file)."""
    with BABEL_CFG.open(encoding="utf-8") as fileobj:
        # parse_mapping_cfg is Babel >= 2.16; older versions only have parse_mapping.
        parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
        method_map, options_map = parse(fileobj, filename=str(BABEL_CFG))
    found: dict[tuple[str, str | None], tuple[bool, str]] = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=_is_code_directory,
    ):
        forms = _forms(message)
        if not forms or not forms[0]:
            continue
        key = (forms[0], context)
        plural = len(forms) > 1
        if key not in found or plural:
            found[key] = (plural, filename)
    return found


def test_indonesian_readers_see_no_untranslated_or_fuzzy_text() -> None:
    catalog = _read_indonesian()
    problems = []
    for message in catalog:
        if not message.id:
            continue  # the header
        forms = _forms(message.string)
        if not forms or any(not form.strip() for form in forms):
            problems.append(f"untranslated: {message.id!r}")
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
    assert not problems, (
        f"{ID_PO.relative_to(ROOT)} has entries an Indonesian reader would see in English:\n"
        + "\n".join(problems)
    )


def test_indonesian_catalogue_header_compiles_with_one_plural_form() -> None:
    catalog = _read_indonesian()
    # pybabel compile skips a catalogue whose header is fuzzy: the whole site would be English.
    assert not catalog.fuzzy, f"remove '#, fuzzy' from the header of {ID_PO.relative_to(ROOT)}"
    assert catalog.plural_forms == "nplurals=1; plural=0;"


def test_indonesian_catalogue_has_every_string_the_code_shows() -> None:
    catalog = _read_indonesian()
    missing = []
    for (msgid, context), (plural, filename) in sorted(_extracted_from_code().items()):
        entry = catalog.get(msgid, context)
        if entry is None:
            missing.append(f"{msgid!r} ({filename})")
        elif plural and not entry.pluralizable:
            missing.append(f"{msgid!r} ({filename}): the code uses a plural, the catalogue not")
    assert not missing, (
        "strings in the code that the Indonesian catalogue lacks; run `make i18n`, "
        f"then translate them in {ID_PO.relative_to(ROOT)}:\n" + "\n".join(missing)
    )


def test_indonesian_text_keeps_every_placeholder_of_the_english() -> None:
    catalog = _read_indonesian()
    mismatches = []
    for message in catalog:
        if not message.id:
            continue
        expected = {name for form in _forms(message.id) for name in PLACEHOLDER.findall(form)}
        for form in _forms(message.string):
            if not form:
                continue  # reported by the completeness test
            found = set(PLACEHOLDER.findall(form))
            if found != expected:
                mismatches.append(
                    f"{_forms(message.id)[0]!r}: English has {sorted(expected)}, "
                    f"Indonesian {form!r} has {sorted(found)}"
                )
    assert not mismatches, "placeholders differ:\n" + "\n".join(mismatches)
