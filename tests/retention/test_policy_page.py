"""The federation admin's page for the retention periods."""

import pytest
from django.urls import reverse

from fokus.models import AccessLogEntry
from retention.models import RetentionPolicy

pytestmark = pytest.mark.django_db

URL = reverse("retention:policy-edit")
VALUES = {
    "after_participation_days": "1095",
    "unenrolled_referral_days": "90",
    "withdrawn_consent_days": "14",
    "access_log_days": "1826",
}


def test_it_shows_the_defaults_without_writing(persona_client):
    response = persona_client("federation_admin").get(URL)
    assert response.status_code == 200
    assert 'value="730"' in response.text and 'value="180"' in response.text
    assert not RetentionPolicy.objects.exists()


def test_it_saves_and_logs_the_changed_periods(persona_client, fed_a):
    client = persona_client("federation_admin")
    assert client.post(URL, VALUES).status_code == 302
    policy = RetentionPolicy.objects.get(federation=fed_a)
    assert (policy.after_participation_days, policy.withdrawn_consent_days) == (1095, 14)
    assert client.post(URL, {**VALUES, "unenrolled_referral_days": "60"}).status_code == 302
    entry = AccessLogEntry.objects.filter(object_type="retention.retentionpolicy").first()
    assert entry.action == "change" and entry.detail == "unenrolled_referral_days"
    assert RetentionPolicy.objects.get(federation=fed_a).unenrolled_referral_days == 60


@pytest.mark.parametrize("bad", ["", "abc", "-1", "0", "²"])
def test_it_refuses_bad_input_and_keeps_what_was_typed(persona_client, fed_a, bad):
    response = persona_client("federation_admin").post(
        URL, {**VALUES, "withdrawn_consent_days": bad}
    )
    assert response.status_code == 400
    assert 'value="1095"' in response.text
    assert not RetentionPolicy.objects.exists()


def test_it_refuses_other_roles(persona_client):
    for persona in ("coordinator", "federation_staff", "case_officer_a"):
        assert persona_client(persona).get(URL).status_code == 403
        assert persona_client(persona).post(URL, VALUES).status_code == 403
    assert not RetentionPolicy.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_saves_in_autocommit(persona_client, fed_a):
    assert persona_client("federation_admin").post(URL, VALUES).status_code == 302
    assert RetentionPolicy.objects.get(federation=fed_a).access_log_days == 1826
