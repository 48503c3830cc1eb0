"""`manage.py extract FILE [--published YYYY-MM-DD] [--json]`: what the extractor reads in one article file.

Writes nothing to the database, and works before any table exists (the word lists then come from the data files).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relations.ingest.extract import ExtractionError, extract_article


class Command(BaseCommand):
    help = "Print the meetings an article reports (JSON with --json); nothing is saved."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="a UTF-8 text file holding the article")
        parser.add_argument("--published", help="publication date, YYYY-MM-DD")
        parser.add_argument("--language", choices=["id", "en"], help="skip language detection")
        parser.add_argument("--json", action="store_true", help="print the JSON document")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        published = None
        if options["published"]:
            try:
                published = dt.date.fromisoformat(options["published"])
            except ValueError as exc:
                raise CommandError(f"--published must be YYYY-MM-DD, not {options['published']!r}") from exc
        try:
            document = extract_article(raw, published=published, language=options["language"])
        except ExtractionError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(summary(document))


def summary(document: dict) -> str:
    lines = [f"language: {document['language']}, published: {document['published'] or 'unknown'}"]
    if not document["meetings"]:
        lines.append("no meeting between countries found")
    for number, meeting in enumerate(document["meetings"], 1):
        sides = ", ".join(meeting["partner_countries"])
        host = meeting["host_country"] or "neutral ground"
        lines.append(f"\nmeeting {number}: {meeting['kind']} ({meeting['status']}) on {meeting['date'] or '?'}")
        lines.append(f"  host: {host}; partners: {sides}; place: {meeting['place'] or '?'}")
        for official in meeting["officials"]:
            lines.append(
                f"  - {official['name']}, {official['title']} [{official['country'] or '?'}, {official['role']}]"
            )
        if meeting["sectors"]:
            lines.append("  sectors: " + ", ".join(s["slug"] for s in meeting["sectors"]))
        for commitment in meeting["commitments"]:
            lines.append(
                f"  commitment ({commitment['kind']}, due {commitment['due'] or '?'}): {commitment['description']}"
            )
    return "\n".join(lines)
