"""The case officer's side: "Mina anvisningar", the referral form and the consent."""

from django.urls import path

from referrals.views import consent, referral

urlpatterns = [
    path("referrals/", referral.referral_list, name="referral-list"),
    path("referrals/new/", referral.referral_create, name="referral-create"),
    path("referrals/<uuid:public_id>/", referral.referral_detail, name="referral-detail"),
    path("referrals/<uuid:public_id>/edit/", referral.referral_edit, name="referral-edit"),
    path(
        "referrals/<uuid:public_id>/withdraw/",
        referral.referral_withdraw,
        name="referral-withdraw",
    ),
    path("referrals/<uuid:public_id>/delete/", referral.referral_delete, name="referral-delete"),
    path("referrals/<uuid:public_id>/consent/", consent.consent_record, name="consent-record"),
    path(
        "referrals/<uuid:public_id>/consent/document/",
        consent.consent_document,
        name="consent-document",
    ),
    path(
        "referrals/<uuid:public_id>/consent/withdraw/",
        consent.consent_withdraw,
        name="consent-withdraw",
    ),
]
