"""Signing in through the real views: the lockout per account (not per address), the second
factor (enrolment, codes, backup codes, throttling, an admin's reset) and password resets
(an hour's link, limits, the same answer for every address)."""

import re
import secrets
import time
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fokus.models import AccessAction, AccessLogEntry
from fokus.signin.tokens import invitation_token_generator
from tests.conftest import PASSWORD, make_user
from tests.fokus.test_settings import _load_settings
from tests.world import authenticator, code_now, sign_in


def password_login(client, email, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


# --- The lockout ------------------------------------------------------------------------------


def test_guesses_from_many_addresses_lock_the_account(coordinator, case_officer_a, settings):
    for n in range(8):
        password_login(Client(), coordinator.email, "fel", ip=f"10.1.0.{n}")

    right = password_login(Client(), coordinator.email, PASSWORD, ip="10.1.0.99")
    assert right.status_code == 429
    assert "För många misslyckade inloggningsförsök" in right.text
    # Another account from the last guesser's address is not affected.
    other = password_login(Client(), case_officer_a.email, PASSWORD, ip="10.1.0.7")
    assert other.status_code == 302


def test_failures_are_counted_under_the_account_however_it_is_typed(coordinator):
    password_login(Client(), " Koordinator@A.EXAMPLE ", "fel")
    password_login(Client(), "koordinator@a.example", "fel")

    [attempt] = AccessAttempt.objects.all()
    assert attempt.username == "koordinator@a.example"
    assert attempt.failures_since_start == 2


def test_one_persons_typos_do_not_lock_out_their_office(coordinator, case_officer_a, settings):
    office = "192.0.2.10"  # everyone behind one NAT address
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_login(Client(), coordinator.email, "fel", ip=office)

    assert password_login(Client(), coordinator.email, PASSWORD, ip=office).status_code == 429
    assert password_login(Client(), case_officer_a.email, PASSWORD, ip=office).status_code == 302


def test_an_address_trying_many_accounts_is_stopped(fed_a, coordinator, settings):
    settings.FOKUS_LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for n in range(6):
        password_login(Client(), f"gissning{n}@a.example", "fel", ip="203.0.113.5")

    sprayer = password_login(Client(), coordinator.email, PASSWORD, ip="203.0.113.5")
    assert sprayer.status_code == 429
    assert password_login(Client(), coordinator.email, PASSWORD, ip="10.9.9.9").status_code == 302


def test_forwarded_addresses_count_only_behind_our_own_proxy(coordinator, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client().post(
            reverse("login"),
            {"username": f"x{n}@a.example", "password": "fel"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}

    settings.FOKUS_BEHIND_PROXY = True
    Client().post(
        reverse("login"),
        {"username": "y@a.example", "password": "fel"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.77",
    )
    assert AccessAttempt.objects.filter(ip_address="198.51.100.77").exists()


# --- The second factor ------------------------------------------------------------------------


def test_the_password_alone_opens_no_page_with_data(coordinator, project_a):
    authenticator(coordinator)
    client = Client()
    assert password_login(client, coordinator.email, PASSWORD).status_code == 302

    for url in (reverse("home"), reverse("project-detail", args=[project_a.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two-factor-verify"))
    # Writing is refused the same way, before the view runs.
    post = client.post(reverse("manage:user-create"), {"email": "x@a.example"})
    assert post["Location"] == reverse("two-factor-verify")
    # Nor can the app be swapped out with the password alone.
    assert client.get(reverse("two-factor-setup"))["Location"] == reverse("two-factor-verify")


@pytest.mark.django_db(transaction=True)
def test_a_new_user_sets_up_the_app_at_first_login_and_gets_ten_backup_codes(coordinator):
    client = Client()
    password_login(client, coordinator.email, PASSWORD)
    start = client.get(reverse("home"))
    assert start["Location"] == f"{reverse('two-factor-setup')}?next=%2F"

    page = client.get(start["Location"])
    assert page.status_code == 200
    assert "<svg" in page.text  # the QR code, inline
    assert re.search(r"<code[^>]*>([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>", page.text)
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    # The same key on a reload, so the app set up a minute ago still fits.
    client.get(start["Location"])
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1

    wrong = client.post(start["Location"], {"code": "000000", "next": "/"})
    assert wrong.status_code == 400
    assert "Koden är fel" in wrong.text

    done = client.post(start["Location"], {"code": code_now(device), "next": "/"})
    assert done.status_code == 302
    codes_page = client.get(done["Location"])
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", codes_page.text)
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=coordinator).count() == 10
    # Shown once only.
    assert not re.findall(r"<li>([a-z2-7]{8})</li>", client.get(reverse("two-factor")).text)
    assert client.get(reverse("home")).status_code == 200
    assert AccessLogEntry.objects.filter(
        actor=coordinator, action=AccessAction.CHANGE, detail="two-factor app set up"
    ).exists()


def test_a_backup_code_works_once(coordinator):
    authenticator(coordinator)
    backup = StaticDevice.objects.create(user=coordinator, name="backup")
    backup.token_set.create(token="abcd2345")

    first = Client()
    password_login(first, coordinator.email, PASSWORD)
    assert first.post(reverse("two-factor-verify"), {"code": "ABCD-2345"}).status_code == 302
    assert first.get(reverse("home")).status_code == 200

    second = Client()
    password_login(second, coordinator.email, PASSWORD)
    again = second.post(reverse("two-factor-verify"), {"code": "abcd2345"})
    assert again.status_code == 400
    assert second.get(reverse("home")).status_code == 302
    failed = AccessLogEntry.objects.filter(action=AccessAction.FAILED_LOGIN, detail="second factor")
    assert failed.count() == 1


def test_wrong_codes_slow_the_next_attempt_down(coordinator):
    device = authenticator(coordinator)
    client = Client()
    password_login(client, coordinator.email, PASSWORD)
    for _ in range(3):
        client.post(reverse("two-factor-verify"), {"code": "000000"})

    throttled = client.post(reverse("two-factor-verify"), {"code": code_now(device)})
    assert throttled.status_code == 400
    assert "För många felaktiga koder" in throttled.text

    with time_machine.travel(timezone.localtime() + timedelta(seconds=10)):
        device.refresh_from_db()
        later = client.post(reverse("two-factor-verify"), {"code": code_now(device)})
    assert later.status_code == 302


def test_the_demo_may_relax_it_for_users_without_an_app(coordinator, case_officer_a, settings):
    settings.FOKUS_TWO_FACTOR = "optional"
    without = Client()
    password_login(without, coordinator.email, PASSWORD)
    assert without.get(reverse("home")).status_code == 200

    authenticator(case_officer_a)
    with_app = Client()
    password_login(with_app, case_officer_a.email, PASSWORD)
    assert with_app.get(reverse("home"))["Location"].startswith(reverse("two-factor-verify"))


def test_production_refuses_to_relax_it():
    result = _load_settings(
        {
            "DEBUG": "0",
            "EMAIL_URL": "console://",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FOKUS_TWO_FACTOR": "optional",
        }
    )
    assert result.returncode != 0
    assert "FOKUS_TWO_FACTOR=optional is only for the demo" in result.stderr


def test_new_backup_codes_replace_the_old(coordinator):
    client = Client()
    sign_in(client, coordinator)
    client.post(reverse("two-factor"))
    old = set(StaticToken.objects.values_list("token", flat=True))
    client.post(reverse("two-factor"))
    new = set(StaticToken.objects.values_list("token", flat=True))
    assert len(new) == 10 and not old & new


# --- An administrator's reset -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_admin_resets_someones_second_factor_and_they_are_told(
    admin_client_a, federation_admin, coordinator
):
    authenticator(coordinator)
    StaticDevice.objects.create(user=coordinator, name="backup").token_set.create(token="x")

    response = admin_client_a.post(
        reverse("manage:user-two-factor-reset", args=[coordinator.public_id])
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    entry = AccessLogEntry.objects.get(detail="two-factor reset")
    assert (entry.actor, entry.object_id) == (federation_admin, str(coordinator.public_id))
    [message] = mail.outbox
    assert message.to == [coordinator.email]
    assert "återställt" in message.body
    # At the next login the person sets up a new app.
    client = Client()
    password_login(client, coordinator.email, PASSWORD)
    assert client.get(reverse("home"))["Location"].startswith(reverse("two-factor-setup"))


def test_an_admin_cannot_reset_their_own(admin_client_a, federation_admin):
    response = admin_client_a.post(
        reverse("manage:user-two-factor-reset", args=[federation_admin.public_id]), follow=True
    )
    assert "Du kan inte återställa din egen tvåfaktorinloggning" in response.text
    assert TOTPDevice.objects.filter(user=federation_admin).exists()
    assert mail.outbox == []


def test_another_federations_admin_cannot_reset_it(persona_client, coordinator):
    authenticator(coordinator)
    response = persona_client("outsider_admin").post(
        reverse("manage:user-two-factor-reset", args=[coordinator.public_id])
    )
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=coordinator).exists()


# --- Password resets --------------------------------------------------------------------------


def _reset_link(client, email: str) -> str:
    client.post(reverse("password_reset"), {"email": email})
    body = mail.outbox[-1].body
    return re.search(r"http://testserver(/\S+)", body).group(1)


def test_a_reset_link_works_for_an_hour(coordinator):
    link = _reset_link(Client(), coordinator.email)
    with time_machine.travel(timezone.localtime() + timedelta(minutes=59)):
        assert Client().get(link, follow=True).context["validlink"]
    with time_machine.travel(timezone.localtime() + timedelta(minutes=61)):
        assert not Client().get(link, follow=True).context["validlink"]


def test_an_invitation_works_for_three_days_and_is_no_reset_link(coordinator):
    uid = urlsafe_base64_encode(force_bytes(coordinator.pk))
    token = invitation_token_generator.make_token(coordinator)
    invitation = reverse("invitation-accept", args=[uid, token])
    as_reset = reverse("password_reset_confirm", args=[uid, token])

    with time_machine.travel(timezone.localtime() + timedelta(days=2, hours=23)):
        assert Client().get(invitation, follow=True).context["validlink"]
        assert not Client().get(as_reset, follow=True).context["validlink"]
    with time_machine.travel(timezone.localtime() + timedelta(days=3, minutes=1)):
        assert not Client().get(invitation, follow=True).context["validlink"]


def test_resets_for_one_address_are_limited_with_the_same_answer(coordinator, settings):
    client = Client()
    answers = [
        client.post(
            reverse("password_reset"), {"email": coordinator.email}, REMOTE_ADDR=f"10.2.0.{n}"
        )
        for n in range(settings.FOKUS_PASSWORD_RESETS_PER_ADDRESS + 2)
    ]

    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, reverse("password_reset_done"))
    }
    assert len(mail.outbox) == settings.FOKUS_PASSWORD_RESETS_PER_ADDRESS
    logged = AccessLogEntry.objects.filter(action=AccessAction.PASSWORD_RESET)
    assert logged.count() == len(answers)
    assert set(logged.values_list("federation_id", flat=True)) == {coordinator.federation_id}


def test_one_client_asking_for_many_resets_is_stopped(db, settings):
    settings.FOKUS_PASSWORD_RESETS_PER_CLIENT = 4
    client = Client()
    for n in range(4):
        client.post(reverse("password_reset"), {"email": f"n{n}@a.example"})

    limited = client.post(reverse("password_reset"), {"email": "n9@a.example"})
    assert limited.status_code == 429
    assert "För många förfrågningar om nytt lösenord" in limited.text
    other = Client().post(
        reverse("password_reset"), {"email": "n9@a.example"}, REMOTE_ADDR="10.3.3.3"
    )
    assert other.status_code == 302


def test_known_and_unknown_addresses_take_the_same_time(coordinator, settings):
    settings.FOKUS_PASSWORD_RESET_MIN_SECONDS = 0.3

    def timed(email):
        started = time.monotonic()
        response = Client().post(reverse("password_reset"), {"email": email})
        return response, time.monotonic() - started

    known, known_seconds = timed(coordinator.email)
    unknown, unknown_seconds = timed("ingen@finns.example")
    assert known["Location"] == unknown["Location"]
    assert known_seconds >= 0.3 and unknown_seconds >= 0.3
    assert len(mail.outbox) == 1


def test_an_admin_learns_nothing_of_an_address_in_another_federation(
    admin_client_a, outsider_admin, case_officer_a
):
    elsewhere = make_user(outsider_admin.federation, "finns@b.example", "Finns B")
    response = admin_client_a.post(
        reverse("manage:user-create"), {"full_name": "Ny", "email": elsewhere.email}
    )
    same = admin_client_a.post(
        reverse("manage:user-create"), {"full_name": "Ny", "email": case_officer_a.email}
    )
    assert response.context["form"].errors["email"] == same.context["form"].errors["email"]


def test_the_demo_prints_the_code_an_app_would_show(coordinator, settings):
    settings.DEBUG = True
    device = authenticator(coordinator)
    out = StringIO()
    call_command("demo_code", coordinator.email, stdout=out)
    assert out.getvalue().strip() == code_now(device)

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_code", coordinator.email)
