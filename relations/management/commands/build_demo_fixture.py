from django.core.management.base import BaseCommand

from relations.demo import demo_objects
from relations.fixture_files import write_fixture


class Command(BaseCommand):
    help = "Write fixtures/demo.json: synthetic demo meetings, officials and commitments (fixed random seed)."

    def handle(self, *args, **options) -> None:
        objects = demo_objects()
        path = write_fixture("demo", objects)
        self.stdout.write(f"Wrote {len(objects)} records to {path.name} ({path.stat().st_size:,} bytes).")
