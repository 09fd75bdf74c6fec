"""Ids and numbers read from input: URLs, query strings, dynamic form keys.

One strict rule: a plain ASCII integer, nothing else. `str.isdigit()` is true for "²" and
`int()` takes "٣", " 3" and "+3", so neither may decide what a user typed. URL converters
(`<int:pk>`) already match only [0-9]+; everything read by hand goes through here.
"""

from __future__ import annotations

import re

from django.http import Http404

# At most 18 digits: always inside PostgreSQL's bigint, so a lookup never overflows.
_ASCII_INTEGER = re.compile(r"[0-9]{1,18}")


def parse_int(raw: object) -> int | None:
    """The integer `raw` spells in ASCII digits, or None for anything else."""
    if not isinstance(raw, str) or not _ASCII_INTEGER.fullmatch(raw):
        return None
    return int(raw)


def int_or_404(raw: object) -> int:
    """For ids in addresses: anything but a plain integer names nothing, so it is not found."""
    value = parse_int(raw)
    if value is None:
        raise Http404
    return value
