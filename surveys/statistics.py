"""The numbers of survey results as they are shown: percentages with one decimal, means and
medians with two (rounded half up), and a rate as "94,4 % (34/36)". Used by the results
(`surveys.results`) and the final report."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")


def percent(part: int, whole: int) -> Decimal | None:
    """part of whole in per cent with one decimal (half up); None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _two_decimals(value: Decimal) -> Decimal:
    return value.quantize(TWO_DECIMALS, rounding=ROUND_HALF_UP)


def mean_and_median(counts: dict[int, int]) -> tuple[Decimal | None, Decimal | None]:
    """Mean and median of a distribution given as {value: how many}, two decimals."""
    total = sum(counts.values())
    if not total:
        return None, None
    mean = Decimal(sum(value * n for value, n in counts.items())) / Decimal(total)
    # The k-th smallest value (1-based), walking the counts in value order.
    ordered = sorted((value, n) for value, n in counts.items() if n)

    def kth(k: int) -> int:
        seen = 0
        for value, n in ordered:
            seen += n
            if seen >= k:
                return value
        raise AssertionError("k beyond the distribution")  # pragma: no cover

    if total % 2:
        median = Decimal(kth(total // 2 + 1))
    else:
        median = Decimal(kth(total // 2) + kth(total // 2 + 1)) / 2
    return _two_decimals(mean), _two_decimals(median)


HUNDRED = Decimal(100)


def rate_display(share: Decimal | None, part: int, whole: int) -> str:
    """ "94,4 % (34/36)" in the active language's number format; "–" without a whole."""
    if share is None:
        return "–"
    return f"{number_format(share, 1)} % ({part}/{whole})"
