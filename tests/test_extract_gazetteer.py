from django.test import TestCase

from relations.ingest import gazetteer
from relations.ingest.extract import extract_article
from relations.models import Sector

from .factories import make_country, make_sector

TEXT = (
    "Jakarta, Senin (6/5/2024). Menteri Pertahanan Indonesia menerima kunjungan kehormatan Duta Besar Peru "
    "untuk Indonesia. Keduanya membahas kerja sama pertahanan dan program zorblat bersama."
)


class ReferenceEditsReachTheExtractorTests(TestCase):
    """A worker lives for days: an editor's new keyword must count from the next article, without a restart."""

    @classmethod
    def setUpTestData(cls):
        make_country(code="ID", name_en="Indonesia", name_id="Indonesia")
        make_country(code="PE", name_en="Peru", name_id="Peru")
        make_sector(slug="defence", name_en="Defence", keywords_id="kerja sama pertahanan")
        cls.space = make_sector(slug="space", name_en="Space")

    def setUp(self):
        gazetteer.clear_caches()
        self.addCleanup(gazetteer.clear_caches)

    def sector_slugs(self) -> set[str]:
        return {s["slug"] for m in extract_article(TEXT)["meetings"] for s in m["sectors"]}

    def test_a_keyword_added_in_the_admin_is_used_at_once(self):
        self.assertEqual(self.sector_slugs(), {"defence"})
        self.space.keywords_id = "program zorblat"
        self.space.save()
        self.assertEqual(self.sector_slugs(), {"defence", "space"})

    def test_nothing_reloads_while_nothing_changed(self):
        self.sector_slugs()
        matcher = gazetteer.sector_matcher()
        self.sector_slugs()
        self.assertIs(gazetteer.sector_matcher(), matcher)
        Sector.objects.filter(pk=self.space.pk).delete()
        self.sector_slugs()
        self.assertIsNot(gazetteer.sector_matcher(), matcher)
