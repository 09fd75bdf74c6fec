"""No person's name in a page's <title>: titles end up in the browser's history, in tab strips
on shared screens and in bookmarks. The name stays in the page itself."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

NAME = "Testa Testsson"

# (persona, URL name, whose public id: the participation's or the referral's)
PAGES = [
    ("coordinator", "participants:participant-detail", "enrolment"),
    ("case_officer_a", "participants:participant-detail", "enrolment"),
    ("coordinator", "participants:enrolment-extend", "enrolment"),
    ("coordinator", "participants:enrolment-exit", "enrolment"),
    ("coordinator", "participants:meeting-create", "enrolment"),
    ("coordinator", "participants:plan-detail", "enrolment"),
    ("coordinator", "participants:goal-create", "enrolment"),
    ("coordinator", "participants:letter-create", "enrolment"),
    ("coordinator", "stepladder:rating-list", "enrolment"),
    ("coordinator", "stepladder:rating-create", "enrolment"),
    ("coordinator", "reports:participant-report-list", "enrolment"),
    ("coordinator", "reports:participant-report-create", "enrolment"),
    ("case_officer_a", "referrals:referral-detail", "referral"),
    ("case_officer_a", "referrals:consent-withdraw", "referral"),
]


def title_of(html: str) -> str:
    [title] = re.findall(r"<title>(.*?)</title>", html, flags=re.S)
    return title


@pytest.mark.parametrize(("persona", "name", "whose"), PAGES)
def test_it_keeps_the_participants_name_out_of_the_title(
    persona_client, started, persona, name, whose
):
    target = started if whose == "enrolment" else started.referral

    response = persona_client(persona).get(reverse(name, args=[target.public_id]))

    assert response.status_code == 200
    assert NAME in response.text  # on the page, for the person working with it
    assert NAME not in title_of(response.text)
    assert title_of(response.text).endswith("– Fokus")


def test_it_keeps_a_draft_referrals_name_out_of_the_title(persona_client, make_referral):
    draft = make_referral()

    for name in ("referrals:referral-edit", "referrals:consent-record"):
        response = persona_client("case_officer_a").get(reverse(name, args=[draft.public_id]))
        assert response.status_code == 200, name
        assert NAME not in title_of(response.text), name
