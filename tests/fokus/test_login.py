"""Login, lockout, idle expiry and password reset through the real views."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fokus.models import AccessAction, AccessLogEntry
from tests.conftest import PASSWORD
from tests.world import authenticator, code_now, sign_in


def _login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_it_logs_in_with_email_and_lands_on_the_start_page(coordinator):
    device = authenticator(coordinator)
    client = Client()
    response = _login(client, "Koordinator@A.example", PASSWORD)  # any case
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    # The password alone opens nothing: the start page asks for the app's code first.
    asks = client.get(reverse("home"))
    assert asks["Location"] == f"{reverse('two-factor-verify')}?next=%2F"
    verified = client.post(asks["Location"], {"code": code_now(device), "next": "/"})
    assert verified["Location"] == "/"
    page = client.get(reverse("home"))
    assert "Kim Koordinator" in page.text
    assert AccessLogEntry.objects.filter(actor=coordinator, action=AccessAction.LOGIN).exists()


def test_it_explains_a_wrong_password_in_swedish(coordinator):
    response = _login(Client(), coordinator.email, "fel-lösenord")
    assert response.status_code == 200
    assert "E-postadressen eller lösenordet är fel" in response.text
    failed = AccessLogEntry.objects.get(action=AccessAction.FAILED_LOGIN)
    assert failed.actor is None
    assert failed.actor_label == coordinator.email
    assert failed.federation_id == coordinator.federation_id
    assert "fel-lösenord" not in failed.detail


def test_it_locks_the_account_after_five_failures_with_a_swedish_page(coordinator, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, coordinator.email, "fel").status_code == 200
    locked = _login(client, coordinator.email, "fel")
    assert locked.status_code == 429
    assert "För många misslyckade inloggningsförsök" in locked.text
    assert "15 minuter" in locked.text
    # Even the right password is refused while locked.
    again = _login(Client(), coordinator.email, PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_lets_the_lock_expire_after_the_cooloff(coordinator, settings):
    from axes.models import AccessAttempt

    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, coordinator.email, "fel")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(Client(), coordinator.email, PASSWORD).status_code == 302


def test_it_refuses_a_deactivated_account(coordinator):
    coordinator.is_active = False
    coordinator.save()
    response = _login(Client(), coordinator.email, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session


def test_it_ends_the_session_after_30_minutes_idle(coordinator):
    client = Client()
    sign_in(client, coordinator)
    assert client.get(reverse("home")).status_code == 200
    assert client.session.get_expiry_age() == 30 * 60
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_moves_the_expiry_forward_on_activity(coordinator):
    client = Client()
    sign_in(client, coordinator)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get()
    assert session.expire_date > timezone.now() + timedelta(minutes=29)


def test_it_logs_out_on_post_only(coordinator):
    client = Client()
    client.force_login(coordinator)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
    assert AccessLogEntry.objects.filter(actor=coordinator, action=AccessAction.LOGOUT).exists()


def test_it_resets_a_forgotten_password_by_email(coordinator):
    client = Client()
    response = client.post(reverse("password_reset"), {"email": coordinator.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [coordinator.email]
    assert "Välj ett nytt lösenord" in message.subject
    link = next(word for word in message.body.split() if "/accounts/password/reset/" in word)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Ett-nytt-lösen-77", "new_password2": "Ett-nytt-lösen-77"}
    )
    assert done.status_code == 302
    assert _login(Client(), coordinator.email, "Ett-nytt-lösen-77").status_code == 302


def test_it_does_not_reveal_unknown_addresses_on_reset(db):
    response = Client().post(reverse("password_reset"), {"email": "ingen@finns.example"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_it_rejects_a_weak_new_password_with_swedish_reasons(coordinator):
    client = Client()
    client.force_login(coordinator)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 200
    assert "för kort" in response.text
    coordinator.refresh_from_db()
    assert coordinator.check_password(PASSWORD)


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"username": "", "password": ""},
        {"username": "inte-en-adress", "password": "x"},
        {"username": "a" * 5000 + "@x.se", "password": "x" * 5000},
        {"username": "\x00@x.se", "password": "\x00"},
    ],
)
def test_it_never_fails_on_odd_login_input(db, payload):
    response = Client().post(reverse("login"), payload)
    assert response.status_code in (200, 400)
