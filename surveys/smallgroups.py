"""Small groups in survey results: results of fewer respondents than the minimum group size are
withheld, so that nobody — the federation's staff reading the aggregates, nor the coordinators
reading the free texts — can single out a respondent by filtering down to a few of them (one
start, one municipality, a short period).

The minimum is `settings.FOKUS_MIN_GROUP_SIZE` (5 unless set), the floor the reports use too
(`reports.smallcells`); a caller may ask for a higher one (the final report asks for the
project's own threshold), never a lower one. When the filtered responses number from 1 to the
minimum minus one, the whole result is withheld (`SurveyResults.withheld`); otherwise each
question answered by that few is (`QuestionResult.withheld`). A withheld result carries no
counts, shares, means, response rate, answer rate or texts at all, so that no page or export
can show them by mistake: they show `TOO_FEW` instead. Nobody (0) is not withheld: there is
nobody to single out.

What this does not stop: two groups that are each large enough and differ by a few (all
responses and all but one start, a period and the same period one day longer) still give the
few away by subtraction.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from surveys.results import QuestionResult, SurveyResults

TOO_FEW = _("Too few answers to show.")


def min_group_size(asked: int | None = None) -> int:
    """The smallest group shown: `asked` when higher than the floor, else the floor."""
    return max(asked or 0, settings.FOKUS_MIN_GROUP_SIZE)


def too_few(count: int, minimum: int) -> bool:
    return 0 < count < minimum


def _withheld(result: QuestionResult) -> QuestionResult:
    return replace(
        result,
        answered=0,
        options=[],
        mean=None,
        median=None,
        numeric=0,
        dont_know=0,
        texts=None,
        respondents=0,
        withheld=True,
    )


def withhold(results: SurveyResults, *, minimum: int | None = None) -> SurveyResults:
    """`results` with what is too small to show emptied and marked withheld."""
    minimum = min_group_size(minimum)
    if too_few(results.responses, minimum):
        return replace(
            results,
            responses=0,
            response_rate=None,
            questions=[_withheld(q) for q in results.questions],
            withheld=True,
        )
    return replace(
        results,
        questions=[_withheld(q) if too_few(q.answered, minimum) else q for q in results.questions],
    )
