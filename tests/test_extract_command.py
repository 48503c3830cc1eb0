import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from relations.ingest import gazetteer
from relations.models import Article, Meeting

ARTICLE = (
    "Menteri Pertahanan RI Sjafrie Sjamsoeddin menerima kunjungan kehormatan Duta Besar Peru untuk Indonesia, "
    "Carlos Vega, di Jakarta, Jumat (4/10). Keduanya membahas kerja sama pertahanan dan penanggulangan terorisme."
)


class ExtractCommandTests(TestCase):
    def setUp(self):
        gazetteer.clear_caches()
        self.addCleanup(gazetteer.clear_caches)
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.path = Path(folder.name) / "article.txt"
        self.path.write_text(ARTICLE, encoding="utf-8")

    def run_command(self, *args) -> str:
        out = StringIO()
        call_command("extract", str(self.path), *args, stdout=out)
        return out.getvalue()

    def test_json_output_and_nothing_written(self):
        with CaptureQueriesContext(connection) as queries:
            document = json.loads(self.run_command("--json", "--published", "2024-10-05"))
        writes = [
            q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))
        ]
        self.assertEqual(writes, [])
        self.assertEqual((Meeting.objects.count(), Article.objects.count()), (0, 0))
        self.assertEqual(document["published"], "2024-10-05")
        meeting = document["meetings"][0]
        self.assertEqual((meeting["date"], meeting["partner_countries"]), ("2024-10-04", ["PE"]))
        self.assertEqual([s["slug"] for s in meeting["sectors"]], ["defence", "counter_terrorism"])

    def test_json_keeps_non_ascii_letters(self):
        self.path.write_text(ARTICLE.replace("Carlos Vega", "Raúl Galván"), encoding="utf-8")
        self.assertIn("Raúl Galván", self.run_command("--json"))

    def test_readable_summary(self):
        output = self.run_command("--published", "2024-10-05")
        self.assertIn("meeting 1: courtesy_call (held) on 2024-10-04", output)
        self.assertIn("  - Carlos Vega, Duta Besar Peru untuk Indonesia [PE, principal]", output)

    def test_bad_input_is_a_clear_command_error(self):
        self.path.write_bytes(b"")
        with self.assertRaisesMessage(CommandError, "The article is empty"):
            self.run_command("--json")

    def test_missing_file(self):
        with self.assertRaisesMessage(CommandError, "Cannot read"):
            call_command("extract", str(self.path.with_name("missing.txt")), stdout=StringIO())

    def test_bad_publication_date(self):
        with self.assertRaisesMessage(CommandError, "--published must be YYYY-MM-DD"):
            self.run_command("--published", "4/10/2024")


class GazetteerSourceTests(TestCase):
    """Countries come from the database when it has them, and the same names from the data files when not."""

    def setUp(self):
        gazetteer.clear_caches()
        self.addCleanup(gazetteer.clear_caches)

    def test_database_aliases_are_used(self):
        from tests.factories import make_country, make_country_alias

        make_country(code="ID", name_en="Indonesia", name_id="Indonesia")
        make_country_alias(
            country=make_country(code="PE", name_en="Peru", name_id="Peru"), alias="Inca Land", language="en"
        )
        from relations.ingest.countries import find_countries
        from relations.ingest.text import Document

        found = find_countries(Document("Officials of Inca Land met Indonesia."), "en")
        self.assertEqual([m.value.code for m in found], ["PE", "ID"])


class ScoreCommandTests(TestCase):
    def test_negative_speed_passes_are_refused(self):
        with self.assertRaisesMessage(CommandError, "--speed must be a number of passes, 0 or more."):
            call_command("score_extraction", "--speed", "-3", "--eval-dir", "/nonexistent-eval", stdout=StringIO())

    def test_missing_evaluation_set(self):
        with self.assertRaisesMessage(CommandError, "the shared evaluation set is not next to this project"):
            call_command("score_extraction", "--eval-dir", "/nonexistent-eval", stdout=StringIO())
