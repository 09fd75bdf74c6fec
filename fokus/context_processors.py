from django.conf import settings

from fokus import navigation, policy
from fokus.roles import Role
from fokus.signin import two_factor


def _verified(user) -> bool:
    # Set by django-otp's middleware; absent on requests built without it (RequestFactory).
    return getattr(user, "is_verified", lambda: False)()


def shell(request) -> dict:
    """What the base layout shows: the federation, the user's roles and their navigation."""
    user = getattr(request, "user", None)
    federation = None
    role_labels: list[str] = []
    nav = []
    # Half signed in (password, no second factor yet): the bare layout, nothing to click.
    signed_in = (
        user is not None
        and user.is_authenticated
        and (_verified(user) or not two_factor.second_factor_required(user))
    )
    if signed_in:
        federation = user.federation
        held = policy.roles(user)
        role_labels = [str(label) for value, label in Role.choices if value in held]
        nav = [(item, item.is_current(request.path)) for item in navigation.items_for(user)]
    contact = (federation.contact_email if federation else "") or settings.FOKUS_CONTACT_EMAIL
    return {
        "shell_federation": federation,
        "shell_roles": role_labels,
        "shell_nav": nav,
        "shell_signed_in": signed_in,
        "shell_contact_email": contact,
    }
