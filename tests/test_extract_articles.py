"""extract_article on short articles written for these tests, in both languages."""

import datetime as dt
from pathlib import Path

from django.test import SimpleTestCase

from relations.ingest.extract import extract_article

SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seed"

COURTESY_CALL_ID = (
    "Jakarta - Menteri Pertahanan RI Sjafrie Sjamsoeddin menerima kunjungan kehormatan Duta Besar Jepang untuk "
    "Indonesia, Masaki Yasushi, di Kantor Kemhan, Jakarta, Selasa (14/1/2025). Dalam pertemuan tersebut, kedua pihak "
    "membahas peningkatan kerja sama pertahanan dan keamanan maritim.\n"
    "Menhan Sjafrie didampingi oleh Sekjen Kemhan Marsdya TNI Donny Ermawan. Dubes Jepang menyampaikan undangan bagi "
    "Menhan untuk berkunjung ke Tokyo pada Maret 2025."
)
NEUTRAL_GROUND_EN = (
    "On November 22, 2024, Defense Minister Nakatani, visiting Laos to attend the ASEAN Defence Ministers' "
    "Meeting-Plus, held a meeting with Philippine Secretary of National Defense Gilberto Teodoro. The two ministers "
    "agreed to continue defense cooperation between Japan and the Philippines."
)
THREE_MEETINGS_ID = (
    "Menhan RI Prabowo Subianto menerima kunjungan kehormatan Dubes Malaysia untuk Indonesia, Rabu (13/11/2019).\n"
    "Usai menerima Dubes Malaysia, Menhan RI juga menerima delegasi Angkatan Laut Prancis yang dipimpin oleh "
    "Laksamana Nicolas Vaujour.\n"
    "Masih pada hari yang sama, Menhan RI dijadwalkan menerima kunjungan Dubes India untuk Indonesia."
)
NO_MEETING_ID = (
    "Komisi I DPR menggelar rapat kerja dengan Menteri Pertahanan untuk membahas rencana anggaran tahun depan. Ketua "
    "Komisi I mengatakan anggaran alutsista perlu ditingkatkan, Rabu (10/9). Rapat berlangsung tertutup."
)
NO_MEETING_EN = (
    "President Prabowo Subianto opened the national defence exhibition in Jakarta on Tuesday, urging domestic "
    "companies to build more equipment at home. He said the defence industry must become more self-reliant."
)
PLANNED_EN = (
    "Malaysian Prime Minister Anwar Ibrahim will visit Jakarta next week and is scheduled to meet President Prabowo "
    "Subianto on Monday, the foreign ministry said. The two leaders are expected to discuss trade."
)
PHONE_CALL_EN = (
    "Foreign Minister Sugiono spoke by phone with U.S. Secretary of State Marco Rubio on Thursday to discuss trade "
    "and investment. The two ministers agreed to explore cooperation on energy."
)


class IndonesianArticleTests(SimpleTestCase):
    def test_courtesy_call_at_the_ministry(self):
        document = extract_article(COURTESY_CALL_ID)
        self.assertEqual((document["language"], len(document["meetings"])), ("id", 1))
        meeting = document["meetings"][0]
        self.assertEqual(
            {k: meeting[k] for k in ("date", "date_text", "status", "host_country", "partner_countries", "kind")},
            {
                "date": "2025-01-14",
                "date_text": "Selasa (14/1/2025)",
                "status": "held",
                "host_country": "ID",
                "partner_countries": ["JP"],
                "kind": "courtesy_call",
            },
        )
        self.assertEqual(meeting["place"], "Kantor Kemhan, Jakarta")
        self.assertEqual(
            [(o["name"], o["country"], o["role"]) for o in meeting["officials"]],
            [
                ("Sjafrie Sjamsoeddin", "ID", "principal"),
                ("Masaki Yasushi", "JP", "principal"),
                ("Donny Ermawan", "ID", "accompanying"),
            ],
        )
        self.assertEqual([s["slug"] for s in meeting["sectors"]], ["defence", "maritime_security"])
        self.assertEqual([(c["kind"], c["due"]) for c in meeting["commitments"]], [("invitation", "2025-03")])

    def test_spans_point_at_the_evidence(self):
        meeting = extract_article(COURTESY_CALL_ID)["meetings"][0]
        [[start, end]] = meeting["spans"]["date"]
        self.assertEqual(COURTESY_CALL_ID[start:end], "Selasa (14/1/2025)")
        start, end = meeting["officials"][1]["spans"][0]
        self.assertEqual(COURTESY_CALL_ID[start:end], "Duta Besar Jepang untuk Indonesia, Masaki Yasushi")
        start, end = meeting["sectors"][1]["spans"][0]
        self.assertEqual(COURTESY_CALL_ID[start:end], "keamanan maritim")

    def test_several_meetings_in_one_text(self):
        meetings = extract_article(THREE_MEETINGS_ID)["meetings"]
        self.assertEqual(
            [(m["partner_countries"], m["date"], m["status"], m["kind"]) for m in meetings],
            [
                (["MY"], "2019-11-13", "held", "courtesy_call"),
                (["FR"], "2019-11-13", "held", "delegation_visit"),
                (["IN"], "2019-11-13", "planned", "courtesy_call"),
            ],
        )
        self.assertEqual(
            [(o["name"], o["country"]) for o in meetings[1]["officials"]],
            [("Prabowo Subianto", "ID"), ("Nicolas Vaujour", "FR")],
        )

    def test_article_about_no_meeting_proposes_none(self):
        self.assertEqual(extract_article(NO_MEETING_ID)["meetings"], [])


class EnglishArticleTests(SimpleTestCase):
    def test_neutral_ground_lists_every_side(self):
        meeting = extract_article(NEUTRAL_GROUND_EN, published=dt.date(2024, 11, 22))["meetings"][0]
        self.assertEqual(
            (meeting["date"], meeting["host_country"], meeting["partner_countries"], meeting["kind"]),
            ("2024-11-22", None, ["PH", "JP"], "bilateral_meeting"),
        )
        self.assertEqual(
            [(o["name"], o["country"]) for o in meeting["officials"]], [("Nakatani", "JP"), ("Gilberto Teodoro", "PH")]
        )
        # The ASEAN meeting is where they met, not what they discussed.
        self.assertEqual([s["slug"] for s in meeting["sectors"]], ["defence"])

    def test_planned_visit_takes_the_next_monday(self):
        meeting = extract_article(PLANNED_EN, published=dt.date(2025, 6, 20))["meetings"][0]
        self.assertEqual(
            (meeting["status"], meeting["date"], meeting["host_country"], meeting["partner_countries"]),
            ("planned", "2025-06-23", "ID", ["MY"]),
        )

    def test_phone_call_with_an_unnamed_home_side(self):
        meeting = extract_article(PHONE_CALL_EN, published=dt.date(2025, 2, 7))["meetings"][0]
        self.assertEqual((meeting["kind"], meeting["date"]), ("phone_call", "2025-02-06"))
        self.assertEqual(
            [(o["name"], o["country"]) for o in meeting["officials"]], [("Sugiono", "ID"), ("Marco Rubio", "US")]
        )
        self.assertEqual([c["kind"] for c in meeting["commitments"]], ["explore"])

    def test_article_about_no_meeting_proposes_none(self):
        document = extract_article(NO_MEETING_EN, published=dt.date(2024, 11, 27))
        self.assertEqual((document["language"], document["meetings"]), ("en", []))


class SeedArticleTests(SimpleTestCase):
    def setUp(self):
        files = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
        if not files:
            self.skipTest("the shared seed article is not next to this project")
        self.text = files[0].read_text(encoding="utf-8")

    def test_seed_meeting(self):
        meeting = extract_article(self.text)["meetings"][0]
        self.assertEqual(
            (meeting["date"], meeting["host_country"], meeting["partner_countries"], meeting["kind"]),
            ("2024-10-04", "ID", ["PE"], "courtesy_call"),
        )
        self.assertEqual(
            [(o["name"], o["country"], o["role"]) for o in meeting["officials"]],
            [
                ("M. Herindra", "ID", "principal"),
                ("Luis Raúl Tsuboyama Galván", "PE", "principal"),
                ("Cristian Córdova", "PE", "accompanying"),
            ],
        )
        self.assertIn("invitation", [c["kind"] for c in meeting["commitments"]])


class HostTests(SimpleTestCase):
    def test_side_that_hosted_at_its_own_ministry(self):
        text = (
            "WASHINGTON - Secretary of Defense Lloyd J. Austin III hosted Indonesian Minister of Defense Prabowo "
            "Subianto at the Pentagon today. They discussed military exercises."
        )
        meeting = extract_article(text, published=dt.date(2024, 8, 31))["meetings"][0]
        self.assertEqual(
            (meeting["host_country"], meeting["partner_countries"], meeting["date"]), ("US", ["ID"], "2024-08-31")
        )
        self.assertEqual(
            [(o["name"], o["country"]) for o in meeting["officials"]],
            [("Lloyd J. Austin", "US"), ("Prabowo Subianto", "ID")],
        )

    def test_story_filed_from_a_third_country_is_neutral_ground(self):
        text = (
            "Vientiane - Di sela-sela pertemuan ADMM-Plus, Menhan Sjafrie Sjamsoeddin bertemu Menhan Australia "
            "Richard Marles, Kamis (21/11/2024)."
        )
        meeting = extract_article(text)["meetings"][0]
        self.assertEqual((meeting["host_country"], meeting["partner_countries"]), (None, ["ID", "AU"]))

    def test_state_visit_received_at_a_palace(self):
        text = (
            "Presiden Joko Widodo menerima kunjungan kenegaraan Presiden Vietnam Vo Van Thuong di Istana Bogor, "
            "Senin (18/12/2023). Presiden didampingi Menteri Perdagangan Zulkifli Hasan."
        )
        meeting = extract_article(text)["meetings"][0]
        self.assertEqual((meeting["kind"], meeting["host_country"]), ("official_visit", "ID"))
        self.assertEqual(
            [(o["name"], o["country"], o["role"]) for o in meeting["officials"]],
            [
                ("Joko Widodo", "ID", "principal"),
                ("Vo Van Thuong", "VN", "principal"),
                ("Zulkifli Hasan", "ID", "accompanying"),
            ],
        )

    def test_possessive_country_and_unnamed_counterpart(self):
        text = (
            "Indonesia's defense minister met with his Malaysian counterpart in Kuala Lumpur on Tuesday. "
            "Defense minister Sjafrie Sjamsoeddin also visited a shipyard."
        )
        meeting = extract_article(text, published=dt.date(2025, 5, 8))["meetings"][0]
        self.assertEqual(
            (meeting["host_country"], meeting["partner_countries"], meeting["date"]), ("MY", ["ID"], "2025-05-06")
        )
        self.assertEqual([(o["name"], o["country"]) for o in meeting["officials"]], [("Sjafrie Sjamsoeddin", "ID")])


class DomesticMeetingTests(SimpleTestCase):
    def test_meeting_of_home_officials_about_other_countries_is_not_bilateral(self):
        texts = [
            "Menhan Sjafrie Sjamsoeddin menerima Kapolri Jenderal Listyo Sigit Prabowo di Kemhan, Senin (3/3). "
            "Pertemuan membahas pengamanan perbatasan dengan Malaysia dan pembelian pesawat dari Prancis.",
            "Defense Minister Sjafrie Sjamsoeddin met Army Chief of Staff General Maruli Simanjuntak at the ministry "
            "on Monday to discuss the purchase of Rafale jets from France and submarines from Italy.",
        ]
        for text in texts:
            with self.subTest(text=text[:30]):
                self.assertEqual(extract_article(text, published=dt.date(2025, 3, 4))["meetings"], [])


class ThirdCountryTests(SimpleTestCase):
    def test_meeting_during_a_visit_to_a_third_country_for_a_forum(self):
        text = (
            "Japan-Indonesia Defense Ministerial Meeting\n\n"
            "On June 3, 2023, Defense Minister Hamada held a meeting with Indonesian Minister of Defense Prabowo "
            "Subianto during his visit to Singapore for the IISS Shangri-La Dialogue."
        )
        meeting = extract_article(text)["meetings"][0]
        self.assertEqual(
            (meeting["date"], meeting["host_country"], meeting["partner_countries"]), ("2023-06-03", None, ["ID", "JP"])
        )
        self.assertEqual(
            [(o["name"], o["country"]) for o in meeting["officials"]], [("Hamada", "JP"), ("Prabowo Subianto", "ID")]
        )

    def test_phone_call_whose_other_side_is_named_in_a_pair(self):
        text = (
            "Secretary of Defense Lloyd J. Austin III spoke by phone today with Indonesian Minister of Defense "
            "Prabowo Subianto. The two leaders reaffirmed the U.S.-Indonesia Major Defense Partnership."
        )
        meeting = extract_article(text, published=dt.date(2024, 2, 20))["meetings"][0]
        self.assertEqual(
            (meeting["kind"], meeting["date"], meeting["host_country"], sorted(meeting["partner_countries"])),
            ("phone_call", "2024-02-20", None, ["ID", "US"]),
        )


class AccompanyingTests(SimpleTestCase):
    def test_accompanying_officials_take_the_side_of_the_one_they_accompany(self):
        text = (
            "Menteri Pertahanan RI Sjafrie Sjamsoeddin menerima kunjungan Menteri Angkatan Bersenjata Prancis "
            "Sébastien Lecornu di Jakarta, Kamis (13/2/2025).\n"
            "Menhan Lecornu didampingi Atase Pertahanan Kolonel Jean-Marc Dupont, sedangkan Menhan Sjafrie "
            "didampingi Wamenhan Donny Ermawan Taufanto."
        )
        meeting = extract_article(text)["meetings"][0]
        self.assertEqual(
            [(o["name"], o["country"], o["role"]) for o in meeting["officials"]],
            [
                ("Sjafrie Sjamsoeddin", "ID", "principal"),
                ("Sébastien Lecornu", "FR", "principal"),
                ("Jean-Marc Dupont", "FR", "accompanying"),
                ("Donny Ermawan Taufanto", "ID", "accompanying"),
            ],
        )


class ForeignSourceTests(SimpleTestCase):
    def test_foreign_readout_names_only_the_home_side_country(self):
        text = (
            "Secretary of State Antony J. Blinken met with Indonesian Foreign Minister Retno Marsudi today. They "
            "discussed the situation in Myanmar and the U.S. commitment to ASEAN centrality."
        )
        meeting = extract_article(text, published=dt.date(2023, 7, 13))["meetings"][0]
        self.assertEqual(sorted([meeting["host_country"], *meeting["partner_countries"]]), ["ID", "US"])
        self.assertEqual(
            [(o["name"], o["country"]) for o in meeting["officials"]],
            [("Antony J. Blinken", "US"), ("Retno Marsudi", "ID")],
        )


class FutureEventTests(SimpleTestCase):
    def test_kind_is_not_taken_from_a_future_forum(self):
        text = (
            "Menteri Pertahanan RI Budi Santoso menerima kunjungan kehormatan Duta Besar Meksiko untuk Indonesia, "
            "Carlos Ruiz, di Jakarta, Senin (3/3/2025). Keduanya membahas kerja sama pertahanan. Hasil pembahasan "
            "akan dibawa ke forum komite bersama kedua negara yang akan digelar tahun depan."
        )
        meeting = extract_article(text)["meetings"][0]
        self.assertEqual((meeting["status"], meeting["kind"]), ("held", "courtesy_call"))

    def test_english_future_working_group(self):
        text = (
            "Jakarta, 5 March 2025 - The Ministry of Defence received a delegation of the Chilean Army led by "
            "General Carlos Ruiz. The two sides agreed to convene a joint working group in Santiago next year."
        )
        meeting = extract_article(text, language="en")["meetings"][0]
        self.assertEqual((meeting["status"], meeting["kind"]), ("held", "delegation_visit"))


class CoChairTests(SimpleTestCase):
    def test_home_official_named_beside_the_foreign_co_chair_took_part(self):
        text = (
            "Lima - Indonesia dan Peru menggelar Sidang Komisi Bersama ke-3 di Lima, Selasa (4/3/2025). Sidang "
            "dipimpin bersama oleh Menteri Luar Negeri RI Dewi Lestari dan Menteri Luar Negeri Peru Ana Torres."
        )
        meeting = extract_article(text)["meetings"][0]
        self.assertEqual(
            sorted((o["name"], o["country"]) for o in meeting["officials"]),
            [("Ana Torres", "PE"), ("Dewi Lestari", "ID")],
        )


class CalledOnTests(SimpleTestCase):
    def test_the_side_called_on_hosts(self):
        text = (
            "The Ambassador of Indonesia to Kenya, Dr. Budi Santoso, paid a courtesy call on the Kenyan Cabinet "
            "Secretary for Defence, Jane Otieno, on 4 March 2025. They discussed peacekeeping."
        )
        meeting = extract_article(text, language="en")["meetings"][0]
        self.assertEqual((meeting["host_country"], meeting["partner_countries"]), ("KE", ["ID"]))

    def test_a_future_meeting_does_not_locate_the_held_one(self):
        text = (
            "The Ministry of Defence received a delegation of the Chilean Army led by General Carlos Ruiz on "
            "5 March 2025. Both sides agreed to hold the first joint working group meeting in Santiago later this year."
        )
        meeting = extract_article(text, language="en")["meetings"][0]
        self.assertEqual((meeting["host_country"], meeting["place"]), ("ID", None))
        self.assertEqual(meeting["officials"][0]["country"], "CL")


class TwoMeetingsOneDayTests(SimpleTestCase):
    TEXT = (
        "Menteri Pertahanan RI Budi Santoso menerima dua duta besar negara sahabat di kantor Kemhan, Jakarta, "
        "Selasa (4/3/2025).\n"
        "Pagi harinya, Menhan menerima kunjungan kehormatan Duta Besar Ghana, Kwame Mensah. Keduanya membahas "
        "misi pemeliharaan perdamaian.\n"
        "Sore harinya, Menhan bertemu Duta Besar Peru, Luis Paredes. Dubes Paredes membahas keamanan siber.\n"
        "Dalam kedua pertemuan, Menhan didampingi Sekjen Kemhan Marsdya TNI Andi Wijaya."
    )

    def test_a_bare_title_is_the_official_named_with_it_and_not_a_generic_plural(self):
        meetings = extract_article(self.TEXT)["meetings"]
        names = [sorted(o["name"] for o in m["officials"]) for m in meetings]
        self.assertEqual(
            names,
            [
                ["Andi Wijaya", "Budi Santoso", "Kwame Mensah"],
                ["Andi Wijaya", "Budi Santoso", "Luis Paredes"],
            ],
        )


class FurtherMeetingTests(SimpleTestCase):
    def test_a_planned_call_on_someone_else_the_next_day_is_its_own_meeting(self):
        text = (
            "Jakarta, Senin (3/3/2025) - Menteri Luar Negeri RI Dewi Lestari menerima kunjungan Menteri Luar Negeri "
            "Chile Ana Torres di Gedung Pancasila. Keduanya membahas perdagangan.\n"
            "Menlu Chile dijadwalkan bertemu dengan Presiden RI di Istana Bogor keesokan harinya."
        )
        meetings = extract_article(text)["meetings"]
        self.assertEqual(
            [(m["date"], m["status"], [o["name"] for o in m["officials"]]) for m in meetings],
            [
                ("2025-03-03", "held", ["Dewi Lestari", "Ana Torres"]),
                ("2025-03-04", "planned", ["Ana Torres"]),
            ],
        )
        self.assertEqual([s["slug"] for s in meetings[1]["sectors"]], [])

    def test_also_met_officials_of_an_agency(self):
        text = (
            "Lima, 3 March 2025 - Indonesia's Deputy Minister of Defence Budi Santoso met Peru's Minister of Defence "
            "Ana Torres to discuss peacekeeping. The Indonesian delegation also met officials of the Peruvian "
            "trade ministry to discuss the Comprehensive Economic Partnership Agreement."
        )
        meetings = extract_article(text, language="en")["meetings"]
        self.assertEqual([[s["slug"] for s in m["sectors"]] for m in meetings], [["peacekeeping"], ["economic_trade"]])
        self.assertEqual([m["host_country"] for m in meetings], ["PE", "PE"])

    def test_also_received_someone_of_another_country_is_that_country_s_meeting(self):
        text = (
            "Menhan RI Budi Santoso menerima Dubes Ghana Kwame Mensah, Selasa (4/3/2025). Usai menerima Dubes Ghana, "
            "Menhan juga menerima Dubes Peru Luis Paredes."
        )
        meetings = extract_article(text)["meetings"]
        self.assertEqual([m["partner_countries"] for m in meetings], [["GH"], ["PE"]])


class EmbassyTests(SimpleTestCase):
    def test_an_embassy_that_hosts_is_its_country_s_side(self):
        text = (
            "The Indonesian Embassy in Lima hosted a reception on 15 January 2025, attended by Peruvian Deputy "
            "Foreign Minister Ana Torres."
        )
        meeting = extract_article(text, language="en")["meetings"][0]
        self.assertEqual((meeting["host_country"], meeting["partner_countries"]), ("ID", ["PE"]))
        self.assertEqual(meeting["kind"], "multilateral_reception")


class FormatKindTests(SimpleTestCase):
    def test_named_joint_committee_and_dialogue(self):
        text = "Indonesia and Japan held their Joint Defence Cooperation Committee meeting in Tokyo on 5 February 2025."
        self.assertEqual(extract_article(text, language="en")["meetings"][0]["kind"], "joint_committee")
        text = "Indonesia and India held the 3rd Defence Policy Dialogue in New Delhi on 5 February 2025."
        self.assertEqual(extract_article(text, language="en")["meetings"][0]["host_country"], "IN")

    def test_a_joint_committee_recalled_from_the_past_is_not_the_kind(self):
        text = (
            "Menlu RI Dewi Lestari akan bertemu Menlu Peru Ana Torres di Jakarta, Senin (3/3/2025). Keduanya akan "
            "membahas hasil Joint Border Committee yang telah dilaksanakan pada Januari lalu."
        )
        self.assertEqual(extract_article(text)["meetings"][0]["kind"], "bilateral_meeting")


class JointStatementTests(SimpleTestCase):
    TEXT = (
        "Joint Statement on the Second Indonesia-Chile Leaders' Retreat\n\n"
        "Santiago, 3 March 2025 - President Gabriel Soto and President Budi Santoso held the Leaders' Retreat in "
        "Santiago today. The Leaders welcomed bilateral exercises between their navies and defence industrial "
        "cooperation."
    )

    def test_dateline_after_a_headline_and_the_people_of_the_day(self):
        meeting = extract_article(self.TEXT, language="en")["meetings"][0]
        self.assertEqual((meeting["date"], meeting["host_country"]), ("2025-03-03", "CL"))
        self.assertEqual(sorted(o["name"] for o in meeting["officials"]), ["Budi Santoso", "Gabriel Soto"])
        self.assertEqual(
            sorted(s["slug"] for s in meeting["sectors"]), ["defence_industry", "military_education_training"]
        )


class HomeEnvoyTests(SimpleTestCase):
    def test_home_envoy_calling_on_a_minister_at_home_is_no_bilateral_meeting(self):
        text = (
            "Menhan Budi Santoso menerima Dubes RI untuk Prancis Andi Wijaya di Kantor Kemhan, Jakarta, Rabu "
            "(5/2/2025), untuk membahas rencana kunjungan ke Paris."
        )
        self.assertEqual(extract_article(text)["meetings"], [])

    def test_home_envoy_abroad_meets_the_country_posted_to(self):
        text = (
            "Dubes RI untuk Peru Dewi Lestari bertemu Menhan Luis Paredes, Rabu (5/2/2025), membahas industri "
            "pertahanan."
        )
        meeting = extract_article(text)["meetings"][0]
        self.assertEqual(sorted([meeting["host_country"], *meeting["partner_countries"]]), ["ID", "PE"])


class ForumTests(SimpleTestCase):
    def test_attending_a_forum_abroad_is_no_meeting(self):
        text = (
            "Defence Minister Budi Santoso will attend the Jakarta-Lima Security Dialogue in Lima this week, where "
            "he is expected to speak on regional stability, the ministry said on Tuesday."
        )
        self.assertEqual(extract_article(text, language="en")["meetings"], [])


class LaterTripTests(SimpleTestCase):
    def test_a_leader_named_for_a_later_trip_is_mentioned_and_does_not_locate_the_meeting(self):
        text = (
            "Menlu RI Dewi Lestari melakukan pertemuan virtual dengan Menlu Peru Ana Torres, Selasa (4/2/2025). "
            "Dalam pertemuan tersebut, kedua menlu membahas persiapan kunjungan Presiden Budi Santoso ke Lima."
        )
        meeting = extract_article(text)["meetings"][0]
        self.assertEqual((meeting["host_country"], meeting["partner_countries"]), (None, ["ID", "PE"]))  # virtual
        roles = {o["name"]: o["role"] for o in meeting["officials"]}
        self.assertEqual(roles, {"Dewi Lestari": "principal", "Ana Torres": "principal", "Budi Santoso": "mentioned"})


class WelcomedTests(SimpleTestCase):
    def test_welcoming_an_idea_is_no_meeting(self):
        text = (
            "Foreign Minister Budi Santoso told parliament on Wednesday that Indonesia would deepen ties with Chile "
            "and Peru, and welcomed the ceasefire agreement."
        )
        self.assertEqual(extract_article(text, language="en")["meetings"], [])
        text = "Menlu Budi Santoso menyambut baik kerja sama dengan Chile dan Peru, Rabu (5/2/2025)."
        self.assertEqual(extract_article(text)["meetings"], [])


class LeadDateTests(SimpleTestCase):
    def test_an_undated_call_takes_the_full_date_of_the_lead(self):
        text = (
            "A Japanese destroyer, JS Kirisame, reached Surabaya on 12 May 2025 for a three-day stay.\n"
            "On arrival, its captain, Commander Kenji Sato, called on the Commander of the Indonesian Navy's Second "
            "Fleet, Rear Admiral Budi Hartono, at the fleet headquarters."
        )
        [meeting] = extract_article(text)["meetings"]
        self.assertEqual(
            (meeting["date"], meeting["host_country"], meeting["partner_countries"]), ("2025-05-12", "ID", ["JP"])
        )


class NextDayMeetingTests(SimpleTestCase):
    def test_a_call_on_the_next_day_of_a_visit_is_a_meeting_of_its_own(self):
        text = (
            "Hanoi - Wakil Menteri Pertahanan RI Budi Santoso melakukan kunjungan kerja ke Vietnam pada 5-6 Mei 2025.\n"
            "Pada Senin (5/5), Wamenhan bertemu Menteri Pertahanan Vietnam, Jenderal Nguyen Van Minh, di Hanoi.\n"
            "Keesokan harinya, Selasa (6/5), Wamenhan menerima kunjungan Kepala Staf Umum Tentara Rakyat Vietnam, "
            "Letnan Jenderal Tran Quoc Anh, di kediaman Duta Besar RI."
        )
        meetings = extract_article(text, published=dt.date(2025, 5, 7))["meetings"]
        self.assertEqual(
            [(m["date"], [o["name"] for o in m["officials"]]) for m in meetings],
            [("2025-05-05", ["Budi Santoso", "Nguyen Van Minh"]), ("2025-05-06", ["Budi Santoso", "Tran Quoc Anh"])],
        )


class ForumMembersTests(SimpleTestCase):
    def test_a_forum_s_dialogue_partners_are_not_sides(self):
        text = (
            "SINGAPORE - Indonesia's Defence Minister Budi Santoso met his Vietnamese counterpart, General Nguyen Van "
            "Minh, on the sidelines of a regional defence meeting on Friday. The forum brings together ten members and "
            "dialogue partners such as India, Russia and New Zealand."
        )
        [meeting] = extract_article(text, published=dt.date(2025, 6, 1))["meetings"]
        self.assertEqual(sorted([meeting["host_country"] or "", *meeting["partner_countries"]]), ["", "ID", "VN"])


class PassiveReceptionTests(SimpleTestCase):
    def test_who_is_named_after_received_by_is_on_the_host_side(self):
        text = (
            "Jakarta - Brazil's Army Commander, General Paulo Ramos, visited the Indonesian Army headquarters on "
            "Tuesday. He was received by the Commander of the Army Doctrine Centre, Major General Bayu Wijaya."
        )
        [meeting] = extract_article(text, published=dt.date(2025, 3, 14))["meetings"]
        sides = {o["name"]: o["country"] for o in meeting["officials"]}
        self.assertEqual((meeting["host_country"], sides), ("ID", {"Paulo Ramos": "BR", "Bayu Wijaya": "ID"}))


class CapitalCityTests(SimpleTestCase):
    def test_a_foreign_capital_alone_names_the_other_side(self):
        text = (
            "Menteri Pertahanan Budi Santoso bertemu Menteri Pertahanan Andrei Popescu di Bukares, Senin (10/3), "
            "untuk membahas kerja sama industri pertahanan."
        )
        [meeting] = extract_article(text, published=dt.date(2025, 3, 11))["meetings"]
        self.assertEqual((meeting["host_country"], meeting["partner_countries"]), ("RO", ["ID"]))

    def test_an_english_dateline_city_and_venue(self):
        text = (
            "VILNIUS - Indonesian Defence Minister Budi Santoso held talks with Defence Minister Jonas Kazlauskas in "
            "Vilnius on Monday on officer training."
        )
        [meeting] = extract_article(text, published=dt.date(2025, 3, 11))["meetings"]
        self.assertEqual((meeting["host_country"], meeting["partner_countries"]), ("LT", ["ID"]))


class RemoteMeetingTests(SimpleTestCase):
    def test_a_phone_call_has_no_host_and_lists_every_side(self):
        text = (
            "Jakarta - Foreign Minister Sari Dewi of Indonesia spoke by phone on Tuesday with Chile's Foreign "
            "Minister, Ana Rojas, about trade."
        )
        [meeting] = extract_article(text, published=dt.date(2025, 3, 12))["meetings"]
        self.assertEqual(
            (meeting["host_country"], sorted(meeting["partner_countries"]), meeting["place"]),
            (None, ["CL", "ID"], None),
        )

    def test_a_video_conference_has_no_host_either(self):
        text = (
            "Jakarta, Selasa (11/3) - Menlu RI Sari Dewi melakukan pertemuan melalui konferensi video dengan Menlu "
            "Cile, Ana Rojas, membahas perdagangan."
        )
        [meeting] = extract_article(text, published=dt.date(2025, 3, 12))["meetings"]
        self.assertEqual((meeting["host_country"], sorted(meeting["partner_countries"])), (None, ["CL", "ID"]))


class TrackRecordTests(SimpleTestCase):
    def test_agreements_signed_over_the_years_are_no_meeting(self):
        text = "Indonesia and Chile have signed more than ten defence agreements since 2008, a report said on Monday."
        self.assertEqual(extract_article(text, published=dt.date(2025, 3, 11))["meetings"], [])
        text = "Indonesia dan Cile telah menandatangani belasan perjanjian pertahanan sejak tahun 2008, Senin (10/3)."
        self.assertEqual(extract_article(text, published=dt.date(2025, 3, 11))["meetings"], [])

    def test_a_first_meeting_since_a_year_is_still_a_meeting(self):
        text = (
            "Defence Minister Budi Santoso met his Chilean counterpart Ana Rojas in Santiago on Monday, their first "
            "talks since 2019."
        )
        self.assertEqual(len(extract_article(text, published=dt.date(2025, 3, 11))["meetings"]), 1)


class SidelinesTests(SimpleTestCase):
    def test_one_unplaced_leader_meeting_several_foreign_leaders_is_one_meeting_each(self):
        text = (
            "LIMA - On the sidelines of the APEC summit, President Budi Santoso held bilateral meetings with Korean "
            "President Min Park and Chilean President Ana Rojas on Friday."
        )
        meetings = extract_article(text, published=dt.date(2025, 3, 15))["meetings"]
        self.assertEqual(
            [(m["host_country"], m["partner_countries"]) for m in meetings],
            [(None, ["ID", "KR"]), (None, ["ID", "CL"])],
        )

    def test_a_city_and_country_before_the_subject_are_the_venue(self):
        text = (
            "Di sela-sela KTT ASEAN di Vientiane, Laos, Presiden Budi Santoso bertemu Perdana Menteri Thailand "
            "Somchai Wong, Kamis (10/10)."
        )
        [meeting] = extract_article(text, published=dt.date(2024, 10, 11))["meetings"]
        self.assertEqual(
            (meeting["host_country"], meeting["partner_countries"], meeting["place"]),
            (None, ["ID", "TH"], "Vientiane, Laos"),
        )


class SideOfUnstatedOfficialsTests(SimpleTestCase):
    def sides(self, text: str) -> dict:
        [meeting] = extract_article(text, published=dt.date(2025, 3, 14))["meetings"]
        return {o["name"]: o["country"] for o in meeting["officials"]}

    def test_a_named_envoy_takes_the_country_of_the_same_title_named_before(self):
        text = (
            "Menhan Budi Santoso menerima kunjungan kehormatan Duta Besar Kolombia untuk Indonesia di Jakarta, Selasa "
            "(11/3). Dalam pertemuan itu, Dubes Maria Lopez menyampaikan minat pada kapal patroli."
        )
        self.assertEqual(self.sides(text), {"Budi Santoso": "ID", "Maria Lopez": "CO"})

    def test_an_aide_accompanying_a_leader_named_by_surname_is_on_his_side(self):
        text = (
            "Colombian Navy Commander Admiral Juan Ortiz visited Jakarta on Tuesday and met Navy Chief of Staff "
            "Admiral Budi Hartono. Ortiz was accompanied by Captain Pedro Gomez, his aide."
        )
        self.assertEqual(self.sides(text), {"Juan Ortiz": "CO", "Budi Hartono": "ID", "Pedro Gomez": "CO"})


class UnstatedCountriesTests(SimpleTestCase):
    def meeting(self, text: str) -> tuple:
        [meeting] = extract_article(text, published=dt.date(2025, 3, 14))["meetings"]
        return (
            meeting["host_country"],
            meeting["partner_countries"],
            {o["name"]: o["country"] for o in meeting["officials"]},
        )

    def test_the_one_met_is_across_from_the_one_who_met(self):
        text = "Foreign Minister Sari Dewi met her counterpart Kenji Sato in Tokyo on Monday, the ministry said."
        self.assertEqual(self.meeting(text), ("JP", ["ID"], {"Sari Dewi": "ID", "Kenji Sato": "JP"}))

    def test_home_and_foreign_capitals_named_as_governments_do_not_locate_the_meeting(self):
        text = (
            "Defence Minister Budi Santoso held talks with his counterpart Mark Lee in Wellington on Monday, as "
            "Jakarta and Wellington prepare a new defence arrangement."
        )
        self.assertEqual(self.meeting(text), ("NZ", ["ID"], {"Budi Santoso": "ID", "Mark Lee": "NZ"}))


class MonthWordInNameTests(SimpleTestCase):
    def test_a_short_month_name_inside_a_name(self):
        text = "Menhan Budi Santoso menerima Dubes Korea Selatan Lee Jun Ho di Jakarta, Senin 10 Maret 2025."
        [meeting] = extract_article(text)["meetings"]
        self.assertEqual([o["name"] for o in meeting["officials"]], ["Budi Santoso", "Lee Jun Ho"])


class PastMeetingsTests(SimpleTestCase):
    def test_having_met_several_times_is_no_meeting(self):
        text = "Menhan Budi Santoso mengatakan sudah beberapa kali bertemu Presiden Cile dalam lima tahun terakhir."
        self.assertEqual(extract_article(text, published=dt.date(2025, 3, 14))["meetings"], [])
        text = "Defence Minister Budi Santoso said he had met the Chilean president several times since taking office."
        self.assertEqual(extract_article(text, published=dt.date(2025, 3, 14))["meetings"], [])


class InternationalBodyTests(SimpleTestCase):
    def test_meeting_the_un_secretary_general_abroad_is_no_bilateral_meeting(self):
        text = "Foreign Minister Sari Dewi met UN Secretary-General Antonio Guterres in New York on Monday."
        self.assertEqual(extract_article(text, published=dt.date(2025, 3, 14))["meetings"], [])
        text = "Menlu Sari Dewi bertemu Sekjen PBB Antonio Guterres di New York, Senin (10/3)."
        self.assertEqual(extract_article(text, published=dt.date(2025, 3, 14))["meetings"], [])

    def test_a_counterpart_met_in_a_foreign_capital_is_still_a_meeting(self):
        text = "Menlu Sari Dewi bertemu Menlu Selandia Baru Mark Lee di Wellington, Senin (10/3)."
        [meeting] = extract_article(text, published=dt.date(2025, 3, 14))["meetings"]
        self.assertEqual((meeting["host_country"], meeting["partner_countries"]), ("NZ", ["ID"]))


class VisitingAdjectiveTests(SimpleTestCase):
    def test_the_visiting_foreign_minister_s_country_does_not_host(self):
        text = (
            "President Budi Santoso received the visiting Peruvian foreign minister, Ana Vega, at the Merdeka Palace "
            "on Thursday."
        )
        [meeting] = extract_article(text, published=dt.date(2025, 3, 14))["meetings"]
        self.assertEqual(
            (meeting["host_country"], meeting["partner_countries"], meeting["place"]),
            ("ID", ["PE"], "the Merdeka Palace"),
        )


class InstitutionTests(SimpleTestCase):
    def test_an_institution_in_the_title_names_the_official_s_country(self):
        text = (
            "Indonesian Armed Forces Commander General Agus Wirawan received the Vice Chairman of the Joint Chiefs of "
            "Staff, General Mark Lee, in Jakarta on Tuesday."
        )
        [meeting] = extract_article(text, published=dt.date(2025, 3, 14))["meetings"]
        self.assertEqual((meeting["host_country"], meeting["partner_countries"]), ("ID", ["US"]))

    def test_an_institution_as_the_venue(self):
        text = "Foreign Minister Sari Dewi met Secretary of State Mark Lee at the State Department on Tuesday."
        [meeting] = extract_article(text, published=dt.date(2025, 3, 14))["meetings"]
        self.assertEqual((meeting["host_country"], meeting["partner_countries"]), ("US", ["ID"]))

    def test_a_city_where_an_attache_is_posted_says_nothing_of_his_country(self):
        text = "Menhan Budi Santoso menerima Atase Pertahanan di Jakarta, Kolonel Mark Lee, Selasa (11/3)."
        self.assertEqual(extract_article(text, published=dt.date(2025, 3, 14))["meetings"], [])


class IndonesianPassiveTests(SimpleTestCase):
    def test_diterima_oleh_reports_a_courtesy_call_hosted_by_who_follows(self):
        text = "Dubes Kolombia untuk Indonesia Ana Vega diterima oleh Wamenhan Andi Wijaya di Jakarta, Selasa (11/3)."
        [meeting] = extract_article(text, published=dt.date(2025, 3, 14))["meetings"]
        self.assertEqual(
            (meeting["kind"], meeting["host_country"], {o["name"]: o["country"] for o in meeting["officials"]}),
            ("courtesy_call", "ID", {"Ana Vega": "CO", "Andi Wijaya": "ID"}),
        )

    def test_a_proposal_well_received_is_no_meeting(self):
        text = "Usulan kerja sama itu diterima baik oleh pemerintah Kolombia, Selasa (11/3)."
        self.assertEqual(extract_article(text, published=dt.date(2025, 3, 14))["meetings"], [])
