"""The admin: every page works for editors, is read-only for viewers, keeps history, and lists at a fixed cost."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from unittest import mock

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from relations.admin import HistoryAdmin, MeetingAdmin, MeetingPartListFilter
from relations.models import (
    Article,
    Commitment,
    Meeting,
    MeetingCountry,
    MeetingSector,
    Official,
    Organization,
    Participant,
    Position,
    Sector,
)
from relations.paginators import CappedCountPaginator

from .factories import (
    make_article,
    make_commitment,
    make_country,
    make_country_alias,
    make_meeting,
    make_official,
    make_organization,
    make_participant,
    make_position,
    make_sector,
)

# Derived tables, kept by the database and never edited: not in the admin.
DERIVED_MODELS = {
    "MeetingDigest",
    "CountryMonth",
    "CountryMonthSector",
    "MonthSector",
    "CountryOfficial",
    "SummaryState",
}


def relations_models() -> list[type]:
    """The domain models, without simple_history's shadow models and the derived tables."""
    return [
        m
        for m in apps.get_app_config("relations").get_models()
        if not m.__name__.startswith("Historical") and m.__name__ not in DERIVED_MODELS
    ]


def make_staff(*, username: str, group: str) -> User:
    user = User.objects.create_user(username, password="not-used", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def admin_url(model: type, action: str, *args) -> str:
    return reverse(f"admin:relations_{model._meta.model_name}_{action}", args=args)


def form_data(response) -> dict[str, object]:
    """The POST data an admin add or change page would send untouched: its form and every inline formset."""
    forms = [response.context["adminform"].form]
    added = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        # One blank row more, as "Add another" gives it: the change page has none of its own.
        blank = formset.empty_form
        blank.prefix = formset.add_prefix(formset.total_form_count())
        added[formset.management_form.add_prefix("TOTAL_FORMS")] = formset.total_form_count() + 1
        forms += [formset.management_form, *formset.forms, blank]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return {**data, **added}


def formset_prefix(response, model: type) -> tuple[str, int]:
    """The prefix of the inline formset of `model` and the index of its first blank form (in `form_data`)."""
    formset = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is model)
    return formset.prefix, formset.initial_form_count()


class AdminData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff(username="editor", group="Editor")
        cls.viewer = make_staff(username="viewer", group="Viewer")
        cls.indonesia = make_country(code="ID", name_en="Indonesia")
        cls.peru = make_country(code="PE", name_en="Peru")
        cls.chile = make_country(code="CL", name_en="Chile")
        cls.ministry = make_organization(name="Kementerian Pertahanan", country=cls.indonesia)
        cls.official = make_official(full_name="Muhammad Herindra", country=cls.indonesia, aliases=["M. Herindra"])
        cls.ambassador = make_official(full_name="Test Ambassador", country=cls.peru)
        cls.position = make_position(official=cls.official, title_en="Deputy Minister of Defence")
        cls.defence = make_sector(slug="defence", name_en="Defence")
        cls.industry = make_sector(slug="defence-industry", name_en="Defence industry", parent=cls.defence)
        cls.meeting = make_meeting(title="Courtesy call", sectors=(cls.defence,))
        cls.later = make_meeting(title="Leaders' meeting", held_on=dt.date(2024, 11, 15), host="PE", partners=("ID",))
        cls.article = make_article(title="A courtesy call at the ministry")
        cls.article.meetings.add(cls.meeting)
        cls.rows = {
            "country": cls.peru,
            "countryalias": make_country_alias(country=cls.peru, alias="Peruvian"),
            "organization": cls.ministry,
            "official": cls.official,
            "position": cls.position,
            "sector": cls.industry,
            "meeting": cls.meeting,
            "meetingcountry": cls.meeting.countries.get(country=cls.peru),
            "participant": make_participant(meeting=cls.meeting, official=cls.official, position=cls.position),
            "meetingsector": cls.meeting.sectors.get(),
            "article": cls.article,
            "commitment": make_commitment(meeting=cls.meeting, kind="invitation", description="Invited to Lima."),
        }


class EditorTests(AdminData):
    def setUp(self):
        self.client.force_login(self.editor)

    def test_every_model_is_registered(self):
        registered = {m for m in admin.site._registry if m._meta.app_label == "relations"}
        self.assertEqual(registered, set(relations_models()))
        self.assertFalse({m.__name__ for m in registered} & DERIVED_MODELS)

    def test_the_country_filter_lists_only_countries_that_met(self):
        response = self.client.get(reverse("admin:relations_meeting_changelist"))
        choices = [
            choice["display"]
            for spec in response.context["cl"].filter_specs
            for choice in spec.choices(response.context["cl"])
            if spec.title == "country"
        ]
        self.assertEqual(choices, ["All", "Indonesia", "Peru"])

    def test_every_changelist_add_change_and_history_page_renders(self):
        for model in relations_models():
            name = model._meta.model_name
            pk = self.rows[name].pk
            for url in [
                admin_url(model, "changelist"),
                admin_url(model, "add"),
                admin_url(model, "change", pk),
                admin_url(model, "history", pk),
            ]:
                with self.subTest(url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_every_autocomplete_answers(self):
        for model, field in [(Participant, "official"), (Participant, "position"), (Participant, "side")]:
            with self.subTest(field=field):
                response = self.client.get(
                    reverse("admin:autocomplete"),
                    {"app_label": "relations", "model_name": model._meta.model_name, "field_name": field, "term": "e"},
                )
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.json()["results"])

    def test_meeting_saves_with_its_inlines_and_keeps_history(self):
        url = admin_url(Meeting, "change", self.meeting.pk)
        page = self.client.get(url)
        data = form_data(page)
        data["title"] = "Courtesy call of Peru's ambassador"
        countries, blank = formset_prefix(page, MeetingCountry)
        data |= {f"{countries}-{blank}-country": "CL", f"{countries}-{blank}-role": "partner"}
        people, blank = formset_prefix(page, Participant)
        data |= {f"{people}-{blank}-official": self.ambassador.pk, f"{people}-{blank}-side": "PE"}
        data[f"{people}-{blank}-role"] = "principal"
        sectors, blank = formset_prefix(page, MeetingSector)
        data |= {f"{sectors}-{blank}-sector": self.industry.pk, f"{sectors}-{blank}-evidence": "About SITDEF."}
        data[f"{sectors}-{blank}-article"] = self.article.pk

        response = self.client.post(url, data)

        self.assertRedirects(response, admin_url(Meeting, "changelist"))
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.title, "Courtesy call of Peru's ambassador")
        self.assertEqual(sorted(c.code for c in self.meeting.partner_countries), ["CL", "PE"])
        self.assertEqual(self.meeting.participants.get(official=self.ambassador).role, "principal")
        self.assertEqual(self.meeting.sectors.get(sector=self.industry).evidence, "About SITDEF.")
        latest = self.meeting.history.latest()
        self.assertEqual((latest.history_type, latest.history_user), ("~", self.editor))
        self.assertEqual(latest.diff_against(latest.prev_record).changed_fields, ["title"])
        for model in [MeetingCountry, Participant, MeetingSector]:
            with self.subTest(model=model.__name__):
                added = model.history.get(meeting_id=self.meeting.pk, history_type="+", history_user=self.editor)
                self.assertEqual(added.history_user, self.editor)

    def test_a_participant_represents_one_of_the_meetings_countries(self):
        url = admin_url(Meeting, "change", self.meeting.pk)
        page = self.client.get(url)
        people, blank = formset_prefix(page, Participant)
        chilean = make_official(full_name="Chilean Envoy", country=self.chile)
        row = {f"{people}-{blank}-official": chilean.pk, f"{people}-{blank}-side": "CL"}
        row[f"{people}-{blank}-role"] = "principal"
        message = "Chile is not one of this meeting&#x27;s countries: add it to the meeting&#x27;s countries first."

        response = self.client.post(url, form_data(page) | row)
        self.assertContains(response, message)
        self.assertFalse(self.meeting.participants.filter(official=chilean).exists())

        # Chile added as a partner in the same form: accepted, saved together.
        countries, blank = formset_prefix(page, MeetingCountry)
        sides = {f"{countries}-{blank}-country": "CL", f"{countries}-{blank}-role": "partner"}
        response = self.client.post(url, form_data(page) | row | sides)
        self.assertRedirects(response, admin_url(Meeting, "changelist"))
        self.assertEqual(self.meeting.participants.get(official=chilean).side_id, "CL")

    def test_with_the_countries_read_only_a_participant_is_judged_by_the_stored_ones(self):
        user = User.objects.create_user("people-only", password="not-used", is_staff=True)
        codenames = ["view_meeting", "change_meeting", "view_participant", "add_participant", "change_participant"]
        user.user_permissions.add(*Permission.objects.filter(codename__in=[*codenames, "view_meetingcountry"]))
        self.client.force_login(user)
        url = admin_url(Meeting, "change", self.meeting.pk)
        page = self.client.get(url)
        people, blank = formset_prefix(page, Participant)
        row = {f"{people}-{blank}-official": self.ambassador.pk, f"{people}-{blank}-side": "PE"}
        response = self.client.post(url, form_data(page) | row | {f"{people}-{blank}-role": "principal"})
        self.assertRedirects(response, admin_url(Meeting, "changelist"))
        self.assertTrue(self.meeting.participants.filter(official=self.ambassador, side="PE").exists())

    def test_a_country_taken_away_under_its_participants_is_refused(self):
        make_participant(meeting=self.meeting, official=self.ambassador, side=self.peru)
        url = admin_url(Meeting, "change", self.meeting.pk)
        page = self.client.get(url)
        countries, _ = formset_prefix(page, MeetingCountry)
        data = form_data(page)
        peru = next(i for i in range(2) if data[f"{countries}-{i}-country"] == "PE")
        data[f"{countries}-{peru}-country"] = "CL"  # Peru replaced by Chile
        response = self.client.post(url, data)
        self.assertContains(response, "Peru is not one of this meeting&#x27;s countries")
        self.assertTrue(self.meeting.countries.filter(country=self.peru).exists())

    def test_a_side_edited_alone_keeps_the_meetings_rules(self):
        peru = self.meeting.countries.get(country=self.peru)
        url = admin_url(MeetingCountry, "change", peru.pk)
        data = form_data(self.client.get(url))
        response = self.client.post(url, data | {"country": "CL"})
        self.assertRedirects(response, admin_url(MeetingCountry, "changelist"))  # Peru had no participant
        chile = MeetingCountry.objects.get(pk=peru.pk)
        self.assertEqual(chile.country_id, "CL")
        make_participant(meeting=self.meeting, official=make_official(country=self.chile), side=self.chile)
        url = admin_url(MeetingCountry, "change", chile.pk)
        response = self.client.post(url, form_data(self.client.get(url)) | {"country": "PE"})
        self.assertContains(response, f"Participants of “{self.meeting}” represent Chile.")
        indonesia = self.meeting.countries.get(country=self.indonesia)
        # Deleting the last partner, or a represented side, alone or with others: refused on the delete page.
        for sides in ([chile], [chile, indonesia]):
            with self.subTest(sides=[side.country_id for side in sides]):
                changelist = admin_url(MeetingCountry, "changelist")
                action = {"action": "delete_selected", "_selected_action": [side.pk for side in sides], "post": "yes"}
                response = self.client.post(changelist, action)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(self.meeting.countries.count(), 2)
        response = self.client.post(admin_url(MeetingCountry, "delete", chile.pk), {"post": "yes"})
        self.assertContains(response, f"“{self.meeting}” would have no partner country left.")
        self.assertTrue(MeetingCountry.objects.filter(pk=chile.pk).exists())
        # The home country takes part in every meeting, listed or not: its side may go, its officials stay.
        response = self.client.post(admin_url(MeetingCountry, "delete", indonesia.pk), {"post": "yes"})
        self.assertRedirects(response, admin_url(MeetingCountry, "changelist"))

    def test_the_home_countrys_officials_take_part_in_a_meeting_hosted_abroad(self):
        """A meeting abroad lists its host alone (as synthetic data and some articles have it): the ministry's own
        officials are added to it all the same."""
        url = admin_url(Meeting, "change", self.later.pk)
        self.later.countries.filter(country=self.indonesia).delete()
        page = self.client.get(url)
        people, blank = formset_prefix(page, Participant)
        row = {f"{people}-{blank}-official": self.official.pk, f"{people}-{blank}-side": "ID"}
        response = self.client.post(url, form_data(page) | row | {f"{people}-{blank}-role": "principal"})
        self.assertRedirects(response, admin_url(Meeting, "changelist"))
        self.assertEqual(self.later.participants.get().side_id, "ID")

    def test_a_side_deleted_by_one_who_may_only_view_participants_is_refused_with_a_reason(self):
        make_participant(meeting=self.meeting, official=self.ambassador, side=self.peru)
        MeetingCountry.objects.create(meeting=self.meeting, country=self.chile, role="partner")
        user = User.objects.create_user("sides-only", password="not-used", is_staff=True)
        codenames = ["view_meeting", "change_meeting", "view_participant", "view_meetingcountry"]
        codenames += ["change_meetingcountry", "delete_meetingcountry", "add_meetingcountry"]
        user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
        self.client.force_login(user)
        url = admin_url(Meeting, "change", self.meeting.pk)
        page = self.client.get(url)
        countries, _ = formset_prefix(page, MeetingCountry)
        data = form_data(page)
        peru = next(i for i in range(3) if data[f"{countries}-{i}-country"] == "PE")
        response = self.client.post(url, data | {f"{countries}-{peru}-DELETE": "on"})
        self.assertContains(response, "Peru is not one of this meeting&#x27;s countries")
        self.assertTrue(self.meeting.countries.filter(country=self.peru).exists())

    def test_a_participant_stored_off_side_does_not_block_other_changes(self):
        chilean = make_official(full_name="Chilean Envoy", country=self.chile)
        make_participant(meeting=self.meeting, official=chilean, side=self.chile)  # as an approval may store it
        url = admin_url(Meeting, "change", self.meeting.pk)
        page = self.client.get(url)
        countries, blank = formset_prefix(page, MeetingCountry)
        japan = make_country(code="JP", name_en="Japan")
        data = form_data(page) | {f"{countries}-{blank}-country": japan.code, f"{countries}-{blank}-role": "partner"}
        self.assertRedirects(self.client.post(url, data), admin_url(Meeting, "changelist"))
        self.assertTrue(self.meeting.countries.filter(country=japan).exists())

    def test_a_host_nobody_represents_may_be_deleted_alone(self):
        meeting = make_meeting(title="Talks", host="ID", partners=("PE",))
        host = meeting.countries.get(country=self.indonesia)
        response = self.client.post(admin_url(MeetingCountry, "delete", host.pk), {"post": "yes"})
        self.assertRedirects(response, admin_url(MeetingCountry, "changelist"))
        self.assertFalse(MeetingCountry.objects.filter(pk=host.pk).exists())

    def test_a_participant_added_alone_represents_one_of_the_meetings_countries(self):
        url = admin_url(Participant, "add")
        data = form_data(self.client.get(url)) | {"meeting": self.meeting.pk, "official": self.ambassador.pk}
        response = self.client.post(url, data | {"side": "CL", "role": "principal"})
        self.assertContains(response, "Chile is not one of this meeting&#x27;s countries")
        response = self.client.post(url, data | {"side": "PE", "role": "principal"})
        self.assertRedirects(response, admin_url(Participant, "changelist"))

    def test_history_page_shows_who_changed_what(self):
        url = admin_url(Meeting, "change", self.meeting.pk)
        data = form_data(self.client.get(url)) | {"title": "Renamed call"}
        self.client.post(url, data)

        response = self.client.get(admin_url(Meeting, "history", self.meeting.pk))

        self.assertContains(response, "editor")
        self.assertContains(response, "Courtesy call\n")
        self.assertContains(response, "Renamed call")

    def test_a_wrong_participant_is_removed_and_its_history_kept(self):
        url = admin_url(Meeting, "change", self.meeting.pk)
        page = self.client.get(url)
        people, _ = formset_prefix(page, Participant)

        response = self.client.post(url, form_data(page) | {f"{people}-0-DELETE": "on"})

        self.assertRedirects(response, admin_url(Meeting, "changelist"))
        self.assertFalse(self.meeting.participants.exists())
        removed = Participant.history.get(meeting_id=self.meeting.pk, history_type="-")
        self.assertEqual((removed.official_id, removed.history_user), (self.official.pk, self.editor))

    def test_host_and_partner_swap_sides(self):
        url = admin_url(Meeting, "change", self.meeting.pk)
        page = self.client.get(url)
        data = form_data(page)
        countries, _ = formset_prefix(page, MeetingCountry)
        for i in range(2):
            data[f"{countries}-{i}-role"] = "host" if data[f"{countries}-{i}-country"] == "PE" else "partner"

        self.assertRedirects(self.client.post(url, data), admin_url(Meeting, "changelist"))

        sides = (self.meeting.host_country.code, [c.code for c in self.meeting.partner_countries])
        self.assertEqual(sides, ("PE", ["ID"]))

    def test_meeting_history_page_shows_the_changes_to_its_parts(self):
        url = admin_url(Meeting, "change", self.meeting.pk)
        page = self.client.get(url)
        people, blank = formset_prefix(page, Participant)
        data = form_data(page) | {f"{people}-{blank}-official": self.ambassador.pk, f"{people}-{blank}-side": "PE"}
        countries, _ = formset_prefix(page, MeetingCountry)
        side = next(i for i in range(2) if data[f"{countries}-{i}-country"] == "PE")
        data[f"{countries}-{side}-role"] = "host"
        host = next(i for i in range(2) if data[f"{countries}-{i}-country"] == "ID")
        data[f"{countries}-{host}-role"] = "partner"
        self.assertRedirects(self.client.post(url, data), admin_url(Meeting, "changelist"))

        self.client.get(admin_url(Meeting, "history", self.meeting.pk))  # fills the content-type cache
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(admin_url(Meeting, "history", self.meeting.pk))
        cost = len(queries)

        changes = response.context["part_changes"]
        edits = [(c.user, c.action, c.part, c.row, c.changes) for c in changes if c.user == self.editor]
        self.assertEqual(
            sorted(edits, key=str),
            sorted(
                [
                    (self.editor, "Created", "participant", "Test Ambassador", []),
                    (self.editor, "Changed", "meeting country", "Peru", [("role", "partner", "host")]),
                    (self.editor, "Changed", "meeting country", "Indonesia", [("role", "host", "partner")]),
                ],
                key=str,
            ),
        )
        self.assertContains(response, "<strong>role:</strong> partner &rarr; host", html=False)

        # More changes to the parts, same cost: one query per part and per foreign key, not per change.
        page = self.client.get(url)
        people, blank = formset_prefix(page, Participant)
        guest = make_official(full_name="Second Guest", country=self.peru)
        data = form_data(page) | {f"{people}-{blank}-official": guest.pk, f"{people}-{blank}-side": "PE"}
        self.assertRedirects(self.client.post(url, data), admin_url(Meeting, "changelist"))
        with self.assertNumQueries(cost):
            response = self.client.get(admin_url(Meeting, "history", self.meeting.pk))
        self.assertEqual(len(response.context["part_changes"]), len(changes) + 1)

    def test_admin_pages_name_the_sites_icon(self):
        for url in ("/admin/", admin_url(Meeting, "changelist"), admin_url(Meeting, "change", self.meeting.pk)):
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), 'rel="icon" href="/static/relations/favicon.svg"')

    def test_meeting_is_added_with_a_host_and_a_partner(self):
        page = self.client.get(admin_url(Meeting, "add"))
        data = form_data(page) | {"held_on": "2025-01-20", "title": "Phone call", "kind": "phone_call"}
        countries, _ = formset_prefix(page, MeetingCountry)
        data |= {f"{countries}-TOTAL_FORMS": "2", f"{countries}-0-country": "ID", f"{countries}-0-role": "host"}
        data |= {f"{countries}-1-country": "CL", f"{countries}-1-role": "partner"}

        response = self.client.post(admin_url(Meeting, "add"), data)

        self.assertRedirects(response, admin_url(Meeting, "changelist"))
        meeting = Meeting.objects.get(title="Phone call")
        self.assertEqual((meeting.host_country.code, [c.code for c in meeting.partner_countries]), ("ID", ["CL"]))
        self.assertEqual(set(meeting.countries.values_list("held_on", flat=True)), {dt.date(2025, 1, 20)})
        self.assertEqual(meeting.history.get().history_user, self.editor)

    def test_two_hosts_are_refused_with_a_message(self):
        page = self.client.get(admin_url(Meeting, "add"))
        data = form_data(page) | {"held_on": "2025-01-20", "title": "Two hosts"}
        countries, _ = formset_prefix(page, MeetingCountry)
        data |= {f"{countries}-TOTAL_FORMS": "2", f"{countries}-0-country": "ID", f"{countries}-0-role": "host"}
        data |= {f"{countries}-1-country": "CL", f"{countries}-1-role": "host"}

        response = self.client.post(admin_url(Meeting, "add"), data)

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "A meeting has at most one host country.")
        self.assertFalse(Meeting.objects.filter(title="Two hosts").exists())

    def test_a_meeting_keeps_a_partner_country(self):
        url = admin_url(Meeting, "change", self.meeting.pk)
        page = self.client.get(url)
        countries, _ = formset_prefix(page, MeetingCountry)
        data = form_data(page) | {f"{countries}-0-DELETE": "on", f"{countries}-1-DELETE": "on"}
        response = self.client.post(url, data)
        self.assertContains(response, "Every meeting needs at least one partner country.")
        self.assertEqual(self.meeting.countries.count(), 2)

        add = self.client.get(admin_url(Meeting, "add"))
        data = form_data(add) | {"held_on": "2025-01-20", "title": "Home only", "kind": "other"}
        data |= {f"{countries}-0-country": "ID", f"{countries}-0-role": "host"}
        response = self.client.post(admin_url(Meeting, "add"), data)
        self.assertContains(response, "Every meeting needs at least one partner country.")
        self.assertFalse(Meeting.objects.filter(title="Home only").exists())

    def test_broken_rules_in_inlines_come_back_as_messages(self):
        url = admin_url(Meeting, "change", self.meeting.pk)
        page = self.client.get(url)
        people, blank = formset_prefix(page, Participant)
        countries, blank_country = formset_prefix(page, MeetingCountry)
        commitments, _ = formset_prefix(page, Commitment)
        cases = {
            "A commitment is fulfilled by a later meeting, not by its own.": {
                f"{commitments}-0-status": "fulfilled",
                f"{commitments}-0-fulfilled_by": self.meeting.pk,
            },
            "Only a fulfilled commitment names the meeting that fulfilled it.": {
                f"{commitments}-0-fulfilled_by": self.later.pk,
            },
            "This position belongs to another official.": {
                f"{people}-{blank}-official": self.ambassador.pk,
                f"{people}-{blank}-position": self.position.pk,
                f"{people}-{blank}-side": "PE",
            },
        }
        cases |= {
            "Please correct the duplicate data for country.": {
                f"{countries}-{blank_country}-country": "PE",
                f"{countries}-{blank_country}-role": "partner",
            },
            "Please correct the duplicate data for official.": {
                f"{people}-{blank}-official": self.official.pk,
                f"{people}-{blank}-side": "ID",
            },
        }
        for message, change in cases.items():
            with self.subTest(message=message):
                response = self.client.post(url, form_data(page) | change)

                self.assertContains(response, message)
        self.assertEqual(self.meeting.history.count(), 1)

    def test_a_refused_change_shows_the_newly_chosen_row_not_the_stored_one(self):
        url = admin_url(Meeting, "change", self.meeting.pk)
        page = self.client.get(url)
        people, _ = formset_prefix(page, Participant)
        # The ambassador does not hold the stored position: refused, and the form comes back with his name.
        change = {f"{people}-0-official": self.ambassador.pk, f"{people}-0-side": "PE"}

        response = self.client.post(url, form_data(page) | change)

        self.assertContains(response, "This position belongs to another official.")
        self.assertContains(response, f'<option value="{self.ambassador.pk}" selected>Test Ambassador</option>')
        self.assertNotContains(response, ">Muhammad Herindra</option>")

    def test_a_parent_that_is_the_row_itself_is_refused_with_a_message(self):
        for model, row, message in [
            (Organization, self.ministry, "An organization cannot be its own parent or ancestor."),
            (Sector, self.defence, "A sector cannot be its own ancestor."),
        ]:
            with self.subTest(model=model.__name__):
                url = admin_url(model, "change", row.pk)
                response = self.client.post(url, form_data(self.client.get(url)) | {"parent": row.pk})

                self.assertContains(response, message)

    def test_a_second_host_is_refused_with_a_message(self):
        url = admin_url(Meeting, "change", self.meeting.pk)
        page = self.client.get(url)
        countries, blank = formset_prefix(page, MeetingCountry)
        data = form_data(page) | {f"{countries}-{blank}-country": "CL", f"{countries}-{blank}-role": "host"}

        response = self.client.post(url, data)

        self.assertContains(response, "A meeting has at most one host country.")
        self.assertEqual(self.meeting.countries.count(), 2)

    def test_official_saves_with_a_new_position(self):
        url = admin_url(Official, "change", self.official.pk)
        page = self.client.get(url)
        data = form_data(page) | {"aliases": '["M. Herindra", "Herindra"]'}
        positions, blank = formset_prefix(page, Position)
        data |= {f"{positions}-{blank}-title_en": "Minister of Defence", f"{positions}-{blank}-title_id": "Menhan"}
        data |= {f"{positions}-{blank}-rank": "2", f"{positions}-{blank}-started_on": "2025-01-01"}

        response = self.client.post(url, data)

        self.assertRedirects(response, admin_url(Official, "changelist"))
        self.official.refresh_from_db()
        self.assertEqual(self.official.aliases, ["M. Herindra", "Herindra"])
        self.assertEqual(self.official.history.latest().history_user, self.editor)
        position = self.official.positions.get(title_en="Minister of Defence")
        self.assertEqual(position.history.get().history_user, self.editor)

    def test_sector_keywords_are_editable(self):
        url = admin_url(Sector, "change", self.industry.pk)
        data = form_data(self.client.get(url)) | {"keywords_en": "defence industry\nSITDEF", "keywords_id": "alutsista"}

        response = self.client.post(url, data)

        self.assertRedirects(response, admin_url(Sector, "changelist"))
        self.industry.refresh_from_db()
        self.assertEqual(self.industry.keywords("en"), ["defence industry", "SITDEF"])
        self.assertEqual(self.industry.history.latest().history_user, self.editor)

    def test_a_sector_slug_is_set_when_added_and_kept_after(self):
        url = admin_url(Sector, "change", self.industry.pk)
        response = self.client.get(url)
        self.assertNotContains(response, 'name="slug"')
        self.client.post(url, form_data(response) | {"slug": "renamed", "name_en": "Defence industries"})
        self.industry.refresh_from_db()
        self.assertEqual((self.industry.slug, self.industry.name_en), ("defence-industry", "Defence industries"))
        self.assertContains(self.client.get(admin_url(Sector, "add")), 'name="slug"')

    def test_source_article_rows_are_named_by_their_article_only(self):
        response = self.client.get(admin_url(Meeting, "change", self.meeting.pk))

        self.assertContains(response, '<fieldset class="module source-articles"')
        self.assertContains(response, "/static/relations/admin.css")
        self.assertContains(response, "A courtesy call at the ministry")

    def test_sector_page_lists_its_subsectors(self):
        response = self.client.get(admin_url(Sector, "change", self.defence.pk))

        self.assertContains(response, f'<a href="{admin_url(Sector, "change", self.industry.pk)}">Defence industry</a>')

    def test_commitment_saves_as_fulfilled_by_a_later_meeting(self):
        commitment = self.rows["commitment"]
        url = admin_url(Commitment, "change", commitment.pk)
        data = form_data(self.client.get(url)) | {"status": "fulfilled", "fulfilled_by": self.later.pk}

        response = self.client.post(url, data)

        self.assertRedirects(response, admin_url(Commitment, "changelist"))
        commitment.refresh_from_db()
        self.assertEqual((commitment.status, commitment.fulfilled_by), ("fulfilled", self.later))
        self.assertEqual(commitment.history.latest().history_user, self.editor)

    def test_article_with_the_text_of_another_is_refused_with_a_message(self):
        page = self.client.get(admin_url(Article, "add"))
        data = form_data(page) | {"text": self.article.text, "status": "pending"}

        response = self.client.post(admin_url(Article, "add"), data)

        self.assertContains(response, "This text is already stored as the article “A courtesy call at the ministry”.")
        self.assertNotContains(response, "An article needs its text.")
        self.assertEqual(Article.objects.count(), 1)

    def test_article_list_leaves_the_full_text_in_the_database(self):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(admin_url(Article, "changelist"))

        self.assertContains(response, "A courtesy call at the ministry")
        article_selects = [q["sql"] for q in queries if 'FROM "relations_article"' in q["sql"]]
        self.assertTrue(article_selects)
        for sql in article_selects:
            self.assertNotIn('"relations_article"."text"', sql)
            self.assertNotIn('"relations_article"."proposal"', sql)


class GroupTests(TestCase):
    def test_editors_add_change_delete_and_view_every_model_viewers_only_view(self):
        models = [m._meta.model_name for m in relations_models()]
        for group, actions in [("Editor", ["add", "change", "delete", "view"]), ("Viewer", ["view"])]:
            with self.subTest(group=group):
                granted = set(
                    Group.objects.get(name=group).permissions.values_list("content_type__app_label", "codename")
                )
                self.assertEqual(granted, {("relations", f"{a}_{m}") for m in models for a in actions})


class UserAdminTests(TestCase):
    def test_a_user_put_in_the_editor_group_becomes_staff(self):
        self.client.force_login(User.objects.create_superuser("chief", password="not-used"))
        user = User.objects.create_user("newcomer", password="not-used")
        url = reverse("admin:auth_user_change", args=[user.pk])
        data = {"username": "newcomer", "is_active": "on", "date_joined_0": "2026-01-05", "date_joined_1": "09:00:00"}
        data["groups"] = [Group.objects.get(name="Editor").pk]

        response = self.client.post(url, data, follow=True)

        self.assertContains(response, "“newcomer” is now staff, as every editor and viewer must be.")
        user.refresh_from_db()
        self.assertTrue(user.is_staff)


class ViewerTests(AdminData):
    def setUp(self):
        self.client.force_login(self.viewer)

    def test_changelists_and_change_pages_render_read_only(self):
        for model in relations_models():
            pk = self.rows[model._meta.model_name].pk
            with self.subTest(model=model.__name__):
                changelist = self.client.get(admin_url(model, "changelist"))
                self.assertEqual(changelist.status_code, 200)
                self.assertNotContains(changelist, admin_url(model, "add"))
                change = self.client.get(admin_url(model, "change", pk))
                self.assertEqual(change.status_code, 200)
                self.assertNotContains(change, 'name="_save"')
                self.assertNotContains(change, 'name="_continue"')

    def test_posting_a_change_is_forbidden(self):
        url = admin_url(Meeting, "change", self.meeting.pk)
        data = form_data(self.client.get(url)) | {"title": "Changed by a viewer"}

        self.assertEqual(self.client.post(url, data).status_code, 403)
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.title, "Courtesy call")

    def test_adding_is_forbidden(self):
        for model in relations_models():
            with self.subTest(model=model.__name__):
                self.assertEqual(self.client.get(admin_url(model, "add")).status_code, 403)
                self.assertEqual(self.client.post(admin_url(model, "add"), {}).status_code, 403)

    def test_reverting_from_the_history_is_forbidden(self):
        version = self.meeting.history.latest()
        url = reverse("admin:relations_meeting_simple_history", args=[self.meeting.pk, version.history_id])

        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.post(url, {"title": "Reverted by a viewer"}).status_code, 403)


class AnonymousTests(AdminData):
    def test_admin_pages_redirect_to_the_login(self):
        for url in [admin_url(Meeting, "changelist"), admin_url(Meeting, "change", self.meeting.pk)]:
            with self.subTest(url=url):
                self.assertRedirects(self.client.get(url), f"{reverse('admin:login')}?next={url}")


class MeetingChangelistCostTests(TestCase):
    """The meetings list costs the same few queries whatever the number of rows, and never counts the table."""

    # Measured once: session, user, user and group permissions, the capped count, the page of meetings, their
    # country sides. The filters' choices (years, countries, sectors) come from the cache, filled by a first visit.
    QUERIES = 7

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff(username="editor", group="Editor")
        for code in ["ID", "PE", "CL", "JP"]:
            make_country(code=code)
        make_sector(slug="defence")

    def setUp(self):
        self.client.force_login(self.editor)

    def add_meetings(self, count: int) -> None:
        for day in range(count):
            make_meeting(held_on=dt.date(2020, 1, 1) + dt.timedelta(days=day), partners=("PE", "CL"))

    def test_same_number_of_queries_for_5_and_a_full_page_of_meetings(self):
        self.client.get(admin_url(Meeting, "changelist"))
        for total in [5, MeetingAdmin.list_per_page]:
            self.add_meetings(total - Meeting.objects.count())
            with self.subTest(meetings=total), self.assertNumQueries(self.QUERIES):
                response = self.client.get(admin_url(Meeting, "changelist"))
                self.assertEqual(len(response.context["cl"].result_list), total)
                self.assertContains(response, "CL, PE", count=total)

    def test_a_first_visit_reads_the_filters_choices(self):
        self.add_meetings(3)
        # as above, plus the first and last date (years), the countries that met, the sectors
        with self.assertNumQueries(self.QUERIES + 4):
            self.client.get(admin_url(Meeting, "changelist"))

    def test_the_filters_choices_follow_a_write(self):
        self.add_meetings(1)
        html = self.client.get(admin_url(Meeting, "changelist")).content.decode()
        self.assertNotIn("?countries__country=JP", html)
        self.assertNotIn("?year=2031", html)
        self.assertNotIn("Fisheries", html)
        with self.captureOnCommitCallbacks(execute=True):  # the data version is bumped when the write commits
            make_meeting(held_on=dt.date(2031, 5, 1), partners=("JP",))
            make_sector(slug="fisheries", name_en="Fisheries")

        html = self.client.get(admin_url(Meeting, "changelist")).content.decode()
        self.assertIn("?countries__country=JP", html)
        self.assertIn("?year=2031", html)
        self.assertIn("Fisheries", html)

    def test_no_count_of_the_whole_table(self):
        self.add_meetings(3)
        for query in ["", "?status__exact=held", "?countries__country__code__exact=PE", "?q=Meeting"]:
            with self.subTest(query=query), CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(admin_url(Meeting, "changelist") + query).status_code, 200)
            counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
            self.assertEqual(len(counts), 1)
            self.assertIn(f"LIMIT {CappedCountPaginator.cap + 1}", counts[0])

    def test_rows_come_in_the_order_of_the_date_index(self):
        self.add_meetings(3)
        with CaptureQueriesContext(connection) as queries:
            self.client.get(admin_url(Meeting, "changelist"))

        select = next(q["sql"] for q in queries if q["sql"].startswith('SELECT "relations_meeting"."id"'))
        self.assertIn('ORDER BY "relations_meeting"."held_on" DESC, "relations_meeting"."id" DESC', select)

    def test_articles_and_commitments_are_listed_newest_first_by_their_key(self):
        meeting = make_meeting()
        for n in range(2):
            make_article(title=f"Report {n}", text=f"Report {n}.", published_on=dt.date(2024, 1, 2 - n))
            make_commitment(meeting=meeting, description=f"Promise {n}", due_on=dt.date(2024, 1, 1 + n))
        for model, table in [(Article, "relations_article"), (Commitment, "relations_commitment")]:
            with self.subTest(model=model.__name__), CaptureQueriesContext(connection) as queries:
                response = self.client.get(admin_url(model, "changelist"))

                select = next(q["sql"] for q in queries if q["sql"].startswith(f'SELECT "{table}"."id"'))
                self.assertTrue(select.endswith(f'ORDER BY "{table}"."id" DESC'), select)
                rows = list(response.context["cl"].result_list)
                self.assertEqual(rows, sorted(rows, key=lambda row: -row.pk))

    def test_the_page_of_meetings_is_read_through_the_date_index(self):
        self.add_meetings(3)
        page = self.client.get(admin_url(Meeting, "changelist")).context["cl"].queryset[:100]
        if connection.vendor == "postgresql":
            # On three rows the planner rightly prefers a scan; this asks whether the index can serve the order.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")

        self.assertIn("meeting_date_desc_idx", page.explain())
        self.assertNotIn("TEMP B-TREE", page.explain())  # SQLite's sort step
        self.assertNotIn("Sort", page.explain())  # PostgreSQL's


class MeetingListColumnsTests(TestCase):
    """The host and partner columns name each side of each listed meeting, in the reader's language."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff(username="editor", group="Editor")
        make_country(code="ID", name_en="Indonesia", name_id="Indonesia")
        make_country(code="CL", name_en="Chile", name_id="Cile")
        make_country(code="PE", name_en="Peru", name_id="Peru")
        make_country(code="JP", name_en="Japan", name_id="Jepang")
        # Codes, English and Indonesian names in three different orders.
        make_country(code="SE", name_en="Sweden", name_id="Swedia")
        make_country(code="CH", name_en="Switzerland", name_id="Swiss")
        make_country(code="DE", name_en="Germany", name_id="Jerman")
        make_meeting(title="Three sides", partners=("PE", "JP", "CL"))
        make_meeting(title="Call", host=None, partners=("JP",))
        make_meeting(title="In Lima", host="PE", partners=("ID",))
        make_meeting(title="European tour", partners=("CH", "JP", "SE", "DE"))

    def cells(self, language: str) -> dict[str, tuple[str, str]]:
        """Title: (host, partners), as the page shows them."""
        self.client.force_login(self.editor)
        page = self.client.get(admin_url(Meeting, "changelist"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        rows = re.findall(
            r'<a href="[^"]*">([^<]*)</a></td>.*?<td class="field-host">([^<]*)</td>'
            r'<td class="field-partners">([^<]*)</td>',
            page,
        )
        return {title: (host, partners) for title, host, partners in rows}

    def test_each_row_names_its_host_and_its_partners_in_name_order(self):
        self.assertEqual(
            self.cells("en"),
            {
                "Three sides": ("Indonesia", "Chile, Japan, Peru"),
                "Call": ("-", "Japan"),
                "In Lima": ("Peru", "Indonesia"),
                "European tour": ("Indonesia", "Germany, Japan, Sweden, Switzerland"),
            },
        )

    def test_partners_follow_their_english_names_in_both_languages(self):
        # The sides' own order (the model's: by English name), whatever the language shows.
        self.assertEqual(self.cells("en")["European tour"], ("Indonesia", "Germany, Japan, Sweden, Switzerland"))
        self.assertEqual(self.cells("id")["European tour"], ("Indonesia", "Jerman, Jepang, Swedia, Swiss"))

    def test_in_indonesian_the_names_are_indonesian(self):
        self.assertEqual(self.cells("id")["Three sides"], ("Indonesia", "Cile, Jepang, Peru"))

    def test_the_columns_read_the_sides_of_a_meeting_outside_the_list_too(self):
        columns = MeetingAdmin(Meeting, admin.site)
        for title, partners in [("Three sides", "Chile, Japan, Peru"), ("European tour", "Germany, Japan, Sweden")]:
            meeting = Meeting.objects.get(title=title)
            with self.subTest(title=title), translation.override("en"):
                self.assertEqual(columns.host(meeting), "Indonesia")
                self.assertTrue(columns.partners(meeting).startswith(partners))

    def test_neither_the_list_nor_the_meeting_autocomplete_joins_the_venue(self):
        self.client.force_login(User.objects.create_superuser("boss", password="not-used"))
        urls = [
            admin_url(Meeting, "changelist"),
            admin_url(Meeting, "changelist") + "?q=tour",
            reverse("admin:autocomplete") + "?app_label=relations&model_name=participant&field_name=meeting&term=tour",
        ]
        for url in urls:
            with self.subTest(url=url), CaptureQueriesContext(connection) as queries:
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertIn("tour", response.content.decode().lower())
            listing = [q["sql"] for q in queries if 'FROM "relations_meeting"' in q["sql"] and "LIMIT" in q["sql"]]
            self.assertTrue(listing)
            self.assertFalse([sql for sql in listing if "venue_country_id" in sql.split("FROM", 1)[1]])


class MeetingListFilterTests(TestCase):
    """Filtering the meetings list by a country or a sector tests an EXISTS: no join, so no DISTINCT."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff(username="editor", group="Editor")
        cls.defence = make_sector(slug="defence", name_en="Defence")
        cls.trade = make_sector(slug="trade", name_en="Trade")
        make_country(code="CL", name_en="Chile")
        # One meeting with two partners and two sectors: a join on sides and sectors would list it four times.
        cls.both = make_meeting(title="Peru and Chile", partners=("PE", "CL"), sectors=(cls.defence, cls.trade))
        cls.peru = make_meeting(title="Peru alone", partners=("PE",), sectors=(cls.trade,))
        cls.japan = make_meeting(title="Japan", partners=("JP",), sectors=(cls.defence,))

    def setUp(self):
        self.client.force_login(self.editor)

    def listed(self, query: str) -> tuple[list[str], list[str]]:
        """The titles listed for `query`, and every SQL statement the page ran."""
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(admin_url(Meeting, "changelist") + query)
        self.assertEqual(response.status_code, 200)
        return sorted(m.title for m in response.context["cl"].result_list), [q["sql"] for q in queries]

    def test_by_country_lists_each_meeting_of_the_country_once_without_distinct(self):
        titles, statements = self.listed("?countries__country=PE")

        self.assertEqual(titles, ["Peru alone", "Peru and Chile"])
        self.assertFalse([sql for sql in statements if "DISTINCT" in sql.upper()])

    def test_by_country_with_the_former_parameter_lists_the_same_meetings(self):
        titles, statements = self.listed("?countries__country__code__exact=PE")

        self.assertEqual(titles, ["Peru alone", "Peru and Chile"])
        self.assertFalse([sql for sql in statements if "DISTINCT" in sql.upper()])

    def test_by_country_and_kind_and_sector(self):
        titles, statements = self.listed(f"?countries__country=PE&sectors__sector={self.defence.pk}")

        self.assertEqual(titles, ["Peru and Chile"])
        self.assertFalse([sql for sql in statements if "DISTINCT" in sql.upper()])

    def test_by_sector_lists_each_meeting_of_the_sector_once_without_distinct(self):
        for query in [f"?sectors__sector={self.defence.pk}", f"?sectors__sector__id__exact={self.defence.pk}"]:
            with self.subTest(query=query):
                titles, statements = self.listed(query)

                self.assertEqual(titles, ["Japan", "Peru and Chile"])
                self.assertFalse([sql for sql in statements if "DISTINCT" in sql.upper()])

    def test_a_sector_that_is_not_a_number_gives_the_admins_wrong_filter_page(self):
        response = self.client.get(admin_url(Meeting, "changelist") + "?sectors__sector=defence")

        self.assertRedirects(response, admin_url(Meeting, "changelist") + "?e=1", fetch_redirect_response=False)

    def test_the_choices_link_as_djangos_with_the_other_filters_kept(self):
        queries = ["", "?countries__country=CL", "?kind__exact=bilateral_meeting&q=Peru&year=2024&o=2"]
        queries += [f"?sectors__sector={self.defence.pk}&countries__country=PE&status__exact=held"]
        for query in queries:
            with self.subTest(query=query):
                response = self.client.get(admin_url(Meeting, "changelist") + query)
                cl = response.context["cl"]
                for spec in cl.filter_specs:
                    if isinstance(spec, MeetingPartListFilter):
                        djangos = list(admin.SimpleListFilter.choices(spec, cl))
                        self.assertEqual(list(spec.choices(cl)), djangos)
                        self.assertGreater(len(djangos), 2)

    def test_the_chosen_country_is_shown_as_selected(self):
        response = self.client.get(admin_url(Meeting, "changelist") + "?countries__country=CL")

        spec = next(s for s in response.context["cl"].filter_specs if s.title == "country")
        chosen = [c["display"] for c in spec.choices(response.context["cl"]) if c["selected"]]
        self.assertEqual(chosen, ["Chile"])


class ActionCheckboxTests(TestCase):
    def test_the_same_markup_as_djangos_checkbox(self):
        meeting = make_meeting(title="Visit <of> “Peru” & Chile")
        ours = HistoryAdmin(Meeting, admin.site).action_checkbox(meeting)

        self.assertEqual(ours, admin.ModelAdmin(Meeting, admin.site).action_checkbox(meeting))
        self.assertIn("&lt;of&gt;", ours)


class MeetingChangeFormCostTests(TestCase):
    """A meeting's change form costs the same queries whatever the number of rows in its inlines."""

    # Measured once: session, user, the meeting (with its venue), its sides, participants, sectors, commitments,
    # source articles; permissions are cached on the user after the first page.
    QUERIES = 8

    @classmethod
    def setUpTestData(cls):
        cls.editor = User.objects.create_superuser("editor", password="not-used")
        cls.few = cls.make_documented_meeting(rows=1, title="Few rows")
        cls.many = cls.make_documented_meeting(rows=5, title="Many rows")

    @staticmethod
    def make_documented_meeting(*, rows: int, title: str) -> Meeting:
        codes = ["PE", "CL", "JP", "AU", "IN"][:rows]
        meeting = make_meeting(title=title, partners=tuple(codes), venue_country=make_country(code="SG"))
        for n, code in enumerate(codes):
            official = make_official(full_name=f"{title} official {n}", country=make_country(code=code))
            position = make_position(official=official, title_en=f"Minister {n}")
            make_participant(meeting=meeting, official=official, position=position)
            sector = make_sector(slug=f"{title[:4].lower()}-{n}", name_en=f"{title} sector {n}")
            article = make_article(title=f"{title} article {n}", text=f"{title}: report {n}.")
            MeetingSector.objects.create(meeting=meeting, sector=sector, evidence="Said so.", article=article)
            article.meetings.add(meeting)
            kept = make_meeting(title=f"Kept {n}", host=None, partners=())
            make_commitment(meeting=meeting, description=f"Promise {n}", status="fulfilled", fulfilled_by=kept)
        return meeting

    def setUp(self):
        self.client.force_login(self.editor)
        self.client.get(admin_url(Meeting, "change", self.few.pk))  # warms the content type cache

    def test_the_venue_shows_its_country_and_a_refused_form_shows_the_one_chosen(self):
        url = admin_url(Meeting, "change", self.few.pk)
        venue = re.compile(r'<select name="venue_country".*?</select>', re.S)
        shown = venue.search(self.client.get(url).content.decode()).group(0)
        self.assertRegex(shown, r'<option value="SG" selected>SG</option>')
        make_country(code="NZ", name_en="New Zealand")
        data = form_data(self.client.get(url))
        data.update(venue_country="NZ", title="")  # a title is required: the form comes back
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        shown = venue.search(response.content.decode()).group(0)
        self.assertRegex(shown, r'<option value="NZ" selected>New Zealand</option>')
        self.assertNotIn("SG", shown)

    def test_rows_keep_the_models_order_within_the_meeting(self):
        meeting = make_meeting(title="Ordered rows")
        roles = [Participant.Role.MENTIONED, Participant.Role.PRINCIPAL, Participant.Role.ACCOMPANYING]
        for n, role in enumerate(roles):
            make_participant(meeting=meeting, official=make_official(full_name=f"Official {n}"), role=role)
        for name in ["Trade", "Defence", "Energy"]:
            MeetingSector.objects.create(meeting=meeting, sector=make_sector(slug=name.lower(), name_en=name))

        response = self.client.get(admin_url(Meeting, "change", meeting.pk))

        rows = {
            inline.formset.prefix: [form.instance for form in inline.formset.initial_forms]
            for inline in response.context["inline_admin_formsets"]
        }
        self.assertEqual(rows["participants"], list(meeting.participants.all()))  # role (as stored), then id
        self.assertEqual([p.role for p in rows["participants"]], sorted(roles))
        self.assertEqual([row.sector.name_en for row in rows["sectors"]], ["Defence", "Energy", "Trade"])

    def test_same_number_of_queries_for_one_and_five_rows_per_inline(self):
        for meeting, rows in [(self.few, 1), (self.many, 5)]:
            with self.subTest(rows=rows), self.assertNumQueries(self.QUERIES):
                response = self.client.get(admin_url(Meeting, "change", meeting.pk))
            # Every inline holds `rows` rows; the sides, one more: the host.
            shown = {
                inline.formset.prefix: inline.formset.initial_form_count()
                for inline in response.context["inline_admin_formsets"]
            }
            self.assertEqual(set(shown.values()), {rows, rows + 1})

    def test_a_rows_official_or_sector_has_no_delete_link_beside_it(self):
        html = self.client.get(admin_url(Meeting, "change", self.many.pk)).content.decode()
        for field in ("official", "sector", "country"):
            with self.subTest(field=field):
                self.assertRegex(html, rf'id="change_id_[a-z_]+-0-{field}"')  # the change link stays
                self.assertNotRegex(html, rf'id="delete_id_[a-z_]+-0-{field}"')

    def test_an_officials_form_costs_the_same_queries_for_one_and_three_positions(self):
        counts = []
        for total in [1, 3]:
            official = make_official(full_name=f"Official with {total}")
            for n in range(total):
                organization = make_organization(name=f"Ministry {total}.{n}")
                make_position(official=official, title_en=f"Minister {total}.{n}", organization=organization)
            self.client.get(admin_url(Official, "change", official.pk))  # caches the content type
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(admin_url(Official, "change", official.pk))
            self.assertContains(response, f">Ministry {total}.{total - 1}</option>")
            counts.append(len(queries))

        self.assertEqual(counts[0], counts[1])

    def test_every_chosen_row_is_named_in_its_autocomplete(self):
        response = self.client.get(admin_url(Meeting, "change", self.many.pk))

        for n in range(5):
            with self.subTest(row=n):
                self.assertContains(response, f">Many rows official {n}</option>")
                self.assertContains(response, f">Minister {n}, Many rows official {n}</option>")
                self.assertContains(response, f">Many rows sector {n}</option>")
                self.assertContains(response, f">Many rows article {n}</option>", count=2)
                self.assertContains(response, f">2024-10-04 Kept {n}</option>")

    def test_the_change_page_has_no_blank_rows_the_add_page_one_per_tabular_inline(self):
        for url, blank in [(admin_url(Meeting, "change", self.few.pk), 0), (admin_url(Meeting, "add"), 1)]:
            with self.subTest(url=url):
                response = self.client.get(url)
                for inline in response.context["inline_admin_formsets"]:
                    formset = inline.formset
                    extra = 0 if formset.model is Commitment else blank
                    self.assertEqual(formset.total_form_count() - formset.initial_form_count(), extra)

    def test_the_rows_articles_leave_their_full_text_in_the_database(self):
        with CaptureQueriesContext(connection) as queries:
            self.client.get(admin_url(Meeting, "change", self.many.pk))

        article_reads = [q["sql"] for q in queries if '"relations_article"' in q["sql"]]
        self.assertTrue(article_reads)
        self.assertFalse([sql for sql in article_reads if '"relations_article"."text"' in sql])


class LargeListWordingTests(TestCase):
    """Past the cap, the lists say "more than" (or, from PostgreSQL's estimate, "about") rather than a wrong total."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff(username="editor", group="Editor")
        for day in range(5):
            make_meeting(held_on=dt.date(2024, 1, 1 + day), title=f"Visit {day}")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_counts_are_exact_up_to_the_cap(self):
        response = self.client.get(admin_url(Meeting, "changelist") + "?q=Visit")

        self.assertContains(response, "5 meetings")
        self.assertContains(response, "5 results")

    def test_counts_past_the_cap_are_a_lower_bound(self):
        with mock.patch.object(CappedCountPaginator, "cap", 3):
            response = self.client.get(admin_url(Meeting, "changelist") + "?q=Visit")

        self.assertContains(response, "more than 3 meetings")
        self.assertContains(response, "more than 3 results")
        self.assertEqual(len(response.context["cl"].result_list), 5)

    def test_an_unfiltered_list_shows_no_result_count_beside_the_search(self):
        response = self.client.get(admin_url(Meeting, "changelist"))

        self.assertNotContains(response, '<span class="small quiet">')

    def test_unfiltered_postgresql_list_past_the_cap_gives_the_estimate(self):
        if connection.vendor != "postgresql":
            self.skipTest("the planner estimate is PostgreSQL's")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE relations_meeting")
        with mock.patch.object(CappedCountPaginator, "cap", 3):
            response = self.client.get(admin_url(Meeting, "changelist"))

        self.assertContains(response, "about 5 meetings")


class CappedCountPaginatorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        for day in range(5):
            Meeting.objects.create(held_on=dt.date(2024, 1, 1 + day), title=f"Meeting {day}")

    def paginator(self, cap: int, **filters) -> CappedCountPaginator:
        paginator = CappedCountPaginator(Meeting.objects.filter(**filters), per_page=2)
        paginator.cap = cap
        return paginator

    def test_up_to_the_cap_the_count_is_exact(self):
        paginator = self.paginator(cap=5)

        self.assertEqual((paginator.count, paginator.count_is_exact, paginator.num_pages), (5, True, 3))

    def test_past_the_cap_the_count_is_the_cap_and_pages_still_reach_every_row(self):
        paginator = self.paginator(cap=3, title__startswith="Meeting")

        self.assertEqual((paginator.count, paginator.count_is_exact, paginator.count_is_estimate), (3, False, False))
        self.assertEqual([m.title for m in paginator.page(3)], ["Meeting 0"])
        self.assertEqual(list(paginator.page(4)), [])

    def test_count_is_one_query(self):
        paginator = self.paginator(cap=3)
        with self.assertNumQueries(1):
            paginator.count  # noqa: B018
        # 3 here, or on PostgreSQL an estimate that an ANALYZE in another test left (it is not rolled back).
        self.assertGreaterEqual(paginator.count, 3)
        self.assertFalse(paginator.count_is_exact)


class PostgresEstimateTests(TestCase):
    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("the planner estimate is PostgreSQL's")

    def test_unfiltered_count_past_the_cap_is_the_planner_estimate(self):
        for day in range(8):
            Meeting.objects.create(held_on=dt.date(2024, 1, 1 + day), title=f"Meeting {day}")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE relations_meeting")
        paginator = CappedCountPaginator(Meeting.objects.all(), per_page=2)
        paginator.cap = 3

        self.assertEqual((paginator.count, paginator.count_is_exact, paginator.count_is_estimate), (8, False, True))


class EnsureAdminTests(TestCase):
    def run_command(self) -> str:
        out = StringIO()
        call_command("ensure_admin", "--host", "127.0.0.1", "--port", "8000", stdout=out, stderr=StringIO())
        return out.getvalue()

    def test_creates_admin_with_a_printed_password_that_logs_in(self):
        output = self.run_command()

        password = re.search(r"password: (\S+)", output).group(1)
        self.assertGreaterEqual(len(password), 20)
        self.assertIn("http://127.0.0.1:8000/admin/", output)
        self.assertIn("http://127.0.0.1:8000/", output)
        self.assertTrue(self.client.login(username="admin", password=password))
        admin_user = User.objects.get(username="admin")
        self.assertTrue(admin_user.is_superuser and admin_user.is_staff)

    def test_second_run_keeps_the_password_and_says_how_to_change_it(self):
        password = re.search(r"password: (\S+)", self.run_command()).group(1)

        output = self.run_command()

        self.assertNotIn(password, output)
        self.assertIn("python manage.py changepassword admin", output)
        self.assertTrue(self.client.login(username="admin", password=password))
        self.assertEqual(User.objects.count(), 1)

    def test_the_benchmarks_account_does_not_stand_for_an_admin(self):
        User.objects.create_superuser(username="bench", password=None)  # as runs before 2026-12-04 named it
        User.objects.create_superuser(username="bench-0f3a9c21", password=None)  # one left by an interrupted run
        output = self.run_command()
        self.assertIn("Created the superuser 'admin'.", output)
        self.assertTrue(User.objects.get(username="admin").is_superuser)

    def test_two_fresh_databases_get_different_passwords(self):
        first = re.search(r"password: (\S+)", self.run_command()).group(1)
        User.objects.all().delete()
        second = re.search(r"password: (\S+)", self.run_command()).group(1)

        self.assertNotEqual(first, second)

    def test_an_existing_superuser_is_left_alone(self):
        User.objects.create_superuser("chief", password="kept-as-is")

        output = self.run_command()

        self.assertIn("python manage.py changepassword chief", output)
        self.assertEqual(list(User.objects.values_list("username", flat=True)), ["chief"])
