from django import forms

from retention.models import RetentionPolicy


class RetentionPolicyForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = [
            "after_participation_days",
            "unenrolled_referral_days",
            "withdrawn_consent_days",
            "access_log_days",
        ]
