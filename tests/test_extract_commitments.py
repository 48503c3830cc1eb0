from django.test import SimpleTestCase

from relations.ingest.commitments import find_commitments, find_events
from relations.ingest.countries import find_countries
from relations.ingest.dates import find_dates, resolve_all
from relations.ingest.text import Document


def read(text: str, language: str = "id"):
    doc = Document(text)
    mentions = find_dates(doc.text)
    resolve_all(doc.text, mentions, None)
    return doc, mentions, find_countries(doc, language)


class CommitmentTests(SimpleTestCase):
    def test_invitation_with_its_month(self):
        doc, mentions, _ = read(
            "Dubes Chile mengundang Menhan menghadiri pameran pertahanan di Santiago pada Maret 2026."
        )
        found = find_commitments(doc, doc.sentences, mentions)
        self.assertEqual([(c["kind"], c["due"]) for c in found], [("invitation", "2026-03")])

    def test_an_invitation_the_meeting_answers_is_not_a_promise(self):
        doc, mentions, _ = read("Wamenhan memenuhi undangan Menhan Malaysia untuk bertemu di Kuala Lumpur.")
        self.assertEqual(find_commitments(doc, doc.sentences, mentions), [])

    def test_english_kinds(self):
        text = (
            "The ministers signed a memorandum of understanding on cyber cooperation. "
            "They agreed to explore joint production of drones. The minister will visit Canberra in June 2026."
        )
        doc, mentions, _ = read(text, "en")
        found = find_commitments(doc, doc.sentences, mentions)
        self.assertEqual(
            [(c["kind"], c["due"]) for c in found], [("mou", None), ("explore", None), ("planned_visit", "2026-06")]
        )


class EventTests(SimpleTestCase):
    def test_named_event_with_place_and_month(self):
        text = (
            "Peru mengundang Indonesia ke pertemuan pemimpin APEC yang akan diselenggarakan di Peru pada November 2024."
        )
        doc, mentions, countries = read(text)
        events = find_events(doc, doc.sentences, mentions, countries)
        self.assertEqual(
            [(e["name"], e["date"], e["place"]) for e in events], [("pertemuan pemimpin APEC", "2024-11", "PE")]
        )

    def test_longest_name_with_its_acronym_and_no_venues(self):
        text = (
            "Ia mengunjungi Indo Defence Expo and Forum (IDEF) di Jakarta International Expo Centre (JIExpo) "
            "bersama Dubes Turki."
        )
        doc, mentions, countries = read(text)
        events = find_events(doc, doc.sentences, mentions, countries)
        self.assertEqual([e["name"] for e in events], ["Indo Defence Expo and Forum (IDEF)"])
