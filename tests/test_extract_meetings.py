from django.test import SimpleTestCase

from relations.ingest.meetings import is_planned


class PlannedTests(SimpleTestCase):
    def test_future_word_governing_the_meeting(self):
        for sentence in (
            "Menlu Papua Nugini akan bertemu dengan Menlu RI besok.",
            "Pada hari Jumat akan ada pertemuan komisi bersama.",
            "Menhan juga dijadwalkan menerima kunjungan Dubes India.",
            "The two ministers are expected to hold talks on Monday.",
            "The minister will travel to Lima next week for talks with her counterpart.",
            "Menlu akan bertolak ke Lima pekan depan untuk bertemu Menlu Peru.",
        ):
            with self.subTest(sentence=sentence):
                self.assertTrue(is_planned(sentence))

    def test_future_word_about_something_else(self):
        for sentence in (
            "Menhan menerima Dubes Chile yang akan segera mengakhiri masa tugasnya.",
            "The minister received the envoy, who said trade will grow.",
        ):
            with self.subTest(sentence=sentence):
                self.assertFalse(is_planned(sentence))
