"""How long a large history takes to import: 10,000 participants and 40,000 step ratings.

Creates a throw-away test database with one federation, three municipalities, the agencies
and a project with cohort starts, writes a participants CSV of 10,000 rows (40 starts, about
70 % exited, every fifth row with a name and personnummer) and a ratings CSV of 40,000 rows
(at enrolment, two regular, and at exit or a third regular), then times, through the same
services the upload page and `import_data` use: the dry run of each file, the commit of each
(check again + write, one transaction each), and a re-import of the participants (every row
unchanged). Prints seconds and queries per step.

    DEBUG=1 FOKUS_DATA_DIR=$PWD/var/bench .venv/bin/python bench/imports.py [participants]
"""

import csv
import io
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fokus.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PARTICIPANTS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
RATINGS_PER_PARTICIPANT = 4
MUNICIPALITIES = ("Ljungby", "Älmhult", "Markaryd")
EXIT_REASONS = ("completed_period", "work", "studies", "health", "moved", "other_project")
DESTINATIONS = ("work_unsubsidised", "studies", "other_programme", "none")


def populate():
    from fokus.models import Agency, Federation, Municipality, Project
    from fokus.roles import Role
    from tests.world import make_user

    federation = Federation.objects.create(name="Bänkförbundet", slug="bench")
    municipalities = [
        Municipality.objects.create(federation=federation, name=name) for name in MUNICIPALITIES
    ]
    for kind, name in (
        ("af", "Arbetsförmedlingen"),
        ("fk", "Försäkringskassan"),
        ("region", "Regionen"),
    ):
        Agency.objects.create(federation=federation, kind=kind, name=name)
    for municipality in municipalities:
        Agency.objects.create(
            federation=federation,
            kind="social_services",
            name=f"{municipality.name} socialtjänst",
            municipality=municipality,
        )
    project = Project.objects.create(
        federation=federation,
        name="Stora historiken",
        owner="Ljungby kommun",
        start_date=date(2016, 1, 1),
        end_date=date(2024, 12, 31),
    )
    project.municipalities.set(municipalities)
    coordinator = make_user(
        federation,
        "koordinator@bench.example",
        "Bänk Koordinator",
        (Role.COORDINATOR, {"project": project}),
    )
    return project, coordinator


def personnummer(index: int) -> str:
    """A valid, fictional personnummer (serial 9xx, as the test data's)."""
    born = date(1960, 1, 1) + timedelta(days=index % 12_000)
    digits = f"{born:%y%m%d}{900 + index % 100:03d}"
    total = 0
    for position, char in enumerate(digits):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return f"{born:%Y%m%d}-{digits[6:]}{(10 - total % 10) % 10}"


def files() -> tuple[bytes, bytes]:
    people, ratings = io.StringIO(), io.StringIO()
    p = csv.writer(people)
    r = csv.writer(ratings)
    p.writerow(
        [
            "external_id", "municipality", "cohort_start", "referring_agency_kind", "gender",
            "birth_year", "enrolled_on", "exited_on", "exit_reason", "destination",
            "personnummer", "first_name", "last_name",
        ]
    )  # fmt: skip
    r.writerow(["participant_external_id", "rated_on", "kind", "step"])
    for n in range(PARTICIPANTS):
        start = date(2016, 2, 1) + timedelta(days=60 * (n % 40))
        enrolled = start + timedelta(days=n % 7)
        exited = enrolled + timedelta(days=120 + n % 300) if n % 10 < 7 else None
        with_identity = n % 5 == 0
        p.writerow(
            [
                f"H-{n:05d}",
                MUNICIPALITIES[n % 3],
                start.isoformat(),
                ("af", "fk", "region", "social_services")[n % 4],
                ("woman", "man", "unknown")[n % 3],
                1960 + n % 40 if not with_identity else "",
                enrolled.isoformat(),
                exited.isoformat() if exited else "",
                EXIT_REASONS[n % len(EXIT_REASONS)] if exited else "",
                DESTINATIONS[n % len(DESTINATIONS)] if exited else "",
                personnummer(n) if with_identity else "",
                "Test" if with_identity else "",
                f"Testsson {n}" if with_identity else "",
            ]
        )
        last = exited or enrolled + timedelta(days=330)
        kinds = ["enrolment", "quarterly", "quarterly", "exit" if exited else "quarterly"]
        for k, kind in enumerate(kinds):
            on = enrolled + (last - enrolled) * k / 3
            r.writerow([f"H-{n:05d}", on.isoformat(), kind, 1 + (n + k) % 6])
    return people.getvalue().encode(), ratings.getvalue().encode()


def timed(label: str, work):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - start
    print(f"| {label} | {seconds:.1f} | {len(queries)} |", flush=True)
    return result, seconds


def main() -> None:
    from imports import services

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        project, coordinator = populate()
        people, ratings = files()
        print(
            f"{PARTICIPANTS} participants ({len(people) // 1024} KB), "
            f"{PARTICIPANTS * RATINGS_PER_PARTICIPANT} ratings ({len(ratings) // 1024} KB)"
        )
        print("| step | seconds | queries |\n|---|---:|---:|")

        def dry_run(kind, content):
            return lambda: services.check_file(
                kind=kind, project=project, actor=coordinator, file_name=f"{kind}.csv",
                content=content,
            )  # fmt: skip

        def commit(kind, content):
            def run():
                batch = services.import_upload(
                    actor=coordinator, project=project, kind=kind, file_name=f"{kind}.csv",
                    content=content,
                )  # fmt: skip
                return services.import_commit(batch=batch, actor=coordinator)

            return run

        result, _ = timed("participants: dry run", dry_run("participants", people))
        assert result.counts()["new"] == PARTICIPANTS, result.counts()
        batch, people_seconds = timed("participants: commit", commit("participants", people))
        assert batch.result["written_new"] == PARTICIPANTS, batch.result
        result, _ = timed("ratings: dry run", dry_run("ratings", ratings))
        assert not result.has_errors, [r.line() for r in result.rows if r.is_error][:5]
        batch, ratings_seconds = timed("ratings: commit", commit("ratings", ratings))
        assert batch.result["written_new"] == PARTICIPANTS * RATINGS_PER_PARTICIPANT
        result, _ = timed(
            "participants again: dry run (all unchanged)", dry_run("participants", people)
        )
        assert result.counts()["unchanged"] == PARTICIPANTS, result.counts()
        print(f"\nParticipants and ratings committed in {people_seconds + ratings_seconds:.1f} s.")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
