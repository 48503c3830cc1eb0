"""Make sure someone can log in: create the superuser `admin` with a random password, once."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from relations.benchmark import BENCH_PREFIX, EARLIER_BENCH_USERNAME


class Command(BaseCommand):
    help = (
        "Create the superuser 'admin' with a random password, printed once, if no superuser exists. "
        "Never changes an existing account."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="Host in the printed URL.")
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"), help="Port in the printed URL.")

    def handle(self, *args, host: str, port: str, **options) -> None:
        User = get_user_model()
        site = f"http://{host}:{port}"
        # The benchmarks' own account (left by an interrupted run) is nobody's way in.
        superusers = User.objects.filter(is_superuser=True).exclude(username=EARLIER_BENCH_USERNAME)
        superuser = superusers.exclude(username__startswith=BENCH_PREFIX).order_by("pk").first()
        if superuser is not None:
            name = superuser.get_username()
            self.stdout.write(
                f"A superuser already exists: '{name}'. Its password is unchanged; to set a new one run:\n"
                f"    python manage.py changepassword {name}\n"
                f"Log in at {site}/admin/ (the dashboard is at {site}/)."
            )
            return
        if User.objects.filter(username="admin").exists():
            self.stderr.write(
                "The account 'admin' exists but is not a superuser; it was left unchanged. "
                "Create a superuser with: python manage.py createsuperuser"
            )
            return
        # The password exists only in this output: nothing fixed ships with the code.
        password = secrets.token_urlsafe(16)
        User.objects.create_superuser(username="admin", email="", password=password)
        self.stdout.write(
            self.style.SUCCESS("Created the superuser 'admin'.") + f"\n    username: admin\n    password: {password}\n"
            f"Log in at {site}/admin/ (the dashboard is at {site}/).\n"
            "This password is shown only once; to set another run: python manage.py changepassword admin"
        )
