"""Response times and query counts of the shell's pages on a federation of realistic size.

Creates a throw-away test database, fills one federation with 25 projects, 15 municipalities,
60 agencies and 600 users (the size of Skaraborg in DOMAIN §1), then requests each page 30
times through Django's test client and prints median / p95 milliseconds and queries per request.

    make bench            # or: DEBUG=1 .venv/bin/python bench/pages.py
"""

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fokus.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

REPEAT = 30


def populate():
    from fokus.access import Role
    from fokus.models import Agency, Federation, Membership, Municipality, Project, User

    federation = Federation.objects.create(name="Bänkförbundet", slug="bench")
    municipalities = Municipality.objects.bulk_create(
        Municipality(federation=federation, name=f"Kommun {i:02}") for i in range(15)
    )
    agencies = Agency.objects.bulk_create(
        Agency(
            federation=federation,
            kind="social_services",
            name=f"Part {i:02}",
            municipality=municipalities[i % 15],
        )
        for i in range(60)
    )
    projects = Project.objects.bulk_create(
        Project(
            federation=federation,
            name=f"Insats {i:02}",
            owner="Kommun",
            start_date=date(2026, 1, 1),
            end_date=date(2027, 12, 31),
        )
        for i in range(25)
    )
    for project in projects:
        project.municipalities.set(municipalities[:5])
    users = User.objects.bulk_create(
        User(email=f"person{i}@bench.example", full_name=f"Person {i}", federation=federation)
        for i in range(600)
    )
    memberships = []
    for i, user in enumerate(users):
        if i % 3 == 0:
            memberships.append(
                Membership(
                    user=user,
                    federation=federation,
                    role=Role.CASE_OFFICER,
                    agency=agencies[i % 60],
                )
            )
        else:
            memberships.append(
                Membership(
                    user=user,
                    federation=federation,
                    role=Role.COORDINATOR,
                    project=projects[i % 25],
                )
            )
    memberships.append(Membership(user=users[1], federation=federation, role=Role.FEDERATION_ADMIN))
    Membership.objects.bulk_create(memberships)
    return users[1], projects[0]


def measure(client: Client, url: str) -> tuple[float, float, int]:
    timings = []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(queries)


def main() -> None:
    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        admin, project = populate()
        client = Client()
        client.force_login(admin)
        pages = [
            ("start page", "/"),
            ("project list (25)", "/projects/"),
            ("project detail", f"/projects/{project.pk}/"),
            ("user list (600, page of 50)", "/manage/users/"),
            ("agency list (60)", "/manage/agencies/"),
            ("access log", "/manage/access-log/"),
        ]
        print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for label, url in pages:
            median, p95, queries = measure(client, url)
            print(f"{label:32} {median:10.1f} {p95:8.1f} {queries:8}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
