"""Every user-facing string has its Simplified Chinese translation.

Re-extracts the strings from the source into a copy of the catalogue (so a string added
without a translation fails here) and checks that no entry is empty or fuzzy.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def untranslated(po_text: str) -> list[str]:
    """The msgids of entries whose translation is empty or marked fuzzy."""
    missing = []
    for block in re.split(r"\n\s*\n", po_text):
        lines = [line for line in block.splitlines() if line.strip()]
        if any(line.startswith("#~") for line in lines):
            continue  # obsolete
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        msgid, msgstrs, current = "", [], None
        for line in lines:
            if line.startswith("msgid "):
                current, msgid = "id", _unquote(line[6:])
            elif line.startswith("msgid_plural "):
                current = "plural"
            elif line.startswith("msgstr"):
                current = "str"
                msgstrs.append(_unquote(line.split(" ", 1)[1]))
            elif line.startswith('"') and current == "id":
                msgid += _unquote(line)
            elif line.startswith('"') and current == "str":
                msgstrs[-1] += _unquote(line)
        if msgid and (fuzzy or not msgstrs or not all(msgstrs)):
            missing.append(msgid)
    return missing


def _unquote(text: str) -> str:
    return text.strip()[1:-1]


def test_catalogue_has_no_untranslated_entry() -> None:
    assert untranslated(CATALOGUE.read_text(encoding="utf-8")) == []


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext (xgettext)")
def test_every_string_in_the_source_is_in_the_catalogue(tmp_path: Path) -> None:
    shutil.copytree(
        ROOT / "chuxin", tmp_path / "chuxin", ignore=shutil.ignore_patterns("static", "tests")
    )
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
            call_command("makemessages", locale=["zh_Hans"], verbosity=0, no_obsolete=True)
    finally:
        os.chdir(cwd)
    po_text = (tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text()
    missing = untranslated(po_text)
    assert missing == [], f"{len(missing)} string(s) without a translation: {missing[:20]}"
