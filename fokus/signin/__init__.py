"""Signing in: a password (Django's ModelBackend behind django-axes' lockout), then a second
factor (django-otp: TOTP, or a one-time backup code) before any page with data opens.

- `lockout`: which account and address failures are counted by.
- `two_factor`: who must use a second factor, enrolment, backup codes, an admin's reset.
- `tokens`: invitation links (longer-lived than password-reset links).
- `reset`: the password-reset request, rate-limited and answered the same for every address.

An organisation's own identity provider (OIDC/SAML) would be one more authentication backend
plus a login view of its own; see docs/architecture.md "Signing in".
"""
