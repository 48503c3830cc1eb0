from django.test import SimpleTestCase

from relations.ingest.errors import UnsupportedLanguageError
from relations.ingest.language import check_language, detect_language


class DetectLanguageTests(SimpleTestCase):
    def test_indonesian(self):
        text = "Menteri Pertahanan menerima kunjungan duta besar dari negara sahabat di kantornya pada hari ini."
        self.assertEqual(detect_language(text), "id")

    def test_english(self):
        text = "The defence minister received the ambassador at the ministry and they discussed the partnership."
        self.assertEqual(detect_language(text), "en")

    def test_other_language_is_refused_with_its_name(self):
        text = "Le ministre de la Défense a reçu l'ambassadeur au ministère pour parler de la coopération militaire."
        with self.assertRaisesMessage(UnsupportedLanguageError, "(French) is not supported"):
            detect_language(text)

    def test_given_language_is_checked(self):
        self.assertEqual(check_language("EN"), "en")
        with self.assertRaisesMessage(UnsupportedLanguageError, "The language 'fr' is not supported"):
            check_language("fr")


class NameHeavyTextTests(SimpleTestCase):
    def test_short_indonesian_text_full_of_names(self):
        text = (
            "Menteri Pertahanan RI Sjafrie Sjamsoeddin menerima kunjungan Menteri Angkatan Bersenjata Prancis "
            "Sébastien Lecornu di Jakarta, Kamis (13/2/2025)."
        )
        self.assertEqual(detect_language(text), "id")


class TitlesAndNamesOnlyTests(SimpleTestCase):
    def test_a_report_made_of_titles_and_names_is_read_by_its_domain_words(self):
        text = (
            "Surabaya, 3 Maret 2025 - Komandan Kodiklatal Laksda TNI Edi Wibowo menerima kunjungan Commandant "
            "Naval War College Brazil Rear Admiral Paulo Souza."
        )
        self.assertEqual(detect_language(text), "id")
        self.assertEqual(detect_language("Indonesia's Defence Minister met Chilean Foreign Minister Ana Rojas."), "en")

    def test_other_languages_are_still_refused(self):
        with self.assertRaises(UnsupportedLanguageError):
            detect_language("Der Minister traf den Botschafter am Montag in Berlin zu Gesprächen.")
