import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fokus.catalogue import problems

ROOT = Path(__file__).resolve().parents[2]

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Log in"
msgstr "Logga in"

#, fuzzy
msgid "Log out"
msgstr "Logga ut"

msgid "Users"
msgstr ""

msgid "%(n)s day"
msgid_plural "%(n)s days"
msgstr[0] "%(n)s dag"
msgstr[1] ""
"""


def _compile(tmp_path: Path, text: str) -> tuple[Path, Path]:
    po, mo = tmp_path / "django.po", tmp_path / "django.mo"
    po.write_text(text, encoding="utf-8")
    subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)
    return po, mo


def test_it_finds_fuzzy_and_untranslated_entries(tmp_path):
    po, mo = _compile(tmp_path, PO)
    found = problems(po, mo)
    assert found == [
        "fuzzy: 'Log out'",
        "untranslated: 'Users'",
        "untranslated: '%(n)s day'",
    ]


def test_it_finds_a_mo_older_than_its_po(tmp_path):
    po, mo = _compile(tmp_path, 'msgid ""\nmsgstr ""\n\nmsgid "Log in"\nmsgstr "Logga in"\n')
    po.write_text(po.read_text() + '\nmsgid "Save"\nmsgstr "Spara"\n', encoding="utf-8")
    assert problems(po, mo) == ["not compiled into django.mo: 'Save'"]


def test_it_passes_the_committed_swedish_catalogue(capsys):
    call_command("check_catalogue")
    assert "complete" in capsys.readouterr().out


def test_it_fails_the_command_when_the_catalogue_is_missing(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    with pytest.raises(CommandError):
        call_command("check_catalogue")
