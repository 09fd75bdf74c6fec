"""Links that let someone choose a password. A reset link is valid an hour
(PASSWORD_RESET_TIMEOUT); an invitation to a new account is valid longer
(FOKUS_INVITATION_TIMEOUT), because people do not always read work mail the same day. The
two are signed differently, so a reset link cannot be passed off as an invitation."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "fokus.signin.tokens.InvitationTokenGenerator"

    def check_token(self, user, token) -> bool:
        # Django's check, with the invitation's own time limit.
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - ts <= settings.FOKUS_INVITATION_TIMEOUT


invitation_token_generator = InvitationTokenGenerator()
