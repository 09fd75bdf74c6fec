"""Names typed in spreadsheets matched to the register: case does not matter, nor accents
such as é or ü, but å, ä and ö are letters of their own in Swedish — "Almhult" is not
"Älmhult", so it gets a suggestion instead of a silent guess."""

from __future__ import annotations

import difflib
import unicodedata

_SWEDISH_MARKS = {("a", "\u030a"), ("a", "\u0308"), ("o", "\u0308")}


def match_key(name: str) -> str:
    """`name` folded for an exact match: case, spacing and non-Swedish accents ignored."""
    decomposed = unicodedata.normalize("NFD", " ".join(str(name).split()).casefold())
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char):
            if kept and (kept[-1], char) in _SWEDISH_MARKS:
                kept.append(char)
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def _loose_key(name: str) -> str:
    """Every accent stripped, å ä ö too: only for suggestions."""
    decomposed = unicodedata.normalize("NFD", match_key(name))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class NameIndex:
    """Objects found by a name as people write it, with a suggestion when none matches."""

    def __init__(self, objects, name=str):
        self._by_key: dict[str, object] = {}
        self._names_by_loose: dict[str, str] = {}
        for obj in objects:
            label = name(obj)
            self._by_key.setdefault(match_key(label), obj)
            self._names_by_loose.setdefault(_loose_key(label), label)

    def get(self, name: str):
        return self._by_key.get(match_key(name))

    def suggestion(self, name: str) -> str | None:
        """The registered name closest to `name`, when one is close enough to be a typo."""
        loose = _loose_key(name)
        if loose in self._names_by_loose:
            return self._names_by_loose[loose]
        close = difflib.get_close_matches(loose, list(self._names_by_loose), n=1, cutoff=0.75)
        return self._names_by_loose[close[0]] if close else None
