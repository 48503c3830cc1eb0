from django.test import SimpleTestCase

from relations.ingest.countries import find_countries, sides_in_sentence
from relations.ingest.text import Document


def codes(text: str, language: str) -> list[str]:
    return [m.value.code for m in find_countries(Document(text), language)]


class GazetteerTests(SimpleTestCase):
    def test_indonesian_names_and_abbreviations(self):
        text = "Menlu RI bertemu Menlu AS dan Dubes Amerika Serikat, lalu Dubes Papua Nugini."
        self.assertEqual(codes(text, "id"), ["ID", "US", "US", "PG"])

    def test_abbreviations_need_their_capitals(self):
        self.assertEqual(codes("Ia datang as usual.", "id"), [])

    def test_english_demonyms_and_official_names(self):
        text = "The Peruvian envoy met the Minister of the Republic of Indonesia and a U.S. official."
        self.assertEqual(codes(text, "en"), ["PE", "ID", "US"])

    def test_longest_name_wins(self):
        self.assertEqual(codes("Papua New Guinea and Guinea-Bissau", "en"), ["PG", "GW"])


class SidesTests(SimpleTestCase):
    def sides(self, text: str, language: str = "en") -> list[str]:
        doc = Document(text)
        return sorted(sides_in_sentence(doc, doc.sentences[0], find_countries(doc, language)))

    def test_pair_of_countries(self):
        self.assertEqual(self.sides("Talks between Indonesia and Denmark went well."), ["DK", "ID"])

    def test_country_only_discussed_is_not_a_side(self):
        self.assertEqual(self.sides("The ministers discussed the situation in Myanmar."), [])

    def test_delegation_and_visit_destination(self):
        text = "Menhan menerima delegasi Angkatan Laut Prancis dalam kunjungan ke Indonesia."
        self.assertEqual(self.sides(text, "id"), ["FR", "ID"])

    def test_venue_of_a_summit_is_not_a_side(self):
        self.assertEqual(self.sides("The minister, visiting Laos to attend the summit, met officials."), [])
