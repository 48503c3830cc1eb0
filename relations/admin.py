"""The back office: every model editable, every edit kept in its history (who, when, what changed).

Lists are paginated by `CappedCountPaginator` and never show facet counts, so that no page view counts a whole
table; the meetings list walks the `meeting_date_desc_idx` index in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from urllib.parse import quote_plus

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, models
from django.db.models import Exists, OuterRef
from django.forms.renderers import get_default_renderer
from django.urls import reverse
from django.utils.html import conditional_escape, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_reuse import InlineFormSet, ReusedFormClass, ReusedFormsetClass, ReusedInlineAdmin
from .freshness import bump_on_commit, cached
from .history import meeting_part_changes
from .memo import url_key
from .models import (
    Article,
    Commitment,
    Country,
    CountryAlias,
    DatePrecision,
    Meeting,
    MeetingCountry,
    MeetingSector,
    Official,
    Organization,
    Participant,
    Position,
    Sector,
    content_hash,
    localized,
)
from .paginators import CappedCountPaginator
from .rendering import PythonWidgetRenderer

admin.site.site_header = _("Relations Tracker administration")
admin.site.site_title = _("Relations Tracker")
admin.site.site_url = "/"


# Stand-ins for the two values that differ between the related fields of one kind (see RelatedWidgetWrapper).
NAME_MARK, WIDGET_MARK = "relationsfieldname7f3c", "relationswidget7f3c"


# (renderer, template, language, context but the name and widget) -> the markup before and after the widget.
_related_links: dict[tuple, tuple[str, str]] = {}


def related_links(renderer, template_name: str, context: dict) -> tuple[str, str]:
    """The wrapper's markup before and after its widget, the field's name written as NAME_MARK."""
    key = (id(renderer.fallback) if hasattr(renderer, "fallback") else id(renderer), template_name, get_language())
    key += tuple(sorted((k, repr(v) if isinstance(v, bool | None) else str(v)) for k, v in context.items()))
    if key not in _related_links:
        if len(_related_links) > 1000:  # bounded whatever the callers
            _related_links.clear()
        marked = {**context, "name": NAME_MARK, "rendered_widget": mark_safe(WIDGET_MARK)}
        before, after = renderer.render(template_name, marked).split(WIDGET_MARK)
        _related_links[key] = (before, after)
    return _related_links[key]


@functools.lru_cache(maxsize=1024)
def _reverse(viewname: str, args: tuple, current_app: str, script_prefix: str, urlconf: str) -> str:
    return reverse(viewname, args=args, current_app=current_app, urlconf=urlconf)


def cached_reverse(viewname: str, args: tuple = (), current_app: str | None = None) -> str:
    """reverse(), remembered: a change form asks for the same few admin URLs once per related field of every row."""
    script_prefix, urlconf = url_key()
    return _reverse(viewname, tuple(args), current_app, script_prefix, urlconf)


class RelatedWidgetWrapper(RelatedFieldWidgetWrapper):
    """Django's wrapper of a related field (its change, add, delete and view links), rendered at less cost.

    Django's renders the widget inside with the default renderer, not the form's, and the links through their
    template for every field of every inline row, though they differ between the fields of one kind by the name
    alone: they are rendered once per kind (and language), and the name written in.
    """

    @classmethod
    def replacing(cls, formfield: forms.Field | None) -> forms.Field | None:
        """`formfield` with this class in place of Django's wrapper, if it has one (same widget, same links)."""
        if formfield is not None and type(formfield.widget) is RelatedFieldWidgetWrapper:
            wrapper = cls.__new__(cls)
            wrapper.__dict__.update(formfield.widget.__dict__)
            formfield.widget = wrapper
        return formfield

    def get_related_url(self, info, action, *args):
        app_label, model_name = info
        return cached_reverse(f"admin:{app_label}_{model_name}_{action}", args, current_app=self.admin_site.name)

    def render(self, name, value, attrs=None, renderer=None):
        renderer = renderer or get_default_renderer()
        inner = self.widget
        # get_context() renders the widget inside without a renderer: hand it the form's for this call.
        inner.render = functools.partial(type(inner).render, inner, renderer=renderer)
        try:
            context = self.get_context(name, value, attrs)
        finally:
            del inner.render
        rendered_widget = context.pop("rendered_widget")
        del context["name"]
        before, after = related_links(renderer, self.template_name, context)
        name = conditional_escape(name)
        return mark_safe(before.replace(NAME_MARK, name) + rendered_widget + after.replace(NAME_MARK, name))


class AdminForm(forms.ModelForm):
    # A change form is mostly small widgets (ids, selects, empty error lists); written in Python they cost a
    # fraction of their templates (relations/rendering.py).
    default_renderer = PythonWidgetRenderer


class AdminActionForm(helpers.ActionForm):
    default_renderer = PythonWidgetRenderer


# --- Autocompletes given an id that cannot be a key ----------------------------------------------------------------
# An autocomplete queries `<key>__in` with the ids it was sent: to label the chosen rows when it renders, and (one
# for many rows) to check them. Django guards exact and greater/less-than lookups against an integer past the
# column's range, not `in`: SQLite's driver raised OverflowError, and an id that is no number raised ValueError,
# an error 500 instead of the form again. Such ids are left out of that query here, and refused as invalid choices
# (as Django's exact lookup for a single row already refuses them: no row has such a key).


def is_key(field: models.Field, value, using: str) -> bool:
    """Whether `value` may be compared with the column of `field` (a key) in the database `using`."""
    while field.is_relation:  # a key that is itself a relation (a one-to-one primary key)
        field = field.target_field
    try:
        key = field.get_prep_value(value)
    except (TypeError, ValueError, ValidationError):
        return False
    if isinstance(field, models.IntegerField) and isinstance(key, int):
        low, high = connections[using].ops.integer_field_range(field.get_internal_type())
        return (low is None or low <= key) and (high is None or key <= high)
    return True


class KeyCheckedAutocomplete:
    """An autocomplete widget that leaves out of its query the chosen values that cannot be keys (see above)."""

    def optgroups(self, name, value, attr=None):
        using = self.choices.queryset.using(self.db).db
        value = [v for v in value if is_key(self.field.target_field, v, using)]
        return super().optgroups(name, value, attr)


class KeyCheckedAutocompleteSelect(KeyCheckedAutocomplete, AutocompleteSelect):
    pass


class KeyCheckedAutocompleteSelectMultiple(KeyCheckedAutocomplete, AutocompleteSelectMultiple):
    pass


class KeyCheckedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses a value that cannot be a key as an invalid choice, before the `in` query that checks them (see above)."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        target = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for pk in value:
            if isinstance(pk, str | int) and not is_key(target, pk, self.queryset.db):  # else Django's own errors
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


class KeyCheckedAutocompletes:
    """An admin or inline whose autocompletes check their ids (see above); ChosenObjectAutocomplete's are too."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeyCheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeyCheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
            kwargs.setdefault("form_class", KeyCheckedMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class HistoryAdmin(KeyCheckedAutocompletes, ReusedInlineAdmin, ReusedFormClass, SimpleHistoryAdmin):
    """Base of every admin here: history kept on save, lists that never count a whole table."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return RelatedWidgetWrapper.replacing(super().formfield_for_dbfield(db_field, request, **kwargs))

    form = AdminForm
    action_form = AdminActionForm
    paginator = CappedCountPaginator
    show_full_result_count = False
    # Facet counts would run one COUNT per filter choice over the whole (filtered) table.
    show_facets = admin.ShowFacets.NEVER

    def action_checkbox(self, obj):
        # Django's own renders a CheckboxInput through the template engine, once per row: a fifth of a list's
        # render time. Same markup, formatted directly.
        label = gettext("Select this object for an action - {}").format(conditional_escape(obj))
        return mark_safe(
            f'<input type="checkbox" name="{helpers.ACTION_CHECKBOX_NAME}" value="{conditional_escape(obj.pk)}" '
            f'class="action-select" aria-label="{label}">'
        )

    def delete_queryset(self, request, queryset):
        # "Delete selected" deletes in bulk and calls no model delete(): tell the dashboard's cache here.
        super().delete_queryset(request, queryset)
        bump_on_commit()

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history reverts on any POST from a user who may see the history; reverting is an edit.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


# An article's columns that may run to megabytes; lists and labels need only its title.
ARTICLE_BULK_FIELDS = ["text", "proposal", "status_message"]


# Django's admin/filter.html, written in Python (relations/admin_inlines.py): a list has several filters.
FILTER_TEMPLATE = "admin/relations/filter.html"


class ChoicesFilter(admin.ChoicesFieldListFilter):
    template = FILTER_TEMPLATE


class YearListFilter(admin.SimpleListFilter):
    """Years from the first to the last meeting, found by two index lookups rather than a scan of dates."""

    title = _("year")
    parameter_name = "year"
    template = FILTER_TEMPLATE

    def lookups(self, request, model_admin):
        return cached(["admin-filter", "year"], self.years)

    @staticmethod
    def years() -> list[tuple[str, str]]:
        dates = Meeting.objects.values_list("held_on", flat=True)
        first, last = dates.order_by("held_on").first(), dates.order_by("-held_on").first()
        if first is None:
            return []
        return [(str(year), str(year)) for year in range(last.year, first.year - 1, -1)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            year = int(self.value())
            return queryset.filter(held_on__gte=dt.date(year, 1, 1), held_on__lt=dt.date(year + 1, 1, 1))
        return queryset


# What urlencode() leaves as it is.
PLAIN_VALUE = re.compile(r"[A-Za-z0-9_.~-]*")


class MeetingPartListFilter(admin.SimpleListFilter):
    """Meetings with a `part_model` row pointing at the chosen object, tested by an EXISTS.

    A join would list a meeting once per matching row, so Django would add a DISTINCT over every column of the page
    and of its count. The join filter's parameter (`former_parameter_name`) is still read: older links keep working.
    """

    part_model: type[models.Model]
    part_field: str
    former_parameter_name: str
    template = FILTER_TEMPLATE  # hundreds of countries

    def __init__(self, request, params, model, model_admin):
        if self.former_parameter_name in params:
            params.setdefault(self.parameter_name, params.pop(self.former_parameter_name))
        super().__init__(request, params, model, model_admin)

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            rows = self.part_model.objects.filter(meeting=OuterRef("pk"), **{self.part_field: self.value()})
        except (ValueError, ValidationError) as error:
            raise IncorrectLookupParameters(error) from error
        return queryset.filter(Exists(rows))

    def lookups(self, request, model_admin):
        # Hundreds of choices that change only with a write: read once per data version and language.
        return cached(["admin-filter", self.parameter_name], self.choices_from_database)

    def choices_from_database(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def choices(self, changelist):
        # Django builds each choice's query string anew (a copy, a sort and an encoding of every parameter); only
        # this filter's parameter differs between them, so the others are encoded once.
        params = sorted(changelist.filter_params.items())
        before = urlencode([(k, v) for k, v in params if k < self.parameter_name], doseq=True)
        after = urlencode([(k, v) for k, v in params if k > self.parameter_name], doseq=True)
        value = self.value()
        yield {
            "selected": value is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("All"),
        }
        name = quote_plus(self.parameter_name)
        for lookup, title in self.lookup_choices:
            lookup = str(lookup)
            # Codes and ids need no quoting; urlencode() costs more than the rest of the choice.
            own = f"{name}={lookup if PLAIN_VALUE.fullmatch(lookup) else quote_plus(lookup)}"
            yield {
                "selected": value == str(lookup),
                "query_string": "?" + "&".join(part for part in (before, own, after) if part),
                "display": title,
            }


class MeetingCountryListFilter(MeetingPartListFilter):
    """Offers only the countries that take part in some meeting, not all 249: one index probe per country."""

    title = _("country")
    parameter_name = "countries__country"
    former_parameter_name = "countries__country__code__exact"
    part_model = MeetingCountry
    part_field = "country"

    def choices_from_database(self) -> list[tuple[str, str]]:
        used = Country.objects.filter(Exists(MeetingCountry.objects.filter(country=OuterRef("pk"))))
        return [(country.pk, str(country)) for country in used]


class MeetingSectorListFilter(MeetingPartListFilter):
    title = _("sector")
    parameter_name = "sectors__sector"
    former_parameter_name = "sectors__sector__id__exact"
    part_model = MeetingSector
    part_field = "sector"

    def choices_from_database(self) -> list[tuple[str, str]]:
        return [(sector.pk, str(sector)) for sector in Sector.objects.all()]


class RowAutocompleteSelect(KeyCheckedAutocompleteSelect):
    """An autocomplete that labels its chosen row from the object its form already holds: no query per row."""

    chosen: models.Model | None = None

    def get_url(self):
        return cached_reverse(self.url_name % self.admin_site.name)

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if v not in self.choices.field.empty_values]
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        if chosen:
            row = self.chosen
            if row is None or chosen != [str(getattr(row, self.field.target_field.attname))]:
                return super().optgroups(name, value, attr)
            label = self.choices.field.label_from_instance(row)
            options.append(self.create_option(name, chosen[0], label, True, len(options)))
        # A blank row (and the template row "Add another" copies) chooses nothing: no queryset to build.
        return [(None, options, 0)]


class RowAutocompleteForm(AdminForm):
    """Hands each autocomplete the related object its instance already has (from select_related), if it has it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, RowAutocompleteSelect):
                model_field = self._meta.model._meta.get_field(name)
                if model_field.is_cached(self.instance):
                    widget.chosen = model_field.get_cached_value(self.instance)


class ChosenObjectAutocomplete:
    """An admin (or inline) whose autocompletes label their chosen object from the one the form's instance holds
    (fetched with it by `select_related`) instead of querying for it."""

    form = RowAutocompleteForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = RowAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RowAutocompleteInline(ChosenObjectAutocomplete):
    """An inline whose rows come with their related objects and whose autocompletes query nothing for them.

    `row_related` is what `select_related` fetches with the rows: every autocomplete field, and what the labels
    of those objects name (a position names its official); `row_deferred`, the big columns they need not bring.
    """

    row_related: list[str] = []
    row_deferred: list[str] = []

    def get_extra(self, request, obj=None, **kwargs):
        # A blank row helps a new meeting; on an existing one it costs a row of widgets on every view, and
        # "Add another" gives it in one click.
        return super().get_extra(request, obj, **kwargs) if obj is None else 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.row_related).defer(*self.row_deferred)

    def get_formset(self, request, obj=None, **kwargs):
        # The formset hands its renderer to its forms, overriding theirs: the same Python-written widgets.
        kwargs.setdefault("renderer", PythonWidgetRenderer.shared())
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = RelatedWidgetWrapper.replacing(super().formfield_for_dbfield(db_field, request, **kwargs))
        # The cross beside a row's official or sector would delete that official or sector everywhere, not the
        # row (the row's own "Delete" box does that); editors take it for the latter.
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            formfield.widget.can_delete_related = False
        return formfield


class TabularInline(KeyCheckedAutocompletes, ReusedFormsetClass, admin.TabularInline):
    # Django's table, written in Python rather than through its template (relations/admin_inlines.py).
    template = "admin/relations/edit_inline/tabular.html"
    formset = InlineFormSet


class StackedInline(KeyCheckedAutocompletes, ReusedFormsetClass, admin.StackedInline):
    template = "admin/relations/edit_inline/stacked.html"  # as TabularInline's
    formset = InlineFormSet


# --- Countries ---------------------------------------------------------------------------------------------------


class CountryAliasInline(TabularInline):
    model = CountryAlias
    extra = 1


@admin.register(Country)
class CountryAdmin(HistoryAdmin):
    list_display = ["code", "alpha3", "name_en", "name_id", "region"]
    list_filter = ["region"]
    search_fields = ["code", "alpha3", "name_en", "name_id", "aliases__alias"]
    inlines = [CountryAliasInline]

    def get_readonly_fields(self, request, obj=None):
        # The code is the primary key: changing it would copy the country rather than rename it.
        return ["code"] if obj else []


@admin.register(CountryAlias)
class CountryAliasAdmin(HistoryAdmin):
    list_display = ["alias", "country", "language", "kind"]
    list_filter = ["language", "kind"]
    list_select_related = ["country"]
    search_fields = ["alias", "country__name_en"]
    autocomplete_fields = ["country"]


# --- Organizations, officials, positions -------------------------------------------------------------------------


@admin.register(Organization)
class OrganizationAdmin(HistoryAdmin):
    list_display = ["name", "name_en", "abbreviation", "kind", "country", "parent"]
    list_filter = ["kind", ("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country", "parent"]
    search_fields = ["name", "name_en", "abbreviation"]
    autocomplete_fields = ["country", "parent"]


class PositionInline(RowAutocompleteInline, TabularInline):
    model = Position
    extra = 1
    fields = ["title_id", "title_en", "abbreviation", "organization", "rank", "started_on", "ended_on"]
    autocomplete_fields = ["organization"]
    row_related = ["organization", "official"]  # a position is named by its official too


@admin.register(Official)
class OfficialAdmin(HistoryAdmin):
    list_display = ["full_name", "country", "alias_list"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country"]
    search_fields = ["full_name", "aliases"]
    autocomplete_fields = ["country"]
    inlines = [PositionInline]

    @admin.display(description=_("aliases"))
    def alias_list(self, official: Official) -> str:
        return ", ".join(official.aliases)


@admin.register(Position)
class PositionAdmin(HistoryAdmin):
    list_display = ["official", "title_en", "abbreviation", "organization", "started_on", "ended_on", "rank"]
    list_filter = ["rank", ("started_on", admin.DateFieldListFilter)]
    list_select_related = ["official", "organization"]
    search_fields = ["title_en", "title_id", "abbreviation", "official__full_name"]
    autocomplete_fields = ["official", "organization"]

    def get_queryset(self, request):
        # A position's name includes its official's: needed by the autocomplete as much as by the list.
        return super().get_queryset(request).select_related("official")


# --- Sectors -----------------------------------------------------------------------------------------------------


@admin.register(Sector)
class SectorAdmin(HistoryAdmin):
    list_display = ["name_en", "name_id", "slug", "parent", "subsectors"]
    list_filter = ["parent"]
    list_select_related = ["parent"]
    search_fields = ["slug", "name_en", "name_id", "keywords_en", "keywords_id"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name_en"]}
    fields = ["slug", "parent", "name_en", "name_id", "color", "keywords_en", "keywords_id", "subsectors"]
    readonly_fields = ["subsectors"]

    # A sector's slug is its key: in page URLs, in the fixtures (natural key) and in the CSV export of every meeting
    # linked to it, whose stored digests a change would rewrite (hundreds of thousands of rows at scale, in the
    # request). It is set once, when the sector is added.
    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "slug"] if obj else fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else super().get_prepopulated_fields(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("children")

    @admin.display(description=_("subsectors"))
    def subsectors(self, sector: Sector) -> str:
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:relations_sector_change", args=[child.pk]), child) for child in sector.children.all()),
        )


# --- Meetings ----------------------------------------------------------------------------------------------------


class MeetingCountryFormSet(InlineFormSet):
    """The one-host rule across the rows of the form, and saved in an order that never breaks it midway."""

    def clean(self) -> None:
        # An inline leaves the meeting out of each row's own constraint checks, so the rule is checked here.
        super().clean()
        hosts = [
            form
            for form in self.forms
            if form.cleaned_data.get("role") == MeetingCountry.Role.HOST and not self._should_delete_form(form)
        ]
        if len(hosts) > 1:
            raise ValidationError(_("A meeting has at most one host country."))
        partners = [
            form
            for form in self.forms
            if form.cleaned_data.get("country") is not None
            # (a row shown read-only holds the stored code, not a country)
            and getattr(form.cleaned_data["country"], "pk", form.cleaned_data["country"]) != settings.HOME_COUNTRY
            and not self._should_delete_form(form)
        ]
        if not partners:
            # A partner is any country but the home one, host or not (a meeting abroad may list its host alone).
            # With none, the meeting would vanish from every country's page and chart, as approvals refuse it.
            raise ValidationError(_("Every meeting needs at least one partner country."))

    def save(self, commit: bool = True):
        if commit:
            # Rows are saved one by one, partners first: a partner becoming host would meet the old host, so the
            # old host steps down first. Its own save then records the change in its history.
            stepping_down = [
                form.instance.pk
                for form in self.initial_forms
                if self._should_delete_form(form) or form.cleaned_data.get("role") != MeetingCountry.Role.HOST
            ]
            MeetingCountry.objects.filter(pk__in=stepping_down, role=MeetingCountry.Role.HOST).update(
                role=MeetingCountry.Role.PARTNER
            )
        return super().save(commit)


class MeetingCountryInline(RowAutocompleteInline, TabularInline):
    model = MeetingCountry
    formset = MeetingCountryFormSet
    extra = 1
    # Named, so that Django need not build a whole formset class per request to find them out.
    fields = ["country", "role"]
    autocomplete_fields = ["country"]
    row_related = ["country"]
    verbose_name = _("country side")
    verbose_name_plural = _("countries: host and partners")


def meeting_sides(meeting: Meeting | None) -> set[str]:
    """Codes of the countries a stored meeting has."""
    if meeting is None or meeting.pk is None:
        return set()
    return set(meeting.countries.values_list("country_id", flat=True))


def check_side(form: forms.ModelForm, sides: set[str]) -> str | None:
    """A participant represents one of the meeting's countries (the dashboard counts who met whom by side), or the
    home country, which takes part in every meeting whether or not it is listed among them (a meeting hosted abroad
    lists the host alone).
    The error goes on the row's side; a row shown read-only (a user who may only view participants) has no field
    to carry it, and its message is returned for the table to show."""
    side = form.cleaned_data.get("side")
    # Read-only rows hold the stored value as it was shown (a code), not a country.
    shown = side is None or isinstance(side, models.Model)
    if not shown:
        side = form.instance.side if form.instance.side_id else None
    if side is None or side.pk in sides or side.pk == settings.HOME_COUNTRY:
        return None
    message = _("%(country)s is not one of this meeting's countries: add it to the meeting's countries first.")
    if not shown:
        return message % {"country": side}
    form.add_error("side", message % {"country": side})
    return None


class ParticipantFormSet(InlineFormSet):
    """Participants whose side is one of the meeting's countries as the same form submits them (its countries
    table, saved with it), or as stored when the form has no editable countries table."""

    def submitted_sides(self) -> set[str] | None:
        prefix = MeetingCountryInline.model._meta.get_field("meeting").remote_field.get_accessor_name()
        try:
            total = min(int(self.data[f"{prefix}-TOTAL_FORMS"]), self.absolute_max)
        except (KeyError, TypeError, ValueError):
            return None
        rows = [f"{prefix}-{index}" for index in range(total)]
        if not any(f"{row}-country" in self.data for row in rows):
            return None  # shown read-only (a user who may not change them): the stored ones stand
        ticked = forms.CheckboxInput().value_from_datadict  # "on", "true"... as the DELETE field reads them
        return {
            self.data[f"{row}-country"]
            for row in rows
            if self.data.get(f"{row}-country") and not ticked(self.data, self.files, f"{row}-DELETE")
        }

    def clean(self) -> None:
        super().clean()
        stored = meeting_sides(self.instance)
        submitted = self.submitted_sides()
        sides = stored if submitted is None else submitted
        leaving = stored - sides
        unshown = []
        for form in self.forms:
            if self._should_delete_form(form) or not (form.has_changed() or form.instance.pk):
                continue
            # A row left as it was is judged again only when its own country leaves the meeting: an editor fixes
            # one thing at a time, and rows stored before the rule are not refused for what they already were.
            if form.has_changed() or form.instance.side_id in leaving:
                unshown.append(check_side(form, sides))
        if any(unshown):
            raise ValidationError([message for message in unshown if message])


class ParticipantInline(RowAutocompleteInline, TabularInline):
    model = Participant
    formset = ParticipantFormSet
    extra = 1
    fields = ["official", "position", "side", "role", "title_as_written"]
    autocomplete_fields = ["official", "position", "side"]
    row_related = ["official", "position__official", "side"]
    # The model's order without its leading "meeting": one meeting's rows need no join to the meeting to sort.
    ordering = ["role", "id"]


class MeetingSectorInline(RowAutocompleteInline, TabularInline):
    model = MeetingSector
    extra = 1
    fields = ["sector", "evidence", "article"]
    autocomplete_fields = ["sector", "article"]
    row_related = ["sector", "article"]
    # The model's order less its leading "meeting" (see ParticipantInline): "sector" sorts by the sector's name
    # through the join select_related makes anyway.
    ordering = ["sector"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}
    row_deferred = [f"article__{name}" for name in ARTICLE_BULK_FIELDS]


class CommitmentInline(RowAutocompleteInline, StackedInline):
    model = Commitment
    fk_name = "meeting"
    extra = 0
    fields = ["kind", "description", "evidence", ("due_on", "due_precision"), "status", "fulfilled_by"]
    autocomplete_fields = ["fulfilled_by"]
    row_related = ["fulfilled_by"]


class SourceArticleInline(RowAutocompleteInline, TabularInline):
    model = Article.meetings.through
    extra = 1
    fields = ["article"]  # as above
    autocomplete_fields = ["article"]
    row_related = ["article"]
    row_deferred = [f"article__{name}" for name in ARTICLE_BULK_FIELDS]
    verbose_name = _("source article")
    verbose_name_plural = _("source articles")
    classes = ["source-articles"]

    class Media:
        css = {"all": ["relations/admin.css"]}


class MeetingChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # The host and partner columns need a name per side: one query for the page's meetings, read as
        # (meeting, role, names) rows. A prefetch built a side and a country instance for each (a fifth of the page).
        rows = (
            MeetingCountry.objects.filter(meeting__in=[meeting.pk for meeting in self.result_list])
            .values_list("meeting_id", "role", "country__name_en", "country__name_id")
            .order_by("meeting_id", "-role", "country__name_en")
        )
        sides: dict[int, list[tuple[str, str]]] = {}
        for meeting_id, role, name_en, name_id in rows:
            sides.setdefault(meeting_id, []).append((role, localized(name_en, name_id)))
        for meeting in self.result_list:
            meeting.listed_sides = sides.get(meeting.pk, [])


@admin.register(Meeting)
class MeetingAdmin(ChosenObjectAutocomplete, HistoryAdmin):
    list_display = ["date", "title", "kind", "status", "host", "partners", "place"]
    list_display_links = ["date", "title"]
    list_filter = [
        ("status", ChoicesFilter),
        ("kind", ChoicesFilter),
        YearListFilter,
        MeetingCountryListFilter,
        MeetingSectorListFilter,
    ]
    search_fields = ["title", "place", "summary"]
    # Half of Django's 100: editors reach a meeting by search and filters, not by scrolling a list sorted by date,
    # and every row costs render time (eight cells, a checkbox, two links).
    list_per_page = 50
    # Walks meeting_date_desc_idx (-held_on, -id); "-id" also makes the order total, so Django adds nothing.
    ordering = ["-held_on", "-id"]
    autocomplete_fields = ["venue_country"]
    fieldsets = [
        (None, {"fields": [("held_on", "date_precision"), ("status", "kind"), "title", "summary"]}),
        (_("Place"), {"fields": [("place", "venue_country")]}),
        (_("Record"), {"fields": [("created_at", "updated_at")], "classes": ["collapse"]}),
    ]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MeetingCountryInline, ParticipantInline, MeetingSectorInline, CommitmentInline, SourceArticleInline]
    object_history_template = "admin/relations/meeting/object_history.html"

    def get_queryset(self, request):
        # The change form's venue autocomplete labels the meeting's country from the meeting itself.
        return super().get_queryset(request).select_related("venue_country")

    def get_search_results(self, request, queryset, search_term):
        # Lists and the meeting autocompletes of other admins show no venue: no join for it across the whole table.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.select_related(None), may_have_duplicates

    def get_changelist(self, request, **kwargs):
        return MeetingChangeList

    def history_view(self, request, object_id, extra_context=None):
        # Sides, participants, sectors and commitments keep their own history; the meeting's page shows it too.
        context = {"part_changes": meeting_part_changes(object_id), **(extra_context or {})}
        return super().history_view(request, object_id, context)

    @admin.display(description=_("date"), ordering="held_on")
    def date(self, meeting: Meeting) -> str:
        formats = {DatePrecision.YEAR: "%Y", DatePrecision.MONTH: "%Y-%m"}
        return meeting.held_on.strftime(formats.get(meeting.date_precision, "%Y-%m-%d"))

    @admin.display(description=_("host"))
    def host(self, meeting: Meeting) -> str:
        return next((name for role, name in self.side_names(meeting) if role == MeetingCountry.Role.HOST), "")

    @admin.display(description=_("partners"))
    def partners(self, meeting: Meeting) -> str:
        return ", ".join(name for role, name in self.side_names(meeting) if role == MeetingCountry.Role.PARTNER)

    @staticmethod
    def side_names(meeting: Meeting) -> list[tuple[str, str]]:
        """(role, country name) of each side, in the sides' own order: as MeetingChangeList read them for its page."""
        listed = getattr(meeting, "listed_sides", None)
        if listed is None:
            sides = meeting.countries.select_related("country").order_by("-role", "country__name_en")
            listed = [(side.role, side.country.name) for side in sides]
        return listed


def last_partner_leaving(meeting_id: int, leaving: list[int]) -> str | None:
    """Why the sides `leaving` may not leave meeting `meeting_id`: no partner country (any but the home one, host
    or not) would be left."""
    others = MeetingCountry.objects.filter(meeting_id=meeting_id).exclude(country_id=settings.HOME_COUNTRY)
    if others.exclude(pk__in=leaving).exists():
        return None
    return gettext("“%(meeting)s” would have no partner country left.") % {
        "meeting": Meeting.objects.get(pk=meeting_id)
    }


def side_represented(side: MeetingCountry) -> str | None:
    """Why `side`'s country may not leave its meeting: participants represent it (the home country's may always
    leave: its officials take part in every meeting, listed or not)."""
    if side.country_id == settings.HOME_COUNTRY:
        return None
    if not Participant.objects.filter(meeting_id=side.meeting_id, side_id=side.country_id).exists():
        return None
    values = {"country": side.country, "meeting": side.meeting}
    return gettext("Participants of “%(meeting)s” represent %(country)s.") % values


def sides_needed(sides: list[MeetingCountry]) -> list[str]:
    """Why these countries may not leave their meetings (the rules the meeting's own form keeps)."""
    leaving = [side.pk for side in sides]
    partners_leaving = {side.meeting_id for side in sides if side.country_id != settings.HOME_COUNTRY}
    reasons = [last_partner_leaving(meeting_id, leaving) for meeting_id in partners_leaving]
    reasons += [side_represented(side) for side in sides]
    return [reason for reason in reasons if reason]


class MeetingCountryForm(AdminForm):
    """A side edited alone keeps its meeting's rules: a partner left, and the sides its participants represent."""

    def clean(self):
        data = super().clean()
        if self.instance.pk is None or self.errors:
            return data
        stored = MeetingCountry.objects.select_related("meeting", "country").get(pk=self.instance.pk)
        moved = data["meeting"].pk != stored.meeting_id
        reasons = []
        foreign = stored.country_id != settings.HOME_COUNTRY
        if foreign and (moved or data["country"].pk == settings.HOME_COUNTRY):
            reasons.append(last_partner_leaving(stored.meeting_id, [stored.pk]))
        if moved or data["country"].pk != stored.country_id:
            reasons.append(side_represented(stored))
        reasons = [reason for reason in reasons if reason]
        if reasons:
            raise ValidationError(reasons)
        return data


@admin.register(MeetingCountry)
class MeetingCountryAdmin(HistoryAdmin):
    form = MeetingCountryForm
    list_display = ["meeting", "country", "role", "held_on"]
    list_filter = ["role"]
    list_select_related = ["meeting", "country"]
    # The model's order (role, then country name) sorts the whole table; the newest rows first walk the key.
    ordering = ["-id"]
    search_fields = ["meeting__title", "country__name_en"]
    autocomplete_fields = ["meeting", "country"]

    def get_deleted_objects(self, objs, request):
        # Reasons given as what protects the rows: Django's delete page (and "delete selected") then refuses.
        deleted, counts, permissions_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, permissions_needed, [*protected, *sides_needed(list(objs))]


class ParticipantForm(AdminForm):
    def clean(self):
        data = super().clean()
        if self.has_changed() and data.get("meeting") is not None:
            check_side(self, meeting_sides(data["meeting"]))
        return data


@admin.register(Participant)
class ParticipantAdmin(HistoryAdmin):
    form = ParticipantForm
    list_display = ["official", "meeting", "side", "role", "position"]
    list_filter = ["role"]
    list_select_related = ["official", "meeting", "side", "position__official"]
    search_fields = ["official__full_name", "meeting__title", "title_as_written"]
    autocomplete_fields = ["meeting", "official", "position", "side"]


@admin.register(MeetingSector)
class MeetingSectorAdmin(HistoryAdmin):
    list_display = ["meeting", "sector", "article"]
    list_filter = ["sector"]
    search_fields = ["meeting__title", "evidence"]
    autocomplete_fields = ["meeting", "sector", "article"]

    def get_queryset(self, request):
        # The article's name is its title: its full text stays in the database.
        return (
            super()
            .get_queryset(request)
            .select_related("meeting", "sector", "article")
            .defer("article__text", "article__proposal")
        )


@admin.register(Commitment)
class CommitmentAdmin(HistoryAdmin):
    list_display = ["__str__", "meeting", "kind", "due_on", "status", "fulfilled_by"]
    list_filter = ["status", "kind", ("due_on", admin.DateFieldListFilter)]
    list_select_related = ["meeting", "fulfilled_by"]
    # The model's order (due date) sorts the whole table on every page; the newest rows first walk the key.
    ordering = ["-id"]
    search_fields = ["description", "meeting__title"]
    autocomplete_fields = ["meeting", "fulfilled_by"]


# --- Sources -----------------------------------------------------------------------------------------------------


class ArticleForm(AdminForm):
    class Meta:
        model = Article
        fields = ["title", "url", "outlet", "language", "published_on", "text", "meetings", "duplicate_of", "status"]

    def clean_text(self) -> str:
        # The hash is unique in the database; say which article holds the text instead of failing on save.
        text = self.cleaned_data["text"]
        same = Article.objects.filter(content_hash=content_hash(text)).exclude(pk=self.instance.pk).first()
        if same:
            message = _("This text is already stored as the article “%(article)s”.")
            raise ValidationError(message, params={"article": same})
        return text


class ArticleChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        # A list row needs the title, not a text that may run to megabytes.
        return super().get_queryset(request, exclude_parameters).defer(*ARTICLE_BULK_FIELDS)


@admin.register(Article)
class ArticleAdmin(HistoryAdmin):
    form = ArticleForm
    list_display = ["__str__", "outlet", "language", "published_on", "status"]
    list_filter = ["status", "language", ("published_on", admin.DateFieldListFilter)]
    search_fields = ["title", "url", "outlet"]
    # The model's order (publication date, not indexed) sorts every article on every page; the newest stored
    # first walk the key. The column headers still sort by date.
    ordering = ["-id"]
    autocomplete_fields = ["meetings", "duplicate_of"]
    fieldsets = [
        (None, {"fields": ["title", "url", "outlet", ("language", "published_on"), "text"]}),
        (_("Reported meetings"), {"fields": ["meetings", "duplicate_of"]}),
        (_("Extraction"), {"fields": ["status", "status_message", "proposal", "content_hash"]}),
    ]
    readonly_fields = ["proposal", "content_hash"]

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def save_related(self, request, form, formsets, change) -> None:
        # The meetings an article reports are written after it, and a new article's own insert bumps nothing
        # (models.Article.changes_cached_pages): the pages that list it through those meetings are told here.
        super().save_related(request, form, formsets, change)
        bump_on_commit()


# --- Accounts ----------------------------------------------------------------------------------------------------

# The groups made by migration 0002; only staff may enter the admin, so their members are staff.
STAFF_GROUPS = ["Editor", "Viewer"]


class UserAdmin(auth_admin.UserAdmin):
    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        if not user.is_staff and user.groups.filter(name__in=STAFF_GROUPS).exists():
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            message = _("“%(user)s” is now staff, as every editor and viewer must be.")
            self.message_user(request, message % {"user": user})


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
