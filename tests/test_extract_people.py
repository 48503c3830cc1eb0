from django.test import SimpleTestCase

from relations.ingest.countries import find_countries
from relations.ingest.people import find_people, merge_people, same_person
from relations.ingest.text import Document


def people(text: str, language: str = "id") -> list[tuple]:
    doc = Document(text)
    found = merge_people(find_people(doc, find_countries(doc, language)))
    return [(p.name, p.country, p.role) for p in found if p.kind == "title"]


class IndonesianTitleTests(SimpleTestCase):
    def test_seed_forms(self):
        text = (
            "Wakil Menteri Pertahanan (Wamenhan) Republik Indonesia, M. Herindra, menyambut kunjungan kehormatan "
            "Duta Besar Peru untuk Indonesia, H.E. Mr. Luis Raúl Tsuboyama Galván, di Jakarta, pada Jumat (4/10). "
            "Dubes Peru ditemani oleh Wakil Kepala Misi Kedutaan Besar Peru, Mr. Cristian Córdova."
        )
        self.assertEqual(
            people(text),
            [
                ("M. Herindra", "ID", "principal"),
                ("Luis Raúl Tsuboyama Galván", "PE", "principal"),
                ("Cristian Córdova", "PE", "accompanying"),
            ],
        )

    def test_abbreviated_title_with_country_then_name(self):
        text = "Wamenhan RI Muhammad Herindra bertemu Menhan Malaysia Datuk Seri Khaled Nordin di Kuala Lumpur."
        self.assertEqual(people(text), [("Muhammad Herindra", "ID", "principal"), ("Khaled Nordin", "MY", "principal")])

    def test_ranks_are_not_part_of_the_name(self):
        text = "Panglima TNI Jenderal TNI Agus Subiyanto menerima Kepala Staf Angkatan Darat Thailand."
        self.assertEqual(people(text)[0], ("Agus Subiyanto", None, "principal"))

    def test_office_named_without_a_person_gives_no_name(self):
        text = "Turut hadir Dirjen Strahan Kemhan dan Kabaranahan Kemhan."
        self.assertEqual([name for name, _, _ in people(text)], [])

    def test_country_after_the_name(self):
        text = "Wakil Panglima TNI menerima Army Chief Lieutenant General Simon Stuart dari Australia."
        self.assertEqual(people(text), [("Simon Stuart", "AU", "principal")])

    def test_name_particles_and_sheikh(self):
        text = "Menhan bertemu Menteri Luar Negeri Uni Emirat Arab Sheikh Abdullah bin Zayed Al Nahyan di Singapura."
        self.assertEqual(people(text)[-1], ("Abdullah bin Zayed Al Nahyan", "AE", "principal"))

    def test_rank_alone_marks_an_official(self):
        text = "Delegasi Prancis dipimpin oleh Laksamana Nicolas Vaujour."
        self.assertEqual(people(text), [("Nicolas Vaujour", None, "principal")])


class EnglishTitleTests(SimpleTestCase):
    def test_title_of_country_then_name(self):
        text = "The Minister of Defense of the Republic of Indonesia Prabowo Subianto received the envoy."
        self.assertEqual(people(text, "en"), [("Prabowo Subianto", "ID", "principal")])

    def test_demonym_before_title_and_counterpart(self):
        text = (
            "Foreign Minister Sugiono met his Australian counterpart Penny Wong and Japanese Defense Minister "
            "Gen Nakatani."
        )
        self.assertEqual(
            people(text, "en"),
            [("Sugiono", None, "principal"), ("Penny Wong", "AU", "principal"), ("Gen Nakatani", "JP", "principal")],
        )

    def test_long_title_runs_on_to_the_name(self):
        text = (
            "He met Coordinating Minister for Maritime Affairs and Investment Luhut Pandjaitan, and Chief of Defense "
            "Air Chief Marshal Hadi Tjahjanto."
        )
        self.assertEqual([n for n, _, _ in people(text, "en")], ["Luhut Pandjaitan", "Hadi Tjahjanto"])

    def test_name_before_the_title(self):
        text = (
            "The talks were led by Retno Marsudi, Indonesia's foreign minister, and Bui Thanh Son, Vietnam's "
            "foreign minister."
        )
        self.assertEqual(
            people(text, "en"), [("Retno Marsudi", "ID", "principal"), ("Bui Thanh Son", "VN", "principal")]
        )

    def test_spokesperson_is_kept_apart(self):
        doc = Document("Spokesperson Jane Roe said the visit went well.")
        found = find_people(doc, find_countries(doc, "en"))
        self.assertEqual([(p.name, p.kind) for p in found], [("Jane Roe", "spokesperson")])


class SamePersonTests(SimpleTestCase):
    def test_initial_and_short_forms(self):
        self.assertTrue(same_person("Muhammad Herindra", "M. Herindra"))
        self.assertTrue(same_person("Prabowo", "Prabowo Subianto"))
        self.assertFalse(same_person("Retno Marsudi", "Marise Payne"))


class TitleNameBoundaryTests(SimpleTestCase):
    """Ranks, brackets and office words between a title and the name (texts written for these tests)."""

    def test_retired_marker_after_a_rank(self):
        text = "The Deputy Minister of Defence, Lt. Gen. (Ret.) Joko Santoso, met the minister."
        self.assertEqual(people(text, "en"), [("Joko Santoso", None, "principal")])

    def test_rank_with_bracketed_service_alone_marks_an_official(self):
        text = "Lt. Gen. (Ret.) Joko Santoso met the minister. Menhan menerima Colonel (Air) Dedi Kusuma."
        self.assertEqual([name for name, _, _ in people(text, "en")], ["Joko Santoso", "Dedi Kusuma"])

    def test_english_and_french_ranks_in_indonesian_text(self):
        text = (
            "Hadir pula Atase Pertahanan Australia di Jakarta, Brigadier Jane Doe. Menhan menerima Amiral Jean Dupont."
        )
        self.assertEqual(people(text), [("Jane Doe", "AU", "accompanying"), ("Jean Dupont", None, "principal")])

    def test_office_words_are_not_names(self):
        text = "The Director General of Defence Strategy, Major General Andi Saputra, attended."
        self.assertEqual(people(text, "en"), [("Andi Saputra", None, "principal")])
        text = "Kepala Staf Umum TNI Letjen TNI Dedi Kusuma hadir."
        self.assertEqual(people(text), [("Dedi Kusuma", None, "principal")])

    def test_unknown_office_word_before_a_comma_and_rank(self):
        text = "The Director General of Defence Hydrography, Rear Admiral Andi Saputra, attended."
        self.assertEqual(people(text, "en"), [("Andi Saputra", None, "principal")])

    def test_region_words_continue_the_title(self):
        text = "Direktur Jenderal Asia Pasifik dan Afrika, Dewi Lestari, hadir."
        self.assertEqual(people(text), [("Dewi Lestari", None, "principal")])

    def test_long_official_state_names_are_countries(self):
        text = "Duta Besar Republik Federasi Brasil untuk Indonesia, H.E. Mr. Paulo Souza, hadir."
        self.assertEqual(people(text), [("Paulo Souza", "BR", "principal")])
        text = "Menteri Luar Negeri Kerajaan Yordania Hasyimiyah, Omar Khalil, menelepon."
        self.assertEqual(people(text), [("Omar Khalil", "JO", "principal")])
        text = "Menteri Pertahanan Republik Arab Mesir Ahmed Fathi hadir."
        self.assertEqual(people(text), [("Ahmed Fathi", "EG", "principal")])

    def test_indonesian_corps_after_rank(self):
        text = "Turut hadir Kolonel Laut (P) Andi Wijaya dan Kolonel Inf Budi Hartono."
        self.assertEqual([name for name, _, _ in people(text)], ["Andi Wijaya", "Budi Hartono"])


class MoreTitlesTests(SimpleTestCase):
    def test_malay_ranks_and_honorifics(self):
        text = "Menhan menerima Panglima Angkatan Darat Malaysia Jeneral Tan Sri Ahmad Zaki Hassan."
        self.assertEqual(people(text)[-1], ("Ahmad Zaki Hassan", "MY", "principal"))
        text = "The Permanent Secretary of the Ministry of Defence, Dato' Sri Rahman Ismail, welcomed the delegation."
        self.assertEqual(people(text, "en"), [("Rahman Ismail", None, "principal")])

    def test_country_between_an_office_and_a_rank(self):
        text = "Pangkostrad menerima Komandan Korps Marinir AS Jenderal John Miller."
        self.assertEqual(people(text)[-1], ("John Miller", "US", "principal"))

    def test_a_country_ends_an_organisation_name(self):
        text = "Wakil Panglima TNI bertemu Kepala Staf Pelatihan Jepang."
        self.assertEqual(people(text), [(None, "JP", "principal")])

    def test_deputy_service_chiefs_and_attaches(self):
        text = "Wakasad Letjen TNI Andi Wijaya menerima Atase Darat Amerika Serikat Kolonel John Miller."
        self.assertEqual(people(text), [("Andi Wijaya", None, "principal"), ("John Miller", "US", "principal")])


class BruneiTitlesTests(SimpleTestCase):
    def test_first_admiral_and_pengiran_precede_the_name(self):
        text = "Kasal menerima Komandan Angkatan Laut Brunei, First Admiral Pengiran Haji Ahmad Salleh."
        self.assertEqual(people(text)[-1], ("Ahmad Salleh", "BN", "principal"))


class OrganisationCountryTests(SimpleTestCase):
    def test_country_of_an_unknown_organisation_before_the_rank(self):
        text = "Panglima TNI menerima Kepala Pasukan Pertahanan Selandia Baru Marsekal Udara Tony Davies."
        self.assertEqual(people(text)[-1], ("Tony Davies", "NZ", "principal"))


class CoordinatedTitlesTests(SimpleTestCase):
    def test_two_titles_joined_by_dan_are_two_officials(self):
        text = "Menhan RI dan Menhan Australia menandatangani perjanjian."
        doc = Document(text)
        found = find_people(doc, find_countries(doc, "id"))
        self.assertEqual([(p.title, p.country) for p in found], [("Menhan RI", "ID"), ("Menhan Australia", "AU")])

    def test_fields_of_one_office_listed_with_commas(self):
        text = "Menko Bidang Politik, Hukum, dan Keamanan Hadi Santoso hadir."
        self.assertEqual(people(text), [("Hadi Santoso", None, "principal")])


class PortfolioAndPoliceTests(SimpleTestCase):
    def test_portfolio_words_continue_a_minister_s_title(self):
        text = "Menteri Perdagangan Budi Santoso bertemu Menteri Perdagangan dan Industri Singapura Tan Wei Ming."
        self.assertEqual(people(text), [("Budi Santoso", None, "principal"), ("Tan Wei Ming", "SG", "principal")])
        text = "The Minister of State-Owned Enterprises Andi Wijaya met them."
        self.assertEqual(people(text, "en"), [("Andi Wijaya", None, "principal")])

    def test_police_ranks_do_not_end_the_sentence_or_join_the_name(self):
        text = "Kepala BNPT Komjen Pol. Andi Wijaya menerima Komisaris Polisi Federal Australia John Miller."
        self.assertEqual(people(text), [("Andi Wijaya", None, "principal"), ("John Miller", "AU", "principal")])

    def test_rank_before_a_name_written_before_its_title(self):
        text = "The delegation was led by Air Marshal Andi Wijaya, Secretary General of the Ministry of Defence."
        self.assertEqual(people(text, "en"), [("Andi Wijaya", None, "principal")])


class NextTitleTests(SimpleTestCase):
    def test_a_name_after_the_next_title_is_not_the_first_title_s(self):
        text = "Turut mendampingi Wamenhan, Dirjen Strahan Kemhan Mayjen TNI Andi Wijaya."
        doc = Document(text)
        found = merge_people(find_people(doc, find_countries(doc, "id")))
        self.assertEqual([(p.name, p.title) for p in found if p.name], [("Andi Wijaya", "Dirjen Strahan Kemhan")])


class EnvoyFormsTests(SimpleTestCase):
    def test_designate_and_ad_interim_continue_an_envoy_s_title(self):
        text = "The Minister received the Ambassador-designate of Colombia, Juan Perez."
        self.assertEqual(people(text, "en"), [("Juan Perez", "CO", "principal")])
        text = "Menhan menerima Kuasa Usaha ad interim Kedutaan Besar Amerika Serikat, John Miller."
        self.assertEqual(people(text), [("John Miller", "US", "principal")])


class DottedHonorificBeforeNameTests(SimpleTestCase):
    def test_dotted_honorific_before_a_name_written_ahead_of_its_title(self):
        text = "The minister received H.E. Marco Rossi, Ambassador of Italy to Indonesia."
        self.assertEqual(people(text, "en"), [("Marco Rossi", "IT", "principal")])
        text = "Menhan menerima Y.M. Marco Rossi, Duta Besar Italia untuk Indonesia."
        self.assertEqual(people(text), [("Marco Rossi", "IT", "principal")])


class GeneralTitlePatternTests(SimpleTestCase):
    def test_country_before_a_modifier_of_the_title(self):
        text = "Canberra - Australia's Deputy Defence Minister Mark Reid received the envoy on Monday."
        self.assertEqual(people(text, "en"), [("Mark Reid", "AU", "principal")])

    def test_charge_d_affaires_ad_interim_abbreviated(self):
        text = "The minister received the Chargé d'Affaires a.i. of Chile, Ana Rojas, at his office."
        self.assertEqual(people(text, "en"), [("Ana Rojas", "CL", "principal")])
        text = "Wamenhan menerima Kuasa Usaha a.i. Kedutaan Besar Swedia, Erik Lind, di kantornya."
        self.assertEqual(people(text)[-1], ("Erik Lind", "SE", "principal"))

    def test_office_running_on_in_unlisted_words_to_a_comma_and_a_name(self):
        text = "Dialog dipimpin Duta Besar Finlandia untuk Urusan Digital, Mikko Virtanen."
        self.assertEqual(people(text), [("Mikko Virtanen", "FI", "principal")])
        text = "She called Norway's Cabinet Secretary for Trade and Fisheries Reform, Ola Berg, on Friday."
        self.assertEqual(people(text, "en"), [("Ola Berg", "NO", "principal")])

    def test_sentence_adverb_is_not_a_name(self):
        text = "Sebelumnya, Menhan Budi Santoso bertemu Menhan Filipina. Sebelumnya Menhan menerima delegasi."
        self.assertEqual([name for name, _, _ in people(text) if name], ["Budi Santoso"])

    def test_company_name_with_an_acronym_before_the_person(self):
        text = "Ia didampingi Direktur Utama Rheinmetall-AG Hans Becker dalam pertemuan itu."
        self.assertEqual([name for name, _, _ in people(text) if name], ["Hans Becker"])
        text = "Ia didampingi Direktur Rheinmetall-AG dalam pertemuan itu."
        self.assertEqual([name for name, _, _ in people(text) if name], [])

    def test_end_of_a_city_name_is_not_a_person(self):
        text = "Wamenhan bertemu Duta Besar RI di Bandar Seri Begawan pada hari itu."
        self.assertEqual([name for name, _, _ in people(text) if name], [])


class MalayAndFieldRankTests(SimpleTestCase):
    def test_brunei_honorifics_and_a_long_name_with_particles(self):
        text = (
            "Menhan bertemu Panglima Angkatan Bersenjata Diraja Brunei, Mayor Jeneral Dato Paduka Seri Hj Ahmad "
            "Zaki bin Hj Abdul Karim, di Bolkiah."
        )
        self.assertEqual(people(text)[-1], ("Ahmad Zaki bin Hj Abdul Karim", "BN", "principal"))

    def test_field_ranks_mark_delegation_members(self):
        text = "The delegation also included Lieutenant Colonel Maria Santos and Captain Rafael Cruz."
        self.assertEqual([name for name, _, _ in people(text, "en")], ["Maria Santos", "Rafael Cruz"])
        text = "Delegasi juga beranggotakan Brigadir Jenderal Ahmad Fauzi dari Mabes TNI."
        self.assertEqual([name for name, _, _ in people(text)], ["Ahmad Fauzi"])

    def test_commanding_officer_of_a_ship(self):
        text = "The frigate's commanding officer, Captain Rafael Cruz, called on the fleet commander."
        self.assertEqual([name for name, _, _ in people(text, "en")], ["Rafael Cruz"])


class DelegationMemberTests(SimpleTestCase):
    def test_untitled_members_of_a_delegation_take_its_country(self):
        text = "Delegasi Norwegia juga beranggotakan Ingrid Solberg dan Lars Haugen dari Kementerian Pertahanan."
        self.assertEqual(
            people(text), [("Ingrid Solberg", "NO", "accompanying"), ("Lars Haugen", "NO", "accompanying")]
        )

    def test_member_from_a_named_ministry_of_a_country(self):
        text = "The delegation also included Pia Virtanen from the Finnish Ministry of Defence."
        self.assertEqual(people(text, "en"), [("Pia Virtanen", "FI", "accompanying")])

    def test_a_ranked_member_takes_the_delegation_s_country(self):
        text = "The Kenyan delegation, which included Major General Peter Otieno, toured the school."
        self.assertEqual(people(text, "en"), [("Peter Otieno", "KE", "principal")])

    def test_included_without_a_delegation_is_no_member_list(self):
        text = "The agenda included Maritime Security and Cyber Defence."
        self.assertEqual(people(text, "en"), [])


class OrganisationBeforeRankTests(SimpleTestCase):
    def test_possessive_inside_an_organisation_before_a_rank_and_name(self):
        text = "The Director of Kenya's National Defence College, Major General Peter Otieno, spoke first."
        self.assertEqual(people(text, "en"), [("Peter Otieno", "KE", "principal")])

    def test_common_name_words_that_also_occur_in_titles(self):
        text = "Kasal menerima Komandan Pusdiklat, Laksamana Pertama Bayu Putra Wijaya."
        self.assertEqual([name for name, _, _ in people(text)], ["Bayu Putra Wijaya"])

    def test_a_ministry_s_fields_listed_with_commas_then_the_country(self):
        text = "Menlu bertemu Menteri Luar Negeri, Uni Eropa dan Kerja Sama Kerajaan Belanda, Pieter de Graaf."
        self.assertEqual(people(text)[-1], ("Pieter de Graaf", "NL", "principal"))


class SeniorRankTests(SimpleTestCase):
    def test_senior_ranks_before_a_name(self):
        text = "Ia menerima Wakil Menteri Pertahanan Nasional Vietnam Letnan Jenderal Senior Pham Van Tuan."
        self.assertEqual(people(text), [("Pham Van Tuan", "VN", "principal")])


class CompanyBeforeNameTests(SimpleTestCase):
    def test_a_hyphenated_company_then_the_person(self):
        text = "Menhan didampingi Direktur Nexter-KNDS Pierre Laurent dalam pertemuan itu."
        self.assertEqual([name for name, _, _ in people(text) if name], ["Pierre Laurent"])


class OriginAfterTitleTests(SimpleTestCase):
    def test_counterpart_from_a_country_then_the_name(self):
        text = "The minister received her counterpart from Timor-Leste, Jose Ramos, in Jakarta."
        self.assertEqual(people(text, "en"), [("Jose Ramos", "TL", "principal")])
        text = "Menlu menerima Menlu dari Timor Leste, Jose Ramos, di Jakarta."
        self.assertEqual(people(text)[-1], ("Jose Ramos", "TL", "principal"))


class InstitutionHeadTitlesTests(SimpleTestCase):
    def test_rector_and_chief_of_general_staff(self):
        text = "Rektor Universitas Pertahanan RI Letjen TNI Andi Wijaya menerima Kasum TNI Marsdya TNI Budi Hartono."
        self.assertEqual(people(text), [("Andi Wijaya", "ID", "principal"), ("Budi Hartono", None, "principal")])

    def test_company_heads_and_chiefs_of_defence(self):
        text = (
            "The Chief of the Defence Force of Fiji, Rear Admiral Jone Kalouniwai, met PT PAL's CEO Kaharuddin Djenod."
        )
        self.assertEqual([name for name, _, _ in people(text, "en")], ["Jone Kalouniwai", "Kaharuddin Djenod"])


class JuniorDiplomatTitlesTests(SimpleTestCase):
    def test_counsellors_and_secretaries_of_an_embassy(self):
        text = "The envoy was accompanied by Minister Counsellor Pedro Gomez and First Secretary Lucia Vega."
        self.assertEqual([name for name, _, _ in people(text, "en")], ["Pedro Gomez", "Lucia Vega"])
        text = "Turut hadir Konselor Kedubes Kolombia Pedro Gomez dan Sekretaris Pertama Lucia Vega."
        self.assertEqual(people(text)[0], ("Pedro Gomez", "CO", "accompanying"))

    def test_senior_lieutenant_general_alone_marks_an_official(self):
        text = "The delegation was led by Senior Lieutenant General Pham Van Tuan."
        self.assertEqual(people(text, "en"), [("Pham Van Tuan", None, "principal")])


class NameAsTitleTests(SimpleTestCase):
    def test_name_selaku_title(self):
        text = "Pertemuan antara Andi Wijaya selaku Menteri Pertahanan RI dan Ana Vega selaku Duta Besar Kolombia."
        self.assertEqual(people(text), [("Andi Wijaya", "ID", "principal"), ("Ana Vega", "CO", "principal")])

    def test_wire_copy_titles_defence_chief_and_top_diplomat(self):
        text = "Chile's top diplomat Ana Vega met Indonesia's defence chief Andi Wijaya on Thursday."
        self.assertEqual(people(text, "en"), [("Ana Vega", "CL", "principal"), ("Andi Wijaya", "ID", "principal")])

    def test_an_office_acronym_in_brackets_before_the_name(self):
        text = "Wamenhan menerima Direktur Jenderal Persenjataan Prancis (DGA) Paul Martin di Jakarta."
        self.assertEqual(people(text)[-1], ("Paul Martin", "FR", "principal"))
