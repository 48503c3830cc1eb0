from django.test import SimpleTestCase

from relations.ingest.kinds import choose_kind, find_cues
from relations.ingest.sectors import find_sectors
from relations.ingest.text import Document


def slugs(text: str) -> list[str]:
    doc = Document(text)
    return sorted({hit.slug for hit in find_sectors(doc, doc.sentences)})


def kind(text: str, main: int | None = 0) -> str | None:
    doc = Document(text)
    cue = choose_kind(find_cues(doc, doc.sentences), main)
    return cue.kind if cue else None


class SectorTests(SimpleTestCase):
    def test_keywords_in_both_languages(self):
        self.assertEqual(
            slugs("Keduanya membahas penanggulangan terorisme dan industri pertahanan."),
            ["counter_terrorism", "defence_industry"],
        )
        self.assertEqual(slugs("They discussed cyber security and defense cooperation."), ["cyber_security", "defence"])

    def test_spelling_and_plural_variants(self):
        self.assertEqual(
            slugs("They agreed on more military exercises and defence cooperation."),
            ["defence", "military_education_training"],
        )

    def test_forum_named_as_the_setting_is_not_a_topic(self):
        self.assertEqual(slugs("Mereka bertemu di sela-sela KTT ASEAN di Vientiane."), [])
        self.assertEqual(slugs("Peru mengundang Indonesia ke pertemuan APEC."), ["apec"])

    def test_keyword_inside_a_proper_name_does_not_count(self):
        self.assertEqual(slugs("They met at the Kuala Lumpur International Trade and Exhibition Centre."), [])


class KindTests(SimpleTestCase):
    def test_courtesy_call(self):
        self.assertEqual(kind("Menhan menerima kunjungan kehormatan Dubes Peru."), "courtesy_call")

    def test_specific_format_wins_over_the_first_cue(self):
        self.assertEqual(kind("The ministers met in Jakarta. It was the seventh 2+2 meeting."), "dialogue_2plus2")

    def test_phone_call(self):
        self.assertEqual(kind("Menlu RI melakukan percakapan telepon dengan Menlu Jepang."), "phone_call")

    def test_a_call_or_bilateral_meeting_within_a_trip_is_the_meeting(self):
        text = "The army chief is on a working visit to Manila this week. On Monday he called on General Ramos."
        self.assertEqual(kind(text), "courtesy_call")
        text = (
            "Mendag melakukan kunjungan kerja ke Santiago. Dalam pertemuan bilateral itu kedua menteri membahas tarif."
        )
        self.assertEqual(kind(text), "bilateral_meeting")
        # A state visit stays the kind: it is more than the frame of a meeting.
        self.assertEqual(
            kind("Presiden melakukan kunjungan kenegaraan ke Ankara dan bertemu Presiden Turki."), "official_visit"
        )
        # With no named call or bilateral meeting, the visit is the kind.
        self.assertEqual(kind("The admiral visited the naval base and met the fleet commander."), "visit")

    def test_a_signing_that_the_lead_reports_alone_is_the_kind(self):
        text = (
            "JAKARTA, 3 March 2025\n\n"
            "The Chilean economy minister signed a memorandum on lithium trade with Indonesia's trade minister. "
            "The ceremony took place during her two-day visit to Jakarta."
        )
        self.assertEqual(kind(text, main=None), "agreement_signing")
        text = "Menlu bertemu Menlu Chile di Jakarta. Kedua menteri menandatangani nota kesepahaman tentang pendidikan."
        self.assertEqual(kind(text, main=None), "bilateral_meeting")

    def test_a_video_conference_is_a_remote_meeting_like_a_call(self):
        self.assertEqual(kind("The two ministers held a video conference on Tuesday."), "phone_call")
        self.assertEqual(kind("Kepala BNPT menggelar konferensi video dengan Duta Besar Australia."), "phone_call")
        self.assertEqual(kind("The ministers met by videoconference."), "phone_call")

    def test_visit_to_attend_a_summit_is_not_the_kind(self):
        self.assertEqual(
            kind("The minister, visiting Laos to attend the summit, held a meeting with his counterpart."),
            "bilateral_meeting",
        )


class SectorContextTests(SimpleTestCase):
    """An activity word near a subject word says the sector (relations/data/sector_context.json)."""

    def test_courses_and_schools_for_soldiers_are_military_training(self):
        self.assertEqual(
            slugs("Ia menawarkan kursus di sekolah infanteri bagi prajurit TNI."), ["military_education_training"]
        )
        self.assertEqual(
            slugs("He invited Indonesian officers to study at the Army War College."), ["military_education_training"]
        )

    def test_education_of_officers_is_not_civilian_education(self):
        self.assertEqual(
            slugs("Kedua menteri membahas tambahan kuota pendidikan bagi perwira TNI di akademi militer Jepang."),
            ["military_education_training"],
        )
        self.assertEqual(slugs("Kedua menteri membahas beasiswa untuk mahasiswa di universitas negeri."), ["education"])

    def test_industry_next_to_a_weapon_is_defence_industry(self):
        self.assertEqual(
            slugs("The ambassador described state-owned firms, which make small arms and armoured vehicles."),
            ["defence_industry"],
        )
        self.assertEqual(
            slugs("Kedua negara membahas kapal patroli yang dibangun di galangan dalam negeri."), ["defence_industry"]
        )

    def test_a_verb_that_looks_like_an_activity_is_not_enough(self):
        self.assertEqual(slugs("The government will exercise restraint in the dispute."), [])

    def test_new_keywords(self):
        self.assertEqual(slugs("Indonesia adalah kontributor pasukan penjaga perdamaian PBB."), ["peacekeeping"])
        self.assertEqual(slugs("They discussed co-development of equipment."), ["defence_industry"])
        self.assertEqual(
            slugs("The two navies will hold combined training next year."), ["military_education_training"]
        )


class AgreementNameTests(SimpleTestCase):
    def test_an_agreement_s_name_says_its_topic_but_a_venue_s_name_does_not(self):
        self.assertEqual(slugs("They reviewed the Comprehensive Economic Partnership Agreement."), ["economic_trade"])
        self.assertEqual(slugs("The talks took place at the Jakarta International Trade and Exhibition Centre."), [])


class ProcurementContextTests(SimpleTestCase):
    def test_buying_or_delivering_weapons_is_defence_industry(self):
        self.assertEqual(slugs("Keduanya membahas program pesawat tempur generasi baru."), ["defence_industry"])
        self.assertEqual(slugs("They discussed the delivery of two frigates."), ["defence_industry"])
        self.assertEqual(slugs("They discussed the purchase of fishing boats."), [])


class WeaponProjectTests(SimpleTestCase):
    def test_a_weapon_project_is_industry_but_training_its_crew_is_training(self):
        self.assertEqual(slugs("Keduanya membahas proyek kapal selam."), ["defence_industry"])
        self.assertEqual(
            slugs("Keduanya membahas kerja sama pelatihan awak kapal selam."), ["military_education_training"]
        )


class PeaceMissionTests(SimpleTestCase):
    def test_un_missions_by_name_are_peacekeeping(self):
        self.assertEqual(slugs("They praised the Garuda soldiers serving with MONUSCO."), ["peacekeeping"])


class TrainingContextTests(SimpleTestCase):
    def test_malay_college_word_near_officers_is_military_training(self):
        self.assertEqual(
            slugs("Malaysia menawarkan tempat bagi perwira TNI di Maktab Turus Angkatan Tentera."),
            ["military_education_training"],
        )

    def test_plural_services_and_pilots_with_an_exercise(self):
        self.assertEqual(slugs("Both air forces plan a joint air exercise next year."), ["military_education_training"])
        self.assertEqual(
            slugs("Kedua pihak sepakat melanjutkan pertukaran penerbang."), ["military_education_training"]
        )

    def test_an_exchange_of_information_between_navies_is_not_training(self):
        self.assertEqual(slugs("The navies agreed to speed up the exchange of information."), [])


class CourtesyWordsTests(SimpleTestCase):
    def test_audience_and_friendship_visits_are_courtesy_calls(self):
        self.assertEqual(kind("Panglima TNI menerima audiensi Atase Pertahanan Jerman."), "courtesy_call")
        self.assertEqual(kind("KSAL bersilaturahmi dengan Atase Laut Prancis di Mabesal."), "courtesy_call")

    def test_dialogue_and_face_to_face_verbs_are_bilateral_meetings(self):
        self.assertEqual(kind("Menlu berdialog dengan Menlu Cile di Jakarta."), "bilateral_meeting")
        self.assertEqual(kind("The two ministers held discussions in Lima."), "bilateral_meeting")

    def test_a_dinner_or_luncheon_is_a_reception(self):
        self.assertEqual(kind("The minister hosted a dinner for the visiting envoy."), "multilateral_reception")
        self.assertEqual(kind("Menlu menggelar makan malam untuk Menlu Cile."), "multilateral_reception")


class MoreSectorWordsTests(SimpleTestCase):
    def test_trafficking_is_not_trade(self):
        self.assertEqual(slugs("Keduanya membahas pemberantasan perdagangan narkoba."), [])
        self.assertEqual(slugs("They discussed trade and investment."), ["economic_trade"])

    def test_coast_guards_and_search_and_rescue(self):
        self.assertEqual(slugs("Kedua pihak membahas kerja sama penjaga pantai."), ["maritime_security"])
        self.assertEqual(slugs("They agreed to train together in search and rescue."), ["disaster_relief"])

    def test_receiving_a_visiting_delegation_is_a_delegation_visit(self):
        self.assertEqual(
            kind("Wamenhan menerima kunjungan delegasi Kementerian Pertahanan Jepang."), "delegation_visit"
        )
        self.assertEqual(kind("The minister hosted a delegation of Japanese officials."), "delegation_visit")


class DefenceFromItsBranchesTests(SimpleTestCase):
    def test_a_branch_discussed_by_defence_leaders_is_defence_too(self):
        self.assertEqual(
            slugs("The defence minister received the Thai navy chief. They agreed to hold more naval exercises."),
            ["defence", "military_education_training"],
        )
        self.assertEqual(
            slugs("Menhan menerima Dubes Chile. Keduanya membahas patroli terkoordinasi di perbatasan laut."),
            ["defence", "maritime_security"],
        )

    def test_without_a_defence_leader_or_with_peacekeeping_alone_it_is_not(self):
        self.assertEqual(
            slugs("Menlu RI menerima Menlu Fiji. Keduanya membahas patroli terkoordinasi."), ["maritime_security"]
        )
        self.assertEqual(slugs("The defence minister thanked Indonesia for its peacekeepers."), ["peacekeeping"])


class BackgroundSentenceTests(SimpleTestCase):
    def test_what_the_countries_have_done_so_far_is_not_what_was_discussed(self):
        self.assertEqual(
            slugs(
                "Keduanya membahas ekspor kopi. Sebagai informasi, kedua negara juga bekerja sama di bidang kesehatan."
            ),
            ["economic_trade"],
        )
        self.assertEqual(
            slugs("They discussed coffee exports. The two countries have long cooperated in health and education."),
            ["economic_trade"],
        )


class InflectedAndAbbreviatedSectorWordsTests(SimpleTestCase):
    def test_energy_sources_by_name(self):
        self.assertEqual(slugs("Keduanya membahas pengembangan bioenergi dan panas bumi."), ["energy"])
        self.assertEqual(slugs("They discussed a geothermal power plant."), ["energy"])

    def test_peacekeepers_and_militants(self):
        self.assertEqual(slugs("Indonesia siap mengirim pemelihara perdamaian ke Lebanon."), ["peacekeeping"])
        self.assertEqual(slugs("A single peacekeeper was honoured."), ["peacekeeping"])
        self.assertEqual(slugs("They shared information on militants crossing the border."), ["counter_terrorism"])
        self.assertEqual(slugs("Keduanya membahas pencegahan radikalisasi di media sosial."), ["counter_terrorism"])

    def test_exercise_and_school_abbreviations(self):
        self.assertEqual(
            slugs("Kedua angkatan laut sepakat menggelar latma tahun depan."), ["military_education_training"]
        )
        self.assertEqual(slugs("Dua perwira Filipina akan belajar di Seskoal."), ["military_education_training"])

    def test_trade_investment_and_cyber_forms(self):
        self.assertEqual(slugs("Menteri mengajak investor Korea mendukung hilirisasi nikel."), ["economic_trade"])
        self.assertEqual(slugs("They discussed recent cyberattacks on banks."), ["cyber_security"])
        self.assertEqual(slugs("Kepala BNPB turut hadir dalam pertemuan."), ["disaster_relief"])

    def test_training_border_guards_is_military_training(self):
        self.assertEqual(
            slugs("Indonesia offered to train border guards from Timor-Leste."), ["military_education_training"]
        )
        self.assertEqual(slugs("TNI siap melatih penjaga perbatasan Papua Nugini."), ["military_education_training"])


class DefenceIndustryInvestmentTests(SimpleTestCase):
    def test_investing_in_defence_firms_is_defence_industry_not_trade(self):
        self.assertEqual(
            slugs("Saudi Arabia is ready to invest in Indonesian defence companies."), ["defence_industry"]
        )
        self.assertEqual(slugs("Mesir berminat berinvestasi pada industri pertahanan nasional."), ["defence_industry"])
        self.assertEqual(slugs("Mesir berminat berinvestasi pada industri makanan."), ["economic_trade"])
