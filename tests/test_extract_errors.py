from django.test import SimpleTestCase

from relations.ingest.extract import (
    EmptyTextError,
    ExtractionError,
    NotTextError,
    UnsupportedLanguageError,
    extract_article,
)


class BadInputTests(SimpleTestCase):
    def test_empty_text(self):
        for text in ("", "   \n\t "):
            with self.subTest(text=text), self.assertRaisesMessage(EmptyTextError, "The article is empty"):
                extract_article(text)

    def test_binary_garbage(self):
        with self.assertRaisesMessage(NotTextError, "The article does not look like text"):
            extract_article("\x00\x01\x02\x89PNG\x1a" * 50)

    def test_bytes_that_are_not_utf8(self):
        with self.assertRaisesMessage(NotTextError, "The file is not UTF-8 text"):
            extract_article(b"\xff\xfe\x00\x81" * 20)

    def test_unknown_language(self):
        text = "Der Verteidigungsminister hat den Botschafter empfangen und über die Zusammenarbeit gesprochen."
        with self.assertRaises(UnsupportedLanguageError):
            extract_article(text)

    def test_bad_publication_date(self):
        with self.assertRaisesMessage(ExtractionError, "The publication date 'yesterday' is not a date"):
            extract_article("The minister met the ambassador of Peru in Jakarta.", published="yesterday")

    def test_every_refusal_is_an_extraction_error(self):
        for error in (EmptyTextError, NotTextError, UnsupportedLanguageError):
            self.assertTrue(issubclass(error, ExtractionError))
