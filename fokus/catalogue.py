"""Reading a gettext .po file, to prove the Swedish catalogue complete and compiled."""

import ast
import gettext
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class PoEntry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    fuzzy: bool = False
    obsolete: bool = False


def parse_po(text: str) -> list[PoEntry]:
    entries: list[PoEntry] = []
    entry = PoEntry()
    target: tuple[str, int] | None = None

    def finish():
        nonlocal entry, target
        if entry.msgid or entry.msgstr:
            entries.append(entry)
        entry, target = PoEntry(), None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if line.startswith("#,"):
            entry.fuzzy = entry.fuzzy or "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            value = ast.literal_eval(rest)
            if keyword == "msgctxt":
                target = ("msgctxt", 0)
                entry.msgctxt = ""
            elif keyword == "msgid":
                target = ("msgid", 0)
            elif keyword == "msgid_plural":
                target = ("msgid_plural", 0)
            elif keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else 0
                entry.msgstr.append("")
                target = ("msgstr", index)
        if target is None:
            continue
        name, index = target
        if name == "msgstr":
            entry.msgstr[index] += value
        else:
            setattr(entry, name, (getattr(entry, name) or "") + value)
    finish()
    return [e for e in entries if e.msgid and not e.obsolete]


def problems(po_path: Path, mo_path: Path) -> list[str]:
    """Untranslated, fuzzy, or not in the compiled .mo: one line per problem."""
    found = []
    entries = parse_po(po_path.read_text(encoding="utf-8"))
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in entries:
        if entry.fuzzy:
            found.append(f"fuzzy: {entry.msgid!r}")
        elif not entry.msgstr or not all(entry.msgstr):
            found.append(f"untranslated: {entry.msgid!r}")
        else:
            if entry.msgid_plural:
                got = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
            elif entry.msgctxt is not None:
                got = compiled.pgettext(entry.msgctxt, entry.msgid)
            else:
                got = compiled.gettext(entry.msgid)
            if got != entry.msgstr[0]:
                found.append(f"not compiled into django.mo: {entry.msgid!r}")
    return found
