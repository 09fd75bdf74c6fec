from django.core.management import call_command

from cohorts.models import Cohort
from demo.fokus import DEMO_PASSWORD
from fokus.models import Agency, Federation, Membership, Municipality, Project, User
from fokus.roles import Role
from participants.models import Enrolment
from referrals.models import CaseGroupMeeting, Consent, Referral


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Federation,
            Municipality,
            Agency,
            Project,
            User,
            Membership,
            Cohort,
            CaseGroupMeeting,
            Referral,
            Consent,
            Enrolment,
        )
    }


def test_it_leaves_one_copy_when_run_twice(db, capsys):
    call_command("seed_demo", "--force")
    first = _counts()
    call_command("seed_demo", "--force")
    assert _counts() == first
    assert first["Federation"] == 1
    # Three for the running project; Älmhult too for the ended one, whose history is to be
    # imported (docs/import-examples/).
    assert first["Municipality"] == 4
    assert first["Project"] == 2
    # Three coming starts, and one running with six participants (one has ended).
    assert first["Cohort"] == 4
    assert first["Referral"] == 11
    assert Enrolment.objects.filter(status="active").count() == 5
    assert Enrolment.objects.filter(status="exited").count() == 1
    output = capsys.readouterr().out
    assert DEMO_PASSWORD in output
    assert "admin@demo.fokus.example" in output


def test_it_creates_a_user_for_every_role_who_can_log_in(db):
    call_command("seed_demo", "--force")
    held = set(Membership.objects.values_list("role", flat=True))
    assert held == set(Role.values)
    for user in User.objects.all():
        assert user.check_password(DEMO_PASSWORD)
        assert user.email.endswith("@demo.fokus.example")


def test_it_gives_every_municipality_its_social_services(db):
    call_command("seed_demo", "--force")
    for municipality in Municipality.objects.all():
        assert Agency.objects.filter(kind="social_services", municipality=municipality).exists()


def test_it_refuses_to_run_in_production_without_force(db, settings):
    import pytest
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Federation.objects.exists()
