import datetime as dt

from django.test import SimpleTestCase

from relations.ingest.dates import find_dates, resolve_all, resolve_weekday


def resolved(text: str, published: dt.date | None = None) -> list[str | None]:
    mentions = find_dates(text)
    resolve_all(text, mentions, published)
    return [m.iso for m in mentions]


class DayMonthTests(SimpleTestCase):
    def test_weekday_with_day_and_month_takes_the_year_the_weekday_fits(self):
        # No publication date: the year comes from the text (2024) and Friday 4 October is in 2024.
        text = "Wamenhan menerima Dubes pada Jumat (4/10). Pertemuan pemimpin digelar November 2024 mendatang."
        self.assertEqual(resolved(text), ["2024-10-04", "2024-11"])

    def test_year_written_in_the_brackets(self):
        self.assertEqual(resolved("Menhan menerima tamu, Rabu (13/11/2019)."), ["2019-11-13"])

    def test_publication_year_first_then_the_year_before_for_january_articles(self):
        # Published on 3 January 2025; Monday 30 December is in 2024.
        self.assertEqual(resolved("Kasal menerima tamu, Senin (30/12).", dt.date(2025, 1, 3)), ["2024-12-30"])

    def test_a_written_year_stands_against_a_wrong_weekday(self):
        # 18 November 2026 is a Wednesday, not a Tuesday; nothing else says the year is wrong.
        self.assertEqual(resolved("Menhan menerima Dubes pada Selasa (18/11/2026)."), ["2026-11-18"])

    def test_a_last_year_typo_in_january_follows_weekday_and_publication(self):
        # Published January 2025, "(6/1/2024)" with Monday: 6 January is a Monday in 2025, not in 2024.
        self.assertEqual(resolved("Kasal menerima tamu, Senin (6/1/2024).", dt.date(2025, 1, 7)), ["2025-01-06"])

    def test_english_forms(self):
        text = "On November 22, 2024, the ministers met. A photo from Sept. 9, 2021 and 12 June 2024."
        self.assertEqual(resolved(text), ["2024-11-22", "2021-09-09", "2024-06-12"])

    def test_weekday_with_month_name_in_brackets(self):
        self.assertEqual(resolved("They met on Monday (Dec 30).", dt.date(2025, 1, 3)), ["2024-12-30"])

    def test_lower_case_minggu_is_a_week_not_sunday(self):
        self.assertEqual(find_dates("Kunjungan itu terjadi minggu lalu."), [])


class RelativeAndBareWeekdayTests(SimpleTestCase):
    def test_kemarin_and_besok_count_from_publication(self):
        self.assertEqual(resolved("Kemarin dan besok.", dt.date(2024, 5, 8)), ["2024-05-07", "2024-05-09"])

    def test_bare_weekday_is_the_last_one_up_to_publication(self):
        text = "The minister received the ambassador on Tuesday."
        mentions = find_dates(text)
        day = resolve_weekday(mentions[0], mentions, dt.date(2020, 11, 5), None, future=False)
        self.assertEqual(day, dt.date(2020, 11, 3))

    def test_bare_weekday_of_a_planned_meeting_is_the_next_one(self):
        mentions = find_dates("They will meet on Monday.")
        day = resolve_weekday(mentions[0], mentions, dt.date(2025, 6, 20), None, future=True)
        self.assertEqual(day, dt.date(2025, 6, 23))

    def test_bare_weekday_without_publication_uses_the_full_date_on_that_weekday(self):
        text = "Mereka bertemu Senin. Pameran berlangsung Senin (6/5) sampai dengan 9 Mei 2024."
        mentions = find_dates(text)
        resolve_all(text, mentions, None)
        day = resolve_weekday(mentions[0], mentions, None, None, future=False)
        self.assertEqual(day, dt.date(2024, 5, 6))


class DayRangeTests(SimpleTestCase):
    def test_a_meeting_over_several_days_is_dated_by_its_first(self):
        self.assertEqual(resolved("Sidang digelar pada 3-4 Februari 2025."), ["2025-02-03"])
        self.assertEqual(resolved("Sidang digelar pada 11 hingga 13 Maret 2025."), ["2025-03-11"])
        self.assertEqual(resolved("The talks ran from 3 to 5 February 2025."), ["2025-02-03"])


class DatelineDayMonthTests(SimpleTestCase):
    def test_day_and_month_in_brackets_after_the_city_of_a_dateline(self):
        self.assertEqual(resolved("Surabaya (21/5) - Kasal menerima tamu.", dt.date(2025, 5, 22)), ["2025-05-21"])
        self.assertEqual(
            resolved("Medan (3/2) (ANTARA) - Pangdam bertemu Konjen.", dt.date(2025, 2, 3)), ["2025-02-03"]
        )

    def test_day_and_month_in_brackets_elsewhere_is_no_date(self):
        self.assertEqual(resolved("Timnas unggul (2/1) - lawan tertinggal.", dt.date(2025, 5, 22)), [])
        self.assertEqual(resolved("Ia mencetak (3/4) dari semua gol.", dt.date(2025, 5, 22)), [])


class WeekPhraseTests(SimpleTestCase):
    def weekday(self, text: str, published: dt.date, future: bool = False) -> dt.date | None:
        mentions = find_dates(text)
        return resolve_weekday(mentions[0], mentions, published, published, future=future)

    def test_weekday_of_last_week_counts_back_a_calendar_week(self):
        # Published Friday 14 March 2025: "Kamis pekan lalu" is Thursday 6 March, "last Thursday" is 13 March.
        self.assertEqual(
            self.weekday("Menhan bertemu Dubes, Kamis pekan lalu.", dt.date(2025, 3, 14)), dt.date(2025, 3, 6)
        )
        self.assertEqual(self.weekday("They met last Thursday.", dt.date(2025, 3, 14)), dt.date(2025, 3, 13))

    def test_weekday_of_next_week(self):
        published = dt.date(2025, 3, 14)
        self.assertEqual(self.weekday("They will meet on Monday next week.", published, True), dt.date(2025, 3, 17))
        self.assertEqual(self.weekday("Keduanya akan bertemu Rabu pekan depan.", published, True), dt.date(2025, 3, 19))


class NumericDateTests(SimpleTestCase):
    def test_iso_dotted_and_dashed_dates(self):
        self.assertEqual(resolved("The talks were held on 2025-03-04."), ["2025-03-04"])
        self.assertEqual(resolved("Pertemuan digelar 04.03.2025 di Jakarta."), ["2025-03-04"])
        self.assertEqual(resolved("Pertemuan digelar 4-3-2025 di Jakarta."), ["2025-03-04"])

    def test_prices_and_version_numbers_are_no_dates(self):
        self.assertEqual(resolved("Harga naik menjadi 12.500.000 rupiah pada versi 1.2.3."), [])


class WeekdayDayMonthVariantsTests(SimpleTestCase):
    def test_time_of_day_between_weekday_and_brackets(self):
        self.assertEqual(resolved("Menhan menerima Dubes, Senin sore (10/3).", dt.date(2025, 3, 14)), ["2025-03-10"])
        self.assertEqual(resolved("Pertemuan digelar Rabu malam (12/3).", dt.date(2025, 3, 14)), ["2025-03-12"])

    def test_weekday_and_day_month_without_brackets(self):
        self.assertEqual(resolved("Menhan menerima Dubes pada Senin, 10/3.", dt.date(2025, 3, 14)), ["2025-03-10"])
