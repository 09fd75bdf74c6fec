"""The flags of an access-log period, each linking to the rows behind it."""

# ruff: noqa: F811  (the fixtures imported from tests.fokus.logreview_world)
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fokus.logreview import flags
from fokus.logreview.filters import LogFilters
from fokus.memberships import membership_remove
from fokus.models import AccessAction, AccessLogEntry, Membership
from fokus.roles import Role
from tests.fokus.logreview_world import (  # noqa: F401  (fixtures)
    add,
    at,
    log_reviewer,
    reviewer_client,
    row,
)

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-15")]

OCTOBER = LogFilters(date(2026, 10, 1), date(2026, 10, 31))
URL = "/manage/log-review/"


def compute(reviewer, filters=OCTOBER, kind=None):
    found = flags.compute(AccessLogEntry.objects.for_user(reviewer), filters)
    return [flag for flag in found if kind is None or flag.kind == kind]


def views(user, obj, day: date, count: int) -> list:
    return [row(user, AccessAction.VIEW, at(day.isoformat()), obj) for _ in range(count)]


def rows_behind(client, flag) -> set[int]:
    response = client.get(URL, flag.query)
    assert response.status_code == 200
    return {entry.pk for entry in response.context["page"]}


def test_it_flags_a_day_with_more_than_three_times_the_users_median(
    log_reviewer, reviewer_client, coordinator, case_officer_a, make_referral
):
    referral = make_referral()
    baseline = [date(2026, 10, 12) - timedelta(days=i) for i in range(1, 61)]
    add(
        *[r for day in baseline for r in views(coordinator, referral, day, 2)],
        # 60 of 90 days with two views: the median is 2, so 12 is more than three times it.
        *views(coordinator, referral, date(2026, 10, 12), 12),
        # Below the minimum of 10, however far above the median.
        *views(case_officer_a, referral, date(2026, 10, 13), 9),
        # Not about a participant: not counted.
        *[row(coordinator, AccessAction.VIEW, at("2026-10-14")) for _ in range(20)],
    )

    [flag] = compute(log_reviewer, kind=flags.SPIKE)

    assert (flag.user, flag.day, flag.count, flag.baseline) == (
        coordinator.email,
        date(2026, 10, 12),
        12,
        2,
    )
    behind = rows_behind(reviewer_client, flag)
    assert len(behind) == 12


def test_it_does_not_flag_a_user_whose_median_is_high(log_reviewer, coordinator, make_referral):
    referral = make_referral()
    add(
        *[
            r
            for i in range(1, 91)
            for r in views(coordinator, referral, date(2026, 10, 12) - timedelta(days=i), 5)
        ],
        *views(coordinator, referral, date(2026, 10, 12), 15),  # 3 × 5, not more
    )

    assert compute(log_reviewer, kind=flags.SPIKE) == []


@pytest.mark.today("2026-10-20")
def test_it_flags_a_view_after_the_users_role_in_the_project_was_removed(
    log_reviewer, reviewer_client, federation_admin, coordinator, make_referral
):
    referral = make_referral(name="Petra Person")
    AccessLogEntry.objects.create(
        actor=coordinator,
        actor_label=coordinator.email,
        federation_id=coordinator.federation_id,
        action=AccessAction.VIEW,
        at=at("2026-10-19"),
        object_type="referrals.referral",
        object_id=str(referral.public_id),
        object_label=str(referral),
    )
    membership = Membership.objects.get(user=coordinator, role=Role.COORDINATOR)
    membership_remove(actor=federation_admin, membership=membership)
    later = add(row(coordinator, AccessAction.VIEW, at("2026-10-20", 15), referral))
    period = LogFilters(date(2026, 10, 1), date(2026, 10, 31))

    [flag] = compute(log_reviewer, period, kind=flags.REMOVED_ROLE)

    assert (flag.user, flag.subject, flag.count, flag.day) == (
        coordinator.email,
        "Petra Person",
        1,
        date(2026, 10, 20),
    )
    assert rows_behind(reviewer_client, flag) == {later[0].pk}


@pytest.mark.today("2026-10-20")
def test_it_does_not_flag_a_view_by_someone_who_has_the_role_again(
    log_reviewer, federation_admin, coordinator, project_a, make_referral
):
    referral = make_referral()
    membership = Membership.objects.get(user=coordinator, role=Role.COORDINATOR)
    membership_remove(actor=federation_admin, membership=membership)
    Membership.objects.create(
        user=coordinator, federation=project_a.federation, role=Role.COORDINATOR, project=project_a
    )
    add(row(coordinator, AccessAction.VIEW, at("2026-10-20", 15), referral))
    period = LogFilters(date(2026, 10, 1), date(2026, 10, 31))

    assert compute(log_reviewer, period, kind=flags.REMOVED_ROLE) == []


def test_it_flags_every_look_at_a_person_with_protected_identity(
    log_reviewer, reviewer_client, coordinator, make_referral
):
    hidden = make_referral(protected_identity=True, name="", personnummer="", alias="Grön")
    plain = make_referral(name="Petra Person")
    behind = add(
        row(coordinator, AccessAction.VIEW, at("2026-10-03"), hidden),
        row(coordinator, AccessAction.PRINT, at("2026-10-04"), hidden),
    )
    add(row(coordinator, AccessAction.VIEW, at("2026-10-03"), plain))

    [flag] = compute(log_reviewer, kind=flags.PROTECTED)

    assert (flag.user, flag.subject, flag.count) == (coordinator.email, "Grön", 2)
    assert rows_behind(reviewer_client, flag) == {r.pk for r in behind}


def test_it_flags_five_refusals_in_a_day(
    log_reviewer, reviewer_client, coordinator, case_officer_a
):
    refused = add(*[row(coordinator, AccessAction.REFUSED, at("2026-10-07")) for _ in range(5)])
    add(*[row(case_officer_a, AccessAction.REFUSED, at("2026-10-07")) for _ in range(4)])

    [flag] = compute(log_reviewer, kind=flags.REFUSALS)

    assert (flag.user, flag.count, flag.day) == (coordinator.email, 5, date(2026, 10, 7))
    assert rows_behind(reviewer_client, flag) == {r.pk for r in refused}


def test_it_lists_the_periods_exports_and_prints(log_reviewer, reviewer_client, case_officer_a):
    exported = add(*[row(case_officer_a, AccessAction.EXPORT, at("2026-10-07")) for _ in range(3)])
    add(row(case_officer_a, AccessAction.PRINT, at("2026-10-08")))
    add(row(case_officer_a, AccessAction.EXPORT, at("2026-11-02")))  # another month

    found = compute(log_reviewer, kind=flags.EXPORTS)

    assert sorted((f.subject, f.count) for f in found) == sorted(
        [(AccessAction.EXPORT.label, 3), (AccessAction.PRINT.label, 1)]
    )
    export_flag = next(f for f in found if f.count == 3)
    assert rows_behind(reviewer_client, export_flag) == {r.pk for r in exported}


def test_it_computes_the_flags_in_a_fixed_number_of_queries(
    log_reviewer, coordinator, make_referral
):
    referral = make_referral()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            compute(log_reviewer)
        return len(captured)

    queries()  # the reviewer's roles, read once per request
    few = queries()
    add(*views(coordinator, referral, date(2026, 10, 5), 30))
    add(*[row(coordinator, AccessAction.REFUSED, at("2026-10-06")) for _ in range(10)])
    assert queries() == few == 5  # one aggregate query per kind of flag


def test_it_shows_the_flags_on_the_page(reviewer_client, coordinator):
    add(*[row(coordinator, AccessAction.REFUSED, at("2026-10-07")) for _ in range(6)])

    response = reviewer_client.get(URL)

    assert [f.kind for f, _url in response.context["flags"]] == [flags.REFUSALS]
    assert str(flags.TITLES[flags.REFUSALS]) in response.text


def test_it_keeps_the_flags_in_the_federation(persona_client, coordinator):
    add(*[row(coordinator, AccessAction.REFUSED, at("2026-10-07")) for _ in range(6)])

    response = persona_client("outsider_admin").get(URL)

    assert response.context["flags"] == []


def test_it_takes_a_row_whose_object_id_is_not_a_uuid(log_reviewer, coordinator):
    add(
        row(
            coordinator,
            AccessAction.VIEW,
            at("2026-10-07"),
            object_type="referrals.referral",
            object_id="12",
            object_label="Gammal rad",
        )
    )

    assert compute(log_reviewer, kind=flags.PROTECTED) == []
    assert compute(log_reviewer, kind=flags.REMOVED_ROLE) == []
