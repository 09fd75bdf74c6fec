from django.conf import settings

from fokus import navigation, policy
from fokus.roles import Role


def shell(request) -> dict:
    """What the base layout shows: the federation, the user's roles and their navigation."""
    user = getattr(request, "user", None)
    federation = None
    role_labels: list[str] = []
    nav = []
    if user is not None and user.is_authenticated:
        federation = user.federation
        held = policy.roles(user)
        role_labels = [str(label) for value, label in Role.choices if value in held]
        nav = [(item, item.is_current(request.path)) for item in navigation.items_for(user)]
    contact = (federation.contact_email if federation else "") or settings.FOKUS_CONTACT_EMAIL
    return {
        "shell_federation": federation,
        "shell_roles": role_labels,
        "shell_nav": nav,
        "shell_contact_email": contact,
    }
