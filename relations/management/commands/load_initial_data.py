from django.core.management.base import BaseCommand

from relations.fixture_files import INITIAL_FIXTURES, load_missing


class Command(BaseCommand):
    help = (
        "Load the reference, seed and demo fixtures, inserting only the records the database lacks: running it "
        "again changes nothing, and edits made in the admin are kept."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="Skip the synthetic demo data (for production).")
        parser.add_argument("--database", default="default")

    def handle(self, *args, no_demo: bool = False, database: str = "default", **options) -> None:
        for name in INITIAL_FIXTURES:
            if no_demo and name == "demo":
                continue
            inserted = load_missing(name, using=database)
            self.stdout.write(f"{name}: {inserted} new record(s).")
