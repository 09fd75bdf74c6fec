"""Every form, every persona, the way production runs: in autocommit.

For each persona of the demo data this logs in, follows the links from the start page, and
posts every POST form it finds once with what a browser would send and once for each kind of
bad input (tests/form_crawler.py). No test transaction wraps the requests
(`transaction=True`), so a service that writes or locks outside its own transaction fails
here as it fails for users.

It asserts: no page and no submission answers 500; bad input is refused (a 4xx, or the page
again with an error) in Swedish and changes nothing; the browser's data is accepted (a
redirect, or a page without errors). Forms are found on the pages: one added later is covered
without editing this file. The last lines of output tell how many pages and forms it covered.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from demo.fokus import DEMO_DOMAIN, DEMO_PASSWORD, seed_demo
from demo.referrals import demo_personnummer
from fokus.models import User
from fokus.numbers import parse_int
from tests.browser.conftest import restore_built_in_rows
from tests.form_crawler import (
    FIRST_BOX,
    Form,
    bad_variants,
    browser_data,
    days_from_today,
    parse_page,
)

pytestmark = pytest.mark.django_db(transaction=True)

PERSONAS = [
    "admin",
    "kansliet",
    "koordinator",
    "handlaggare.af",
    "handlaggare.fk",
    "arendegrupp",
    "ersattare",
    "anonymous",
]

# Pages the crawl does not open: leaving, Django's own admin, files.
# The second factor's code pages need the code an app shows at that moment, which no static
# fill can give; tests/fokus/test_signin.py posts to them through the real views.
SKIP_URL_NAMES = {"logout", "two-factor-setup", "two-factor-verify"}
SKIP_PREFIXES = ("/admin/", "/static/", "/media/")
PAGES_PER_URL_NAME = 2  # enough to see each kind of page in two states

# Where the crawl starts besides "/": what an anonymous visitor can open.
START = ["/", "/accounts/login/", "/accounts/password/reset/"]

# Values a user types where a plausible value of the field's type is not valid (url name →
# field → value, or a function of today): dates a rule ties to other dates, a choice to tick.
NEW_PASSWORD = "Ett-nytt-losen-2026!"
FILL: dict[str, dict] = {
    "login": {"username": f"admin@{DEMO_DOMAIN}", "password": DEMO_PASSWORD},
    "password_change": {
        "old_password": DEMO_PASSWORD,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    },
    "manage:municipality-create": {"code": "9990"},
    # The crawl finds the admin's own page first, and the demo has one admin: a role that
    # opens case data, given to oneself, is refused there (it needs a second admin).
    "manage:membership-create": {"role": "federation_staff"},
    "manage:project-create": {"municipalities": FIRST_BOX},
    "participants:cohort-edit": {"release_date": ""},  # on or before the start
    "participants:enrolment-extend": {"new_planned_exit_on": days_from_today(400)},
    "participants:letter-create": {
        "intake_date": days_from_today(7),
        "group_date": days_from_today(14),
    },
    # A person of the demo data (demo/referrals.py), whose register extract is produced.
    "extracts:extract": {"personnummer": demo_personnummer("19880314", 981)},
    "surveys:anonymous-link": {"expires_on": days_from_today(30)},
    "surveys:survey-send": {"expires_on": days_from_today(30), "contacts": FIRST_BOX},
}

# What says "this was refused" on a page.
ERROR_MARKERS = ("is-invalid", "alert-danger", "errorlist", "invalid-feedback")
# Django's English defaults: a refused form must speak Swedish.
ENGLISH = re.compile(
    r"This field is required|Enter a valid|Ensure this value|Select a valid choice|"
    r"is not a valid|has at most|has at least"
)

# Tables bad input may still touch: the access log (who looked), logins, sessions.
NOT_FINGERPRINTED = ("fokus_accesslogentry", "axes_", "django_session")


@dataclass
class Coverage:
    pages: set[str] = field(default_factory=set)
    forms: dict[tuple, tuple[str, Form]] = field(default_factory=dict)  # key → (page, form)
    submissions: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_form_of_a_persona_works_in_autocommit(persona, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    restore_built_in_rows()
    seed_demo()
    client = Client(raise_request_exception=False)  # a 500 is counted, not raised
    if persona != "anonymous":
        client.force_login(User.objects.get(email=f"{persona}@{DEMO_DOMAIN}"))
    coverage = crawl(client)
    today = timezone.localdate().isoformat()

    problems = coverage.problems
    # Bad input first: it must leave the data as it was, so every form still stands.
    data_before = fingerprint()
    for key, (page, form) in coverage.forms.items():
        valid = browser_data(form, today=today, fill=FILL.get(key[0]))
        for variant in bad_variants(form, valid):
            response = client.post(form.action, variant.data)
            where = f"{persona}: {variant.name} to {form.action} (from {page})"
            coverage.submissions[variant.name] += 1
            if response.status_code >= 500:
                problems.append(f"{where}: {response.status_code}")
            elif not variant.strict:
                data_before = fingerprint()  # a view may take what it ignores as valid
            elif not _refused(response):
                problems.append(f"{where} was accepted: {response.status_code}")
            elif (data_now := fingerprint()) != data_before:
                problems.append(f"{where} changed data though it was refused")
                data_before = data_now
            elif ENGLISH.search(response.content.decode()):
                problems.append(f"{where}: English error {_error_text(response)}")

    # Then what the browser sends, each form taken afresh from its page; forms that remove
    # or end something last, so the rest still find their objects.
    for key, (page, _) in sorted(coverage.forms.items(), key=lambda item: _ends_something(item)):
        form = _form_on(client, page, key)
        if form is None:
            coverage.submissions["gone before its turn"] += 1
            continue
        data = browser_data(form, today=today, fill=FILL.get(key[0]))
        response = client.post(form.action, data)
        where = f"{persona}: valid data to {form.action} (from {page})"
        coverage.submissions["valid"] += 1
        if response.status_code >= 500:
            problems.append(f"{where}: {response.status_code}")
        elif response.status_code in (301, 302, 303):
            if (status := client.get(response["Location"]).status_code) >= 500:
                problems.append(f"{where}: its redirect answered {status}")
        elif response.status_code >= 400 or _has_errors(response):
            problems.append(f"{where} was refused: {response.status_code} {_error_text(response)}")

    with capsys.disabled():
        print(
            f"\n[every form] {persona}: {len(coverage.pages)} pages, {len(coverage.forms)} "
            f"forms, submissions {dict(coverage.submissions)}"
        )
    assert not problems, "\n".join(problems)
    if persona != "anonymous":
        assert len(coverage.pages) >= 10 and coverage.forms, "the crawl found almost nothing"


def crawl(client: Client) -> Coverage:
    """Breadth first from the start pages; each URL name at most PAGES_PER_URL_NAME times.
    Also asks each page with a Unicode digit in place of every numeric query value."""
    coverage = Coverage()
    queue, seen = list(START), set()
    per_name: Counter = Counter()
    while queue:
        url = queue.pop(0)
        if url in seen or url.startswith(SKIP_PREFIXES):
            continue
        seen.add(url)
        name = _url_name(url)
        if name is None or name in SKIP_URL_NAMES or per_name[name] >= PAGES_PER_URL_NAME:
            continue
        per_name[name] += 1
        response = client.get(url)
        if response.status_code >= 500:
            coverage.problems.append(f"GET {url}: {response.status_code}")
        _unicode_digit_in_query(client, url, coverage.problems)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        coverage.pages.add(url)
        links, forms = parse_page(url, response.content.decode())
        queue.extend(link for link in links if link not in seen)
        for form in forms:
            action_name = _url_name(form.action)
            if action_name is None or action_name in SKIP_URL_NAMES:
                continue
            coverage.forms.setdefault((action_name, form.names), (url, form))
    return coverage


def _unicode_digit_in_query(client: Client, url: str, problems: list[str]) -> None:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(parse_int(value) is not None for _, value in query):
        bad = [(k, "²" if parse_int(v) is not None else v) for k, v in query]
        response = client.get(f"{parts.path}?{urlencode(bad)}")
        if response.status_code >= 500:
            problems.append(f"GET {parts.path}?{urlencode(bad)}: {response.status_code}")


def _form_on(client: Client, page: str, key: tuple) -> Form | None:
    response = client.get(page)
    if response.status_code != 200:
        return None
    for form in parse_page(page, response.content.decode())[1]:
        if (_url_name(form.action), form.names) == key:
            return form
    return None


def _url_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


ENDS_SOMETHING = re.compile(r"delete|remove|withdraw|revoke|close|deactivate|exit|finalise|cancel")


def _ends_something(item) -> tuple[bool, str]:
    (name, _), _ = item
    return bool(ENDS_SOMETHING.search(name)), name


def _refused(response) -> bool:
    return 400 <= response.status_code < 500 or (
        response.status_code == 200 and _has_errors(response)
    )


def _has_errors(response) -> bool:
    content = response.content.decode(errors="replace")
    return any(marker in content for marker in ERROR_MARKERS)


def _error_text(response) -> str:
    """The page's error messages, with the field each belongs to where it says."""
    content = response.content.decode(errors="replace")
    found = re.findall(
        r'<(?:div|span|p|ul)[^>]*?(?:id="error_\d+_id_([\w-]+)"[^>]*)?'
        r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>(.*?)</(?:div|span|p|ul)>',
        content,
        re.S,
    )
    texts = [
        f"{name}: " * bool(name) + re.sub(r"<[^>]+>|\s+", " ", text).strip() for name, text in found
    ]
    return " | ".join(t for t in texts if t.strip(": "))[:600]


def fingerprint() -> str:
    """One hash of every table's rows except those bad input may still touch."""
    with connection.cursor() as cursor:
        tables = [
            t
            for t in connection.introspection.table_names(cursor)
            if not t.startswith(NOT_FINGERPRINTED)
        ]
        parts = " UNION ALL ".join(
            f"SELECT '{t}' AS t, md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) "
            f'AS h FROM "{t}" r'
            for t in tables
        )
        cursor.execute(f"SELECT md5(string_agg(t || h, ',' ORDER BY t)) FROM ({parts}) x")
        return cursor.fetchone()[0]
