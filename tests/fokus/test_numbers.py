"""fokus.numbers: the one parser for ids and numbers typed or sent by hand."""

import pytest
from django.http import Http404

from fokus.numbers import int_or_404, parse_int


@pytest.mark.parametrize(
    ("raw", "value"), [("0", 0), ("7", 7), ("0042", 42), ("9" * 18, 10**18 - 1)]
)
def test_it_reads_plain_ascii_integers(raw, value):
    assert parse_int(raw) == value


@pytest.mark.parametrize(
    "raw",
    ["", "²", "٣", "１", " 3", "3 ", "+3", "-3", "3.0", "1_000", "9" * 19, None, 3, b"3"],
)
def test_it_refuses_everything_else(raw):
    assert parse_int(raw) is None


def test_ids_in_addresses_are_not_found():
    assert int_or_404("12") == 12
    with pytest.raises(Http404):
        int_or_404("²")
