"""The writer check of tests/writer_guard.py, which watches the whole suite, catches a public
service that writes outside its own transaction even inside a test's transaction."""

import pytest

from fokus.models import Federation
from tests import writer_guard, writer_guard_samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def watched(_writer_guard):
    """The suite's guard, watching the sample services too while the test runs."""
    samples = writer_guard.public_services(["tests.writer_guard_samples"])
    _writer_guard.services.update(samples)
    Federation.objects.create(name="Förbund", slug="f")
    yield _writer_guard
    for code in samples:
        del _writer_guard.services[code]
    _writer_guard.violations.clear()  # the violations here were the point


def test_it_fails_the_shape_of_the_goal_save_bug(watched):
    with pytest.raises(writer_guard.NonAtomicWrite, match="save_with_the_decorator_on_its_helper"):
        writer_guard_samples.save_with_the_decorator_on_its_helper("f")


def test_it_fails_a_write_after_the_atomic_block(watched):
    with pytest.raises(writer_guard.NonAtomicWrite, match="save_after_its_block"):
        writer_guard_samples.save_after_its_block("f")


@pytest.mark.parametrize("service", ["save_atomically", "save_in_a_block", "only_read"])
def test_it_lets_atomic_services_and_readers_pass(watched, service):
    getattr(writer_guard_samples, service)("f")
    assert not watched.violations


def test_it_watches_every_app_and_sees_goal_save_as_atomic():
    services = {s.name: s for s in writer_guard.public_services().values()}
    assert {name.split(".")[0] for name in services} >= {
        "fokus",
        "referrals",
        "participants",
        "stepladder",
        "surveys",
        "reports",
    }
    goal_save = services["participants.plans.goal_save"]
    assert goal_save.atomic_lines, "goal_save must run in its own transaction"
    assert "participants.views.plans.goal_create" not in services  # views are not services
