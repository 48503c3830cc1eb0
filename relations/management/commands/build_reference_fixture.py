from django.core.management.base import BaseCommand

from relations.fixture_files import write_fixture
from relations.reference import reference_objects


class Command(BaseCommand):
    help = "Write fixtures/reference.json (countries, aliases, sectors, organizations) from pycountry, Babel and data/."

    def handle(self, *args, **options) -> None:
        objects = reference_objects()
        path = write_fixture("reference", objects)
        self.stdout.write(f"Wrote {len(objects)} records to {path.name}.")
