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


class PortfolioTests(SimpleTestCase):
    def test_a_demonym_naming_a_portfolio_is_no_country(self):
        text = "The Director for Chinese and Mongolian Affairs said the Kenyan envoy had arrived."
        self.assertEqual(codes(text, "en"), ["KE"])

    def test_a_demonym_before_other_words_stays_a_country(self):
        self.assertEqual(codes("Chinese and Mongolian officials met Japanese envoys.", "en"), ["CN", "MN", "JP"])


class DelegationAdjectiveTests(SimpleTestCase):
    def test_an_adjective_a_few_words_before_delegation_makes_a_side(self):
        text = "A Czech defence industry delegation held talks with officials in Jakarta on Monday."
        doc = Document(text)
        self.assertEqual(list(sides_in_sentence(doc, doc.sentences[0], find_countries(doc, "en"))), ["CZ"])

    def test_an_adjective_before_other_nouns_is_no_side(self):
        text = "The minister discussed Czech defence industry exports with officials in Jakarta on Monday."
        doc = Document(text)
        self.assertEqual(list(sides_in_sentence(doc, doc.sentences[0], find_countries(doc, "en"))), [])


class DatelineTests(SimpleTestCase):
    def test_a_city_state_dateline_is_not_paired_with_the_first_country(self):
        text = "SINGAPORE - Indonesia's foreign minister met his Chilean counterpart on Friday."
        doc = Document(text)
        self.assertEqual(sorted(sides_in_sentence(doc, doc.sentences[0], find_countries(doc, "en"))), ["CL"])

    def test_a_spaced_dash_inside_a_sentence_still_pairs(self):
        text = "The talks strengthened Singapore - Indonesia defence ties."
        doc = Document(text)
        self.assertEqual(sorted(sides_in_sentence(doc, doc.sentences[0], find_countries(doc, "en"))), ["ID", "SG"])


class IndonesianSpellingTests(SimpleTestCase):
    def test_indonesian_spellings_beside_cldr_names(self):
        self.assertEqual(codes("Dubes Hongaria, Dubes Libanon dan Dubes Kirgistan hadir.", "id"), ["HU", "LB", "KG"])
        self.assertEqual(codes("Utusan Takhta Suci bertemu Dubes Belarusia.", "id"), ["VA", "BY"])


class CountryListTests(SimpleTestCase):
    def sides(self, text: str) -> list[str]:
        doc = Document(text)
        return sorted(sides_in_sentence(doc, doc.sentences[0], find_countries(doc, "en")))

    def test_a_list_of_three_countries_is_no_pair(self):
        self.assertEqual(self.sides("The ministry is weighing offers from Turkey, Italy and Japan before talks."), [])

    def test_a_list_opened_by_between_still_names_the_sides(self):
        self.assertEqual(
            self.sides("Talks between Indonesia, Malaysia and Singapore were held in Batam."), ["ID", "MY", "SG"]
        )

    def test_capitalised_turkey_and_jordan_are_countries(self):
        self.assertEqual(codes("Envoys of Turkey and Jordan arrived.", "en"), ["TR", "JO"])

    def test_a_list_after_officials_of_names_the_sides(self):
        self.assertEqual(
            self.sides("The defence ministers of Indonesia, Malaysia and Singapore met in Batam."), ["ID", "MY", "SG"]
        )
        doc = Document("Menhan menerima duta besar Jepang, Korea Selatan dan Australia di Jakarta.")
        self.assertEqual(
            sorted(sides_in_sentence(doc, doc.sentences[0], find_countries(doc, "id"))), ["AU", "JP", "KR"]
        )
