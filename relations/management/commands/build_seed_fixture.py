import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relations.fixture_files import fixture_path, write_fixture
from relations.seed import seed_objects


def committed_article_text() -> str:
    """The seed article as fixtures/seed.json carries it, so the fixture can be rebuilt without the source file."""
    records = json.loads(fixture_path("seed").read_text(encoding="utf-8"))
    return next(r["fields"]["text"] for r in records if r["model"] == "relations.article")


class Command(BaseCommand):
    help = "Write fixtures/seed.json: the seed meeting of 4 October 2024 and its source article."

    def add_arguments(self, parser) -> None:
        parser.add_argument("article", nargs="?", help="Text file of the seed article (default: the one in seed.json).")

    def handle(self, *args, article: str | None = None, **options) -> None:
        try:
            text = Path(article).read_text(encoding="utf-8") if article else committed_article_text()
            objects = seed_objects(text)
        except (OSError, ValueError, StopIteration) as exc:
            raise CommandError(f"Cannot build the seed fixture: {exc}") from exc
        path = write_fixture("seed", objects)
        self.stdout.write(f"Wrote {len(objects)} records to {path.name}.")
