"""URLs of the referrals app: the case officer's side and the ärendegrupp's side."""

from referrals.urls.casegroup import urlpatterns as casegroup_urls
from referrals.urls.officer import urlpatterns as officer_urls

app_name = "referrals"
urlpatterns = officer_urls + casegroup_urls
