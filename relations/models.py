"""The domain: who met whom, from which countries, when, about what, what was promised, on what source.

Rules of one row are both `clean()` checks (clear messages in forms) and named database constraints (so that no
write path, bulk or not, can store a row that breaks them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import F, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import summaries
from .freshness import BumpsDataVersion, bump_on_commit
from .ingest.similarity import text_signature


def normalize_text(text: str) -> str:
    """Text as stored and hashed: Unicode NFC, unified newlines, no trailing blanks."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def content_hash(text: str) -> str:
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def localized(english: str, indonesian: str) -> str:
    """The Indonesian text when Indonesian is active and the text exists, else the English."""
    return indonesian if indonesian and (get_language() or "").startswith("id") else english


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


def first_day(day: dt.date | None, precision: str) -> dt.date | None:
    """A date as stored for its precision: the first day of its month or year."""
    if day is None:
        return None
    if precision == DatePrecision.MONTH:
        return day.replace(day=1)
    if precision == DatePrecision.YEAR:
        return day.replace(month=1, day=1)
    return day


def with_field(kwargs: dict, name: str) -> dict:
    """save()'s keyword arguments with `name` among the fields it writes, when it writes only some."""
    if kwargs.get("update_fields") is None:
        return kwargs
    fields = list(kwargs["update_fields"])  # any iterable save() takes, a generator included
    return {**kwargs, "update_fields": fields if name in fields else [*fields, name]}


# Meeting and due dates a record may hold. Earlier or much later ones are typing errors (2204 for 2024), and a
# far year would stretch every per-year table and chart up to it. The database refuses anything outside 1900-2099
# whatever the write path; forms take a meeting at most ten years ahead (a planned one), a due date up to 2099 (a
# target such as "Indonesia Emas 2045" is a real one).
EARLIEST_DATE = dt.date(1900, 1, 1)
END_OF_DATES = dt.date(2100, 1, 1)
YEARS_AHEAD = 10


def latest_meeting_date() -> dt.date:
    return dt.date(min(timezone.localdate().year + YEARS_AHEAD, END_OF_DATES.year - 1), 12, 31)


def validate_due_date(value: dt.date) -> None:
    if value < EARLIEST_DATE:
        raise ValidationError(_("Enter a date from 1900 on."), code="too_early")
    if value >= END_OF_DATES:
        raise ValidationError(_("Enter a date before 2100."), code="too_late")


def validate_meeting_date(value: dt.date) -> None:
    validate_due_date(value)
    if value > latest_meeting_date():
        raise ValidationError(
            _("Enter a date at most %(years)s years ahead, until %(latest)s."),
            code="too_late",
            params={"years": YEARS_AHEAD, "latest": latest_meeting_date().isoformat()},
        )


# --- Countries ---------------------------------------------------------------------------------------------------


class CountryManager(models.Manager):
    def get_by_natural_key(self, code: str) -> Country:
        return self.get(code=code)


class Country(BumpsDataVersion, models.Model):
    """An ISO 3166-1 country; the alpha-2 code is the key, in URLs and fixtures alike."""

    code = models.CharField(_("ISO alpha-2"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("ISO alpha-3"), max_length=3, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_id = models.CharField(_("name (Indonesian)"), max_length=100)
    region = models.CharField(_("region"), max_length=60, blank=True)

    objects = CountryManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"),
                name="country_code_is_alpha2",
                violation_error_message=_("The country code must be two capital letters (ISO 3166-1 alpha-2)."),
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    def get_absolute_url(self) -> str:
        return reverse("relations:country-detail", args=[self.code])

    # No natural_key(): the primary key already is the natural key, and Django's serializer drops the primary key
    # of a model with natural_key() under --natural-primary, which would lose the code.

    @property
    def name(self) -> str:
        """The name in the active language."""
        return localized(self.name_en, self.name_id)


class CountryAliasManager(models.Manager):
    def get_by_natural_key(self, country_code: str, alias: str, language: str) -> CountryAlias:
        return self.get(country_id=country_code, alias=alias, language=language)


class CountryAlias(models.Model):
    """Another way news text names a country: an abbreviation ("AS"), an old name, a demonym ("Peruvian")."""

    class Kind(models.TextChoices):
        NAME = "name", _("name")
        ABBREVIATION = "abbreviation", _("abbreviation")
        DEMONYM = "demonym", _("demonym or adjective")

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("alias"), max_length=100)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NAME)

    objects = CountryAliasManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "alias"]
        verbose_name = _("country alias")
        verbose_name_plural = _("country aliases")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "alias", "language"],
                name="country_alias_unique",
                violation_error_message=_("This country already has this alias in this language."),
            ),
        ]

    def __str__(self) -> str:
        return self.alias

    def natural_key(self) -> tuple:
        return (self.country_id, self.alias, self.language)

    natural_key.dependencies = ["relations.country"]


# --- Organizations, officials, positions -------------------------------------------------------------------------


class OrganizationManager(models.Manager):
    def get_by_natural_key(self, name: str, country_code: str | None) -> Organization:
        return self.get(name=name, country_id=country_code)


class Organization(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("head of state or government")
        MINISTRY = "ministry", _("ministry")
        ARMED_SERVICE = "armed_service", _("armed service")
        AGENCY = "agency", _("agency")
        EMBASSY = "embassy", _("embassy")
        INTERNATIONAL_BODY = "international_body", _("international body")
        PARLIAMENT = "parliament", _("parliament")
        COMPANY = "company", _("company")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200, help_text=_("As written in the source language."))
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.MINISTRY)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        help_text=_("Empty for international bodies such as APEC or ASEAN."),
    )
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")

    objects = OrganizationManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "country"],
                name="organization_unique_name_per_country",
                violation_error_message=_("This country already has an organization with this name."),
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(country__isnull=True),
                name="organization_unique_international_name",
                violation_error_message=_("An international body with this name already exists."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="organization_not_own_parent",
                violation_error_message=_("An organization cannot be its own parent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id})" if self.country_id else self.name

    def natural_key(self) -> tuple:
        return (self.name, self.country_id)

    natural_key.dependencies = ["relations.country"]

    def clean(self) -> None:
        # Forms have no `id` field, so the organization_not_own_parent constraint is not checked before saving.
        ancestor, seen = self.parent, set()
        while ancestor is not None:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                raise ValidationError({"parent": _("An organization cannot be its own parent or ancestor.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class OfficialManager(models.Manager):
    def get_by_natural_key(self, full_name: str, country_code: str) -> Official:
        return self.get(full_name=full_name, country_id=country_code)


class ReadableJSONEncoder(json.JSONEncoder):
    """JSON with its letters as they are. SQLite keeps the text as written, and a search by name (a LIKE on that
    text) found "u0131" or a backslash in an "Aydın" written as "Ayd\\u0131n"."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


class Official(BumpsDataVersion, models.Model):
    """A person. Titles change over time and live on `Position`, not here."""

    full_name = models.CharField(_("full name"), max_length=200)
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        encoder=ReadableJSONEncoder,
        help_text=_('Other spellings of the name in news text, e.g. ["M. Herindra", "Herindra"].'),
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="officials")

    objects = OfficialManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        constraints = [
            models.UniqueConstraint(
                fields=["full_name", "country"],
                name="official_unique_name_per_country",
                violation_error_message=_("This country already has an official with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("relations:official-detail", args=[self.pk])

    def natural_key(self) -> tuple:
        return (self.full_name, self.country_id)

    natural_key.dependencies = ["relations.country"]

    @property
    def names(self) -> list[str]:
        return [self.full_name, *self.aliases]


class PositionQuerySet(models.QuerySet):
    def held_on(self, day) -> PositionQuerySet:
        """Positions whose holder was in office on `day`."""
        return self.filter(Q(started_on__isnull=True) | Q(started_on__lte=day)).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=day)
        )


class PositionManager(models.Manager.from_queryset(PositionQuerySet)):
    def get_by_natural_key(self, full_name: str, country_code: str, title_en: str, started_on) -> Position:
        return self.get(
            official__full_name=full_name, official__country_id=country_code, title_en=title_en, started_on=started_on
        )


class Position(BumpsDataVersion, models.Model):
    """An official's title at an organization from one date to another, as written in both languages."""

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="positions")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="positions"
    )
    title_id = models.CharField(_("title (Indonesian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    abbreviation = models.CharField(_("abbreviation"), max_length=30, blank=True, help_text=_("e.g. Wamenhan"))
    rank = models.PositiveSmallIntegerField(
        _("seniority"), default=5, help_text=_("1 = head of state or government … 9 = staff; used to size markers.")
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = PositionManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["official", "-started_on"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(started_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="position_ends_after_start",
                violation_error_message=_("A position cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1) & Q(rank__lte=9),
                name="position_rank_1_to_9",
                violation_error_message=_("Seniority runs from 1 to 9."),
            ),
            models.UniqueConstraint(
                fields=["official", "title_en", "started_on"],
                name="position_unique_per_official_title_start",
                violation_error_message=_("This official already has this title from this date."),
            ),
        ]
        indexes = [models.Index(fields=["abbreviation"], name="position_abbreviation_idx")]

    def __str__(self) -> str:
        return f"{self.title_en}, {self.official}"

    @property
    def title(self) -> str:
        """The title in the active language."""
        return localized(self.title_en, self.title_id)

    def natural_key(self) -> tuple:
        return (*self.official.natural_key(), self.title_en, self.started_on)

    natural_key.dependencies = ["relations.official"]

    def clean(self) -> None:
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("A position cannot end before it starts.")})


# --- Sectors -----------------------------------------------------------------------------------------------------


class SectorManager(models.Manager):
    def get_by_natural_key(self, slug: str) -> Sector:
        return self.get(slug=slug)


class Sector(BumpsDataVersion, models.Model):
    """A cooperation area. Keywords (one phrase a line) are what the extractor looks for; editors extend them."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_id = models.CharField(_("name (Indonesian)"), max_length=100)
    keywords_en = models.TextField(_("keywords (English)"), blank=True, help_text=_("One phrase per line."))
    keywords_id = models.TextField(_("keywords (Indonesian)"), blank=True, help_text=_("One phrase per line."))
    color = models.CharField(_("colour"), max_length=7, blank=True, help_text=_("Chart colour, e.g. #1f77b4."))

    objects = SectorManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="sector_not_own_parent",
                violation_error_message=_("A sector cannot be its own parent."),
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    def get_absolute_url(self) -> str:
        return reverse("relations:sector-detail", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def name(self) -> str:
        """The name in the active language."""
        return localized(self.name_en, self.name_id)

    def keywords(self, language: str) -> list[str]:
        text = self.keywords_id if language == "id" else self.keywords_en
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self) -> None:
        ancestor, seen = self.parent, set()
        while ancestor is not None:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                raise ValidationError({"parent": _("A sector cannot be its own ancestor.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


# --- Meetings ----------------------------------------------------------------------------------------------------


class MeetingQuerySet(models.QuerySet):
    # Meetings moved per pair of statements (their sides, then them): a bounded list of keys on every database.
    MOVE_BATCH = 5_000

    def involving(self, country_code: str) -> MeetingQuerySet:
        return self.filter(countries__country_id=country_code)

    def update(self, **kwargs) -> int:
        """QuerySet.update that keeps what `Meeting.save` keeps: the sides' copy of the date, written first (the
        summaries' triggers on meetings read it), and the pages' data version (a queryset update sends no signal).

        A new date given as an expression (F("held_on") + ..., an annotation of this queryset) is worked out once per
        meeting, then written to its sides and to it by key; the other fields' values are written as given, so an
        expression among them may name the meeting's fields but not this queryset's annotations. Unlike `save`, no
        date is moved to the first day of its month or year: an update stores what it is given."""
        count = self._move(kwargs) if "held_on" in kwargs else super().update(**kwargs)
        if count:
            bump_on_commit(self.db)
        return count

    def _move(self, kwargs: dict) -> int:
        # Django's own checks and choice of database for an update.
        self._not_support_combined_queries("update")
        if self.query.is_sliced:
            raise TypeError("Cannot update a query once a slice has been taken.")
        self._for_write = True
        using = self.db
        date = kwargs["held_on"]
        if not hasattr(date, "resolve_expression"):
            date = Value(date, output_field=self.model._meta.get_field("held_on"))
        with transaction.atomic(using=using):
            # The meetings and their new dates are read after the writers ahead have committed and before the next
            # ones start: what is read is what gets written (relations/summaries.py).
            summaries.take_turn(using)
            moves = dict(self.annotate(relations_moved_to=date).values_list("pk", "relations_moved_to"))
            if not moves:
                return super().update(**kwargs)  # nothing to move; Django still checks the fields named
            field = self.model._meta.get_field("held_on")
            by_date: dict = {}
            for key, day in moves.items():
                # A date plus a duration comes back as a timestamp on PostgreSQL: the day, as the column holds it.
                by_date.setdefault(field.to_python(day), []).append(key)
            meetings = self.model._base_manager.using(using)
            count = 0
            for day, keys in by_date.items():
                for start in range(0, len(keys), self.MOVE_BATCH):
                    batch = keys[start : start + self.MOVE_BATCH]
                    sides = MeetingCountry.objects.using(using).filter(meeting_id__in=batch)
                    sides.exclude(held_on=day).update(held_on=day)
                    count += models.QuerySet.update(meetings.filter(pk__in=batch), **{**kwargs, "held_on": day})
        return count


class Meeting(BumpsDataVersion, models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    class Kind(models.TextChoices):
        COURTESY_CALL = "courtesy_call", _("courtesy call")
        BILATERAL_MEETING = "bilateral_meeting", _("bilateral meeting")
        OFFICIAL_VISIT = "official_visit", _("official or state visit")
        VISIT = "visit", _("working visit")
        DELEGATION_VISIT = "delegation_visit", _("delegation visit")
        DIALOGUE_2PLUS2 = "dialogue_2plus2", _("2+2 dialogue")
        JOINT_COMMISSION = "joint_commission", _("joint commission")
        JOINT_COMMITTEE = "joint_committee", _("joint committee")
        PHONE_CALL = "phone_call", _("phone or video call")
        AGREEMENT_SIGNING = "agreement_signing", _("agreement signing")
        MULTILATERAL_RECEPTION = "multilateral_reception", _("reception")
        OTHER = "other", _("other")

    held_on = models.DateField(
        _("date"),
        help_text=_("With a month or year precision, the first day of it."),
        validators=[validate_meeting_date],
    )
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.HELD)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.BILATERAL_MEETING)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    venue_country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("venue country")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            models.Index(F("held_on").desc(), F("id").desc(), name="meeting_date_desc_idx"),
            models.Index(fields=["kind", "held_on"], name="meeting_kind_date_idx"),
            models.Index(fields=["status", "held_on"], name="meeting_status_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(held_on__gte=EARLIEST_DATE, held_on__lt=END_OF_DATES),
                name="meeting_date_in_range",
                violation_error_message=_("A meeting date must be between 1900 and 2099."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def save(self, *args, **kwargs) -> None:
        held_on = first_day(self.held_on, self.date_precision)
        if held_on != self.held_on:  # written whatever else is saved: the country rows below copy it
            self.held_on, kwargs = held_on, with_field(kwargs, "held_on")
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(Meeting, instance=self)):
            # The country rows carry the date so that "meetings with X by date" is one index scan. Written first:
            # the summaries' trigger on the meeting's row reads them (relations/summaries.py).
            if self.pk is not None:  # a new meeting has none; one built with its key may have
                self.countries.exclude(held_on=self.held_on).update(held_on=self.held_on)
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("relations:meeting-detail", args=[self.pk])

    @property
    def host_country(self) -> Country | None:
        return next((c.country for c in self.countries.all() if c.role == MeetingCountry.Role.HOST), None)

    @property
    def partner_countries(self) -> list[Country]:
        return [c.country for c in self.countries.all() if c.role == MeetingCountry.Role.PARTNER]


class MeetingCountry(BumpsDataVersion, models.Model):
    """A side of a meeting. One row per country and meeting, so a host can never also be a partner."""

    class Role(models.TextChoices):
        HOST = "host", _("host")
        PARTNER = "partner", _("partner")

    # No index of their own: `meeting_country_once` (meeting, country) and `meeting_country_date_idx` (country,
    # held_on) lead with them.
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="countries", db_index=False)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="meeting_sides", db_index=False)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.PARTNER)
    held_on = models.DateField(editable=False, help_text="Copy of the meeting's date, for the country-date index.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-role", "country"]
        verbose_name = _("meeting country")
        verbose_name_plural = _("meeting countries")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "country"],
                name="meeting_country_once",
                violation_error_message=_("A country can take only one side of a meeting: host or partner."),
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(role="host"),
                name="meeting_one_host",
                violation_error_message=_("A meeting has at most one host country."),
            ),
        ]
        indexes = [models.Index(fields=["country", "held_on"], name="meeting_country_date_idx")]

    def __str__(self) -> str:
        return f"{self.country_id} ({self.role})"

    def save(self, *args, **kwargs) -> None:
        self.held_on = self.meeting.held_on
        super().save(*args, **kwargs)


class Participant(BumpsDataVersion, models.Model):
    class Role(models.TextChoices):
        PRINCIPAL = "principal", _("principal")
        ACCOMPANYING = "accompanying", _("accompanying")
        MENTIONED = "mentioned", _("mentioned")

    # No index of their own: `participant_once_per_meeting` (meeting, official) and `participant_official_idx`
    # (official, meeting) lead with them.
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants", db_index=False)
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="participations", db_index=False)
    position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        help_text=_("The post the official held at the time of the meeting."),
    )
    side = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("side"),
        help_text=_("The country the official represented at the meeting."),
    )
    role = models.CharField(_("role"), max_length=15, choices=Role.choices, default=Role.PRINCIPAL)
    title_as_written = models.CharField(_("title as written"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "role", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "official"],
                name="participant_once_per_meeting",
                violation_error_message=_("This official is already a participant of this meeting."),
            ),
        ]
        indexes = [models.Index(fields=["official", "meeting"], name="participant_official_idx")]

    def __str__(self) -> str:
        return f"{self.official} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.position_id and self.official_id and self.position.official_id != self.official_id:
            raise ValidationError({"position": _("This position belongs to another official.")})


class MeetingSector(BumpsDataVersion, models.Model):
    """A cooperation area a meeting discussed, with the sentence that says so and the article it is in."""

    # No index of their own: `meeting_sector_once` (meeting, sector) and `meeting_sector_sector_idx` (sector,
    # meeting) lead with them.
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sectors", db_index=False)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="meeting_links", db_index=False)
    evidence = models.TextField(_("evidence"), blank=True, help_text=_("The sentence of the source that says so."))
    article = models.ForeignKey(
        "Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="sector_evidence"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "sector"]
        verbose_name = _("meeting sector")
        verbose_name_plural = _("meeting sectors")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "sector"],
                name="meeting_sector_once",
                violation_error_message=_("This sector is already linked to this meeting."),
            ),
        ]
        indexes = [models.Index(fields=["sector", "meeting"], name="meeting_sector_sector_idx")]

    def __str__(self) -> str:
        return str(self.sector)


# --- Sources -----------------------------------------------------------------------------------------------------


class ArticleManager(models.Manager):
    def get_by_natural_key(self, content_hash: str) -> Article:
        return self.get(content_hash=content_hash)


class Article(BumpsDataVersion, models.Model):
    """A source text. The same text twice is one article (content hash); one article may report many meetings."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending: waiting for the queue")
        QUEUED = "queued", _("queued")
        PROCESSING = "processing", _("extracting")
        PROPOSED = "proposed", _("proposal ready for review")
        APPROVED = "approved", _("approved")
        FAILED = "failed", _("failed")

    url = models.URLField(_("source URL"), max_length=1000, blank=True)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    text = models.TextField(_("full text"))
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True, editable=False)
    # Compared with a new article's to find its near-duplicates without reading every recent text; empty on
    # articles stored before it existed, whose texts are compared instead. Derived from the text, so left out of
    # fixtures and dumps.
    signature = models.BinaryField(_("similarity signature"), null=True, blank=True, serialize=False)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="near_duplicates",
        help_text=_("A near-identical article this one repeats."),
    )
    meetings = models.ManyToManyField(Meeting, related_name="articles", blank=True, verbose_name=_("meetings"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    status_message = models.TextField(_("status message"), blank=True)
    proposal = models.JSONField(_("proposal"), null=True, blank=True, help_text=_("What extraction proposed."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleManager()
    history = HistoricalRecords(excluded_fields=["text", "proposal", "signature"])

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "created_at"], name="article_status_idx"),
            # Intake's near-duplicate search reads the most recent articles first (intake.find_near_duplicate).
            models.Index(fields=["created_at"], name="article_created_idx"),
            # And on PostgreSQL article_latest_idx, for a partner page's latest articles (migration 0013).
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(duplicate_of=F("id")),
                name="article_not_duplicate_of_itself",
                violation_error_message=_("An article cannot be a near-duplicate of itself."),
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"Article {self.pk}"

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "text" not in update_fields:  # a status change, say: the text stays
            super().save(*args, **kwargs)
            return
        self.text = normalize_text(self.text)
        digest = content_hash(self.text)
        if digest != self.content_hash or self.signature is None:  # a new or edited text, or one never signed
            self.signature = text_signature(self.text)
        self.content_hash = digest
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "content_hash", "signature"}
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple[str]:
        return (self.content_hash,)

    def changes_cached_pages(self) -> bool:
        # The cached pages show articles through the meetings they report, and a row not yet stored reports none:
        # whoever links a new article to meetings bumps the version. A bulk import no longer empties the
        # dashboard's cache once per article.
        return not self._state.adding

    def clean_fields(self, exclude=None) -> None:
        # Here rather than in clean(): a form whose own check refused the text (a text stored already) excludes it,
        # and the instance, holding no text, would get this error too.
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if "text" not in (exclude or ()) and "text" not in errors and not normalize_text(self.text or ""):
            errors["text"] = [_("An article needs its text.")]
        if errors:
            raise ValidationError(errors)

    def clean(self) -> None:
        if self.pk is not None and self.duplicate_of_id == self.pk:
            raise ValidationError({"duplicate_of": _("An article cannot be a near-duplicate of itself.")})


# Open commitments before the others (fulfilled, lapsed), as lists of commitments put them; the CASE that
# commitment_open_first_idx (migration 0013) holds.
OPEN_FIRST = models.Case(models.When(status="open", then=models.Value(0)), default=models.Value(1))


class Commitment(BumpsDataVersion, models.Model):
    """What a meeting promised or planned, and whether a later meeting kept it."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        EXPLORE = "explore", _("agreement to explore cooperation")
        MOU = "mou", _("MoU or agreement")
        PLANNED_VISIT = "planned_visit", _("planned visit")
        PLANNED_MEETING = "planned_meeting", _("planned meeting or event")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        FULFILLED = "fulfilled", _("fulfilled")
        LAPSED = "lapsed", _("lapsed")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("description"))
    evidence = models.TextField(_("evidence"), blank=True)
    due_on = models.DateField(
        _("due"),
        null=True,
        blank=True,
        help_text=_("With month precision, the first day."),
        validators=[validate_due_date],
    )
    due_precision = models.CharField(
        _("due precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    fulfilled_by = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fulfilled_commitments",
        verbose_name=_("fulfilled by"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(fulfilled_by=F("meeting")),
                name="commitment_not_fulfilled_by_itself",
                violation_error_message=_("A commitment is fulfilled by a later meeting, not by its own."),
            ),
            models.CheckConstraint(
                condition=Q(fulfilled_by__isnull=True) | Q(status="fulfilled"),
                name="commitment_fulfilling_meeting_means_fulfilled",
                violation_error_message=_("Only a fulfilled commitment names the meeting that fulfilled it."),
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=EARLIEST_DATE, due_on__lt=END_OF_DATES),
                name="commitment_due_in_range",
                violation_error_message=_("A due date must be between 1900 and 2099."),
            ),
        ]
        # And on PostgreSQL commitment_open_first_idx, for a partner page's list (migration 0013).
        indexes = [models.Index(fields=["status", "due_on"], name="commitment_status_due_idx")]

    def __str__(self) -> str:
        return self.description[:80]

    def save(self, *args, **kwargs) -> None:
        due_on = first_day(self.due_on, self.due_precision)
        if due_on != self.due_on:
            self.due_on, kwargs = due_on, with_field(kwargs, "due_on")
        super().save(*args, **kwargs)

    def is_overdue(self, today: dt.date) -> bool:
        """Open and its due day, month or year over: one due "December 2026" is overdue from January 2027."""
        return (
            self.status == self.Status.OPEN
            and self.due_on is not None
            and self.due_on < first_day(today, self.due_precision)
        )

    @classmethod
    def overdue(cls, today: dt.date) -> Q:
        """`is_overdue` as a condition: the due date before the first day of today's day, month or year."""
        periods = Q()
        for precision in DatePrecision.values:
            periods |= Q(due_precision=precision, due_on__lt=first_day(today, precision))
        return Q(status=cls.Status.OPEN) & periods

    def clean(self) -> None:
        # Forms that set `meeting` themselves (the admin's inline) leave it out of the constraint's own check.
        if self.fulfilled_by_id is not None and self.fulfilled_by_id == self.meeting_id:
            raise ValidationError({"fulfilled_by": _("A commitment is fulfilled by a later meeting, not by its own.")})


class MeetingDigest(models.Model):
    """A meeting's sides, participants and sectors as the CSV export writes them: derived, never edited.

    PostgreSQL keeps it (relations/digests.py): triggers recompute it on every write to what it shows, and delete it
    with its meeting, which is why the link to the meeting is not a foreign key.
    """

    meeting = models.OneToOneField(
        Meeting, on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True, related_name="digest"
    )
    host = models.CharField(max_length=2, blank=True)
    partners = models.TextField(blank=True)  # the other sides' codes in code point order, "; " between them
    sides = models.TextField(blank=True)  # every side's code, the host's too
    participants = models.TextField(blank=True)
    sectors = models.TextField(blank=True)

    class Meta:
        verbose_name = _("meeting digest")
        verbose_name_plural = _("meeting digests")

    def __str__(self) -> str:
        return f"digest of meeting {self.meeting_id}"


# --- Summaries (PostgreSQL) ------------------------------------------------------------------------------------------
# Counts the overview and partner pages read, kept by the database (relations/summaries.py): derived, never edited.
# Cancelled meetings are left out, as on the pages; every country is summed, the home country too (the pages leave
# it out). A meeting's sector counts under its top-level sector, NO_SECTOR where it has none. Not managed by Django:
# the migration creates them on PostgreSQL only, and neither a test's serialized database nor a flush includes them
# (the triggers count them again from what is loaded, and empty them with the tables they count).

NO_SECTOR = 0


class CountryMonth(models.Model):
    """A country's meetings in one month (the month's first day), as a side of either role."""

    country = models.ForeignKey(Country, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    month = models.DateField()
    meetings = models.PositiveIntegerField()
    first_held_on = models.DateField()
    last_held_on = models.DateField()

    class Meta:
        managed = False  # tables and triggers of PostgreSQL's alone (migration 0012)
        db_table = "relations_countrymonth"
        constraints = [models.UniqueConstraint(fields=["country", "month"], name="country_month_once")]

    def __str__(self) -> str:
        return f"{self.country_id} {self.month:%Y-%m}: {self.meetings}"


class CountryMonthSector(models.Model):
    """A country's meetings in one month on a top-level sector (or on none: NO_SECTOR)."""

    country = models.ForeignKey(Country, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    month = models.DateField()
    top_sector = models.IntegerField()
    meetings = models.PositiveIntegerField()

    class Meta:
        managed = False  # tables and triggers of PostgreSQL's alone (migration 0012)
        db_table = "relations_countrymonthsector"
        constraints = [
            models.UniqueConstraint(fields=["country", "month", "top_sector"], name="country_month_sector_once")
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.month:%Y-%m} sector {self.top_sector}: {self.meetings}"


class MonthSector(models.Model):
    """All meetings of one month on a top-level sector (or on none: NO_SECTOR), whatever their countries."""

    month = models.DateField()
    top_sector = models.IntegerField()
    meetings = models.PositiveIntegerField()

    class Meta:
        managed = False  # tables and triggers of PostgreSQL's alone (migration 0012)
        db_table = "relations_monthsector"
        constraints = [models.UniqueConstraint(fields=["month", "top_sector"], name="month_sector_once")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} sector {self.top_sector}: {self.meetings}"


class CountryOfficial(models.Model):
    """How often an official of one side took part in meetings with a country, and when last."""

    country = models.ForeignKey(Country, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    side = models.ForeignKey(Country, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    official = models.ForeignKey(Official, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    meetings = models.PositiveIntegerField()
    last_met = models.DateField()

    class Meta:
        managed = False  # tables and triggers of PostgreSQL's alone (migration 0012)
        db_table = "relations_countryofficial"
        constraints = [models.UniqueConstraint(fields=["country", "side", "official"], name="country_official_once")]

    def __str__(self) -> str:
        return f"{self.country_id}: official {self.official_id} of {self.side_id}, {self.meetings}"
