"""Reference data is generated from pycountry, CLDR and relations/data/, and the committed fixtures match it."""

import io
import json
import re
import tempfile
from pathlib import Path
from unittest import mock

import pycountry
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase

from relations import reference
from relations.demo import demo_objects
from relations.fixture_files import fixture_path, to_json
from relations.seed import seed_objects

EVAL_SECTOR_SLUGS = {
    "defence",
    "counter_terrorism",
    "defence_industry",
    "military_education_training",
    "maritime_security",
    "cyber_security",
    "peacekeeping",
    "disaster_relief",
    "economic_trade",
    "apec",
    "asean",
    "g20",
    "health",
    "education",
    "energy",
}


class CountryTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.countries = {c.code: c for c in reference.countries()}

    def test_every_iso_country(self):
        self.assertEqual(len(self.countries), 249)
        self.assertEqual(set(self.countries), {c.alpha_2 for c in pycountry.countries})

    def test_codes(self):
        self.assertEqual((self.countries["PE"].alpha3, self.countries["ID"].alpha3), ("PER", "IDN"))

    def test_indonesian_names(self):
        names = {code: self.countries[code].name_id for code in ("PE", "US", "DE", "CN", "KR", "NL")}
        expected = {
            "PE": "Peru",
            "US": "Amerika Serikat",
            "DE": "Jerman",
            "CN": "Tiongkok",
            "KR": "Korea Selatan",
            "NL": "Belanda",
        }
        self.assertEqual(names, expected)

    def test_english_names_drop_cldr_glosses(self):
        self.assertEqual(self.countries["MM"].name_en, "Myanmar")
        self.assertEqual(self.countries["US"].name_en, "United States")

    def test_every_country_has_a_region(self):
        self.assertEqual([code for code, c in self.countries.items() if not c.region], [])
        self.assertEqual(self.countries["ID"].region, "Southeast Asia")
        self.assertEqual(self.countries["PE"].region, "South America")

    def test_regions_file_names_only_iso_codes(self):
        self.assertLessEqual(set(reference.region_of()), set(self.countries))


class CountryAliasTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        aliases = reference.country_aliases(reference.countries())
        cls.aliases = {(a.country.code, a.alias, a.language): a.kind for a in aliases}

    def test_news_abbreviations(self):
        for key in [("US", "AS", "id"), ("ID", "RI", "id"), ("KR", "Korsel", "id"), ("US", "USA", "en")]:
            with self.subTest(key):
                self.assertEqual(self.aliases[key], "abbreviation" if key[1] != "Korsel" else "name")

    def test_demonyms(self):
        for code, demonym in [("PE", "Peruvian"), ("MY", "Malaysian"), ("DK", "Danish"), ("PH", "Filipino")]:
            with self.subTest(demonym):
                self.assertEqual(self.aliases[code, demonym, "en"], "demonym")

    def test_at_least_120_english_demonyms(self):
        demonyms = [key for key, kind in self.aliases.items() if kind == "demonym" and key[2] == "en"]
        self.assertGreaterEqual(len(demonyms), 120)

    def test_systematic_names_from_pycountry(self):
        self.assertEqual(self.aliases["KR", "Korea, Republic of", "en"], "name")
        self.assertEqual(self.aliases["ID", "Republic of Indonesia", "en"], "name")

    def test_display_name_is_not_repeated_as_alias(self):
        self.assertNotIn(("PE", "Peru", "en"), self.aliases)
        self.assertNotIn(("US", "Amerika Serikat", "id"), self.aliases)

    def test_data_file_uses_known_codes_languages_and_kinds(self):
        codes = {c.alpha_2 for c in pycountry.countries}
        rows = list(reference._csv_rows("country_aliases.csv"))
        self.assertEqual([r for r in rows if r["code"] not in codes], [])
        self.assertEqual({r["language"] for r in rows}, {"en", "id"})
        self.assertLessEqual({r["kind"] for r in rows}, {"name", "abbreviation", "demonym"})


class SectorTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sectors = {s.slug: s for s in reference.sectors()}

    def test_every_eval_slug_is_a_sector(self):
        self.assertLessEqual(EVAL_SECTOR_SLUGS, set(self.sectors))

    def test_hierarchy(self):
        children = {slug for slug, s in self.sectors.items() if s.parent and s.parent.slug == "defence"}
        self.assertEqual(
            children,
            {
                "counter_terrorism",
                "defence_industry",
                "military_education_training",
                "maritime_security",
                "cyber_security",
                "peacekeeping",
            },
        )
        economic = {slug for slug, s in self.sectors.items() if s.parent and s.parent.slug == "economic_diplomacy"}
        self.assertLessEqual({"economic_trade", "apec", "asean", "g20"}, economic)

    def test_names_keywords_and_colours(self):
        colours = [s.color for s in self.sectors.values()]
        self.assertEqual(len(set(colours)), len(colours))
        for slug, sector in self.sectors.items():
            with self.subTest(slug):
                self.assertTrue(sector.name_en and sector.name_id)
                self.assertTrue(sector.keywords("en") and sector.keywords("id"))
                self.assertRegex(sector.color, r"^#[0-9A-F]{6}$")

    def test_glossary_keywords(self):
        self.assertIn("penanggulangan terorisme", self.sectors["counter_terrorism"].keywords("id"))
        self.assertIn("alutsista", self.sectors["defence_industry"].keywords("id"))


class CommittedFixtureTests(SimpleTestCase):
    """The committed fixtures are exactly what the generators write now: rebuild them after editing data/."""

    maxDiff = 2000

    def test_reference_fixture_is_current(self):
        current = to_json(reference.reference_objects())
        committed = fixture_path("reference").read_text("utf-8")
        self.assertEqual(current, committed, "run `manage.py build_reference_fixture` after editing relations/data/")

    def test_demo_fixture_is_current(self):
        current, committed = to_json(demo_objects()), fixture_path("demo").read_text("utf-8")
        self.assertEqual(current, committed, "run `manage.py build_demo_fixture` after editing relations/demo.py")

    def test_seed_fixture_is_current(self):
        committed = fixture_path("seed").read_text("utf-8")
        text = next(r["fields"]["text"] for r in json.loads(committed) if r["model"] == "relations.article")
        self.assertEqual(to_json(seed_objects(text)), committed)

    def test_fixtures_name_no_local_path(self):
        for name in ("reference", "seed", "demo"):
            with self.subTest(name):
                self.assertIsNone(re.search(r"/(work|home|tmp)/", fixture_path(name).read_text("utf-8")))


class BuildCommandTests(SimpleTestCase):
    """The build commands write the same files the generators produce (into a scratch folder here)."""

    def build(self, command: str, *args: str) -> str:
        with tempfile.TemporaryDirectory() as folder, mock.patch("relations.fixture_files.FIXTURE_DIR", Path(folder)):
            call_command(command, *args, stdout=io.StringIO())
            return next(Path(folder).glob("*.json")).read_text("utf-8")

    def test_build_reference_fixture(self):
        self.assertEqual(self.build("build_reference_fixture"), fixture_path("reference").read_text("utf-8"))

    def test_build_seed_fixture_from_an_article_file(self):
        committed = fixture_path("seed").read_text("utf-8")
        text = next(r["fields"]["text"] for r in json.loads(committed) if r["model"] == "relations.article")
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as article:
            article.write(text)
            article.flush()
            self.assertEqual(self.build("build_seed_fixture", article.name), committed)

    def test_build_seed_fixture_refuses_an_article_without_the_evidence(self):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as article:
            article.write("Jakarta, Jumat (4/10). Another text altogether.")
            article.flush()
            with self.assertRaisesMessage(CommandError, "The seed article lacks the evidence for: defence"):
                self.build("build_seed_fixture", article.name)
