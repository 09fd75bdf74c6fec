"""The main navigation: each role sees only the places it may use."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fokus import policy
from fokus.roles import Role

# Who works with referrals: case officers refer, coordinators and the ärendegrupp review.
_REFERRAL_ROLES = {Role.CASE_OFFICER, Role.COORDINATOR, Role.CASE_GROUP_MEMBER}


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str

    def is_current(self, path: str) -> bool:
        if self.url == "/":
            return path == "/"
        return path.startswith(self.url)


def items_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    items = [NavItem(_("Start"), reverse("home"))]
    if policy.memberships(user):
        items.append(NavItem(_("Projects"), reverse("project-list")))
    if policy.roles(user) & _REFERRAL_ROLES:
        items.append(NavItem(_("Referrals"), reverse("referrals:referral-list")))
    if policy.case_officer_agency_ids(user):
        items.append(
            NavItem(_("My participants"), reverse("participants:officer-participant-list"))
        )
    if policy.is_federation_staff(user):
        items.append(NavItem(_("Summary across projects"), reverse("reports:federation-summary")))
    if policy.is_federation_admin(user):
        items += [
            NavItem(_("Users"), reverse("manage:user-list")),
            NavItem(_("Agencies"), reverse("manage:agency-list")),
            NavItem(_("Municipalities"), reverse("manage:municipality-list")),
            NavItem(_("Step ladders"), reverse("stepladder:ladder-list")),
            NavItem(_("Access log"), reverse("manage:access-log")),
            NavItem(_("Register extract"), reverse("extracts:extract")),
        ]
    if policy.reviews_access_log(user):
        items.append(NavItem(_("Access log review"), reverse("manage:log-review")))
    return items
