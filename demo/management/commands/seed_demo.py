from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.fokus import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load the fictional demo federation with one user per role (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even when DEBUG is off (never in production)."
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo sets known passwords; run it with DEBUG on, or --force.")
        logins = seed_demo()
        width = max(len(login.email) for login in logins)
        self.stdout.write(f"Demo data ready. Every demo user's password: {DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.email:<{width}}  {login.roles}")
        if settings.FOKUS_TWO_FACTOR == "optional":
            self.stdout.write(
                "Two-factor sign-in is optional in this demo (FOKUS_TWO_FACTOR=optional): the "
                "password alone logs in. To try it without a phone, choose "
                "'Tvåfaktorinloggning' after logging in and type the code from: "
                ".venv/bin/python manage.py demo_code EMAIL"
            )
        else:
            self.stdout.write(
                "Two-factor sign-in is required: at the first login each user sets up an app; "
                "without a phone, type the code from: .venv/bin/python manage.py demo_code EMAIL"
            )
