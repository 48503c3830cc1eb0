"""The meetings list's filters, read from the query string so that every filtered view can be bookmarked and shared.

Relations to other tables are tested with Exists() subqueries rather than joins: a meeting linked to several of the
chosen sectors (or countries, or officials) still comes out once, with no DISTINCT to undo the join.
"""

from __future__ import annotations

import functools
import operator
import re

import django_filters
from django import forms
from django.db import connection, connections, router
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .freshness import cached
from .models import Article, Country, Meeting, MeetingCountry, MeetingSector, Official, Participant, Sector
from .rendering import PythonWidgetRenderer
from .time_limits import StatementTimeout, statement_time_limit
from .widgets import RememberedCheckboxes, RememberedSelectMultiple

# A free-text query is cut into at most this many terms, so that one request cannot ask for hundreds of subqueries.
MAX_TEXT_TERMS = 8
# A later word of a free-text query held by at least this many article texts is common: tested on each meeting the
# first word finds rather than gathered whole (MeetingFilter.filter_text). Finding out costs at most the time limit.
COMMON_TERM_TEXTS = 500
COMMON_TERM_PROBE_MS = 200


def sector_and_descendants(sectors) -> set[int]:
    """Ids of the given sectors and of every sector below them (the whole tree is small: one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Sector.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, todo = set(), [sector.pk for sector in sectors]
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children.get(pk, []))
    return found


def text_terms(text: str) -> list[str]:
    """Words of a free-text query; "quoted phrases" stay together."""
    terms = [quoted or word for quoted, word in re.findall(r'"([^"]+)"|(\S+)', text)]
    return [term.strip() for term in terms if term.strip()][:MAX_TEXT_TERMS]


def holds(field: str, term: str) -> Q:
    """`<field>__icontains=term`. SQLite's LIKE ignores the case of ASCII letters only ("çelik" missed "Çelik"): there
    a term with other letters is also looked for as written in its usual cases. PostgreSQL's is Unicode-aware."""
    condition = Q(**{f"{field}__icontains": term})
    if not term.isascii() and connections[router.db_for_read(Meeting)].vendor == "sqlite":
        for variant in sorted({term.lower(), term.upper(), term.capitalize(), term.title()} - {term}):
            condition |= Q(**{f"{field}__icontains": variant})
    return condition


def officials_named(term: str) -> QuerySet:
    """Ids of the officials whose name or an alias holds `term`."""
    return Official.objects.filter(holds("full_name", term) | holds("aliases", term)).values("pk")


def text_branches(term: str) -> list[QuerySet]:
    """One set of meeting ids per place `term` may be in: title, summary, participants' names, participants' titles
    as written, article text. Each branch is a `UPPER(column) LIKE` that a trigram index answers on PostgreSQL
    (migration 0003); an OR across the tables instead forced a scan of every meeting.
    """
    articles = Article.objects.filter(holds("text", term)).values("pk")
    branches = [
        Meeting.objects.filter(holds("title", term)).values("pk"),
        Meeting.objects.filter(holds("summary", term)).values("pk"),
        Participant.objects.filter(official__in=officials_named(term)).values("meeting_id"),
        Participant.objects.filter(holds("title_as_written", term)).values("meeting_id"),
        Article.meetings.through.objects.filter(article__in=articles).values("meeting_id"),
    ]
    return [branch.order_by() for branch in branches]


def text_conditions(term: str, *, articles_per_meeting: bool = False) -> list[Q]:
    """The branches of `text_branches` as conditions on a meeting: the title and summary tested in the row itself,
    so that a list walking the date index reads each meeting once instead of joining it to itself.
    `articles_per_meeting`: the article-text branch tested on each meeting rather than gathered whole.
    """
    _title, _summary, *links, articles = text_branches(term)
    by_article = per_meeting_conditions(term)[-1] if articles_per_meeting else Q(pk__in=articles)
    return [holds("title", term), holds("summary", term), *(Q(pk__in=ids) for ids in links), by_article]


class ExistsPerRow(Exists):
    """EXISTS evaluated for each row that reaches it. PostgreSQL would otherwise turn an EXISTS under an OR into a
    hashed set of every row the subquery matches (all 69,000 texts with "jakarta" at a million meetings, read to
    test 300 meetings); an OFFSET keeps it from rewriting the subquery (SQLite takes the clause too)."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


def is_common_word(term: str) -> bool:
    """Whether `term` is in COMMON_TERM_TEXTS article texts or more: a word a meeting is better tested for one by one
    than gathered whole. Counted along the trigram index (or, where PostgreSQL expects many, the texts in turn until
    that many), under a short time limit: a count that takes longer is a common word's. A word of fewer than three
    characters has no trigram to look up: gathering it would read every text, so it counts as common. (Asked while
    the filter is built, before the list's own time limit: a limit ends by setting the default back.)"""
    if len(term) < 3:
        return True
    try:
        with statement_time_limit(COMMON_TERM_PROBE_MS):
            found = Article.objects.filter(holds("text", term)).order_by()[:COMMON_TERM_TEXTS].count()
    except StatementTimeout:
        return True
    return found >= COMMON_TERM_TEXTS


def per_meeting_conditions(term: str) -> list[Q | Exists]:
    """The branches of `text_branches` as conditions each meeting is tested for in turn: title, summary, participants'
    names, participants' titles as written, article text."""
    links = Article.meetings.through.objects
    return [
        holds("title", term),
        holds("summary", term),
        ExistsPerRow(Participant.objects.filter(meeting=OuterRef("pk"), official__in=officials_named(term))),
        ExistsPerRow(Participant.objects.filter(holds("title_as_written", term), meeting=OuterRef("pk"))),
        ExistsPerRow(links.filter(holds("article__text", term), meeting=OuterRef("pk"))),
    ]


def text_condition_per_meeting(term: str) -> Q:
    """`term` anywhere in a meeting, as a condition tested on each meeting a query reads: for a common word after the
    first. Its matches (69,000 texts with "jakarta" at a million meetings) were gathered whole, once for each branch of
    the first word, before the first word's were compared with them: past the search's 3-second limit."""
    return functools.reduce(operator.or_, per_meeting_conditions(term))


def meetings_matching_text(term: str) -> QuerySet:
    """Ids of the meetings that contain `term` somewhere: the union of its branches."""
    first, *others = text_branches(term)
    return first.union(*others)


class SectorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Sector) -> str:
        # Children are indented under their parent in the select (choices come ordered by tree below).
        return ("— " if obj.parent_id else "") + obj.name


class CountryChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        # Codes are upper-case keys; accept "pe" typed by hand in a URL.
        if isinstance(value, list | tuple):
            value = [v.strip().upper() if isinstance(v, str) else v for v in value]
        return super().clean(value)

    def label_from_instance(self, obj: Country) -> str:
        return f"{obj.name} ({obj.code})"


class OfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Official) -> str:
        return f"{obj.full_name} ({obj.country_id})"


class CachedChoices(BaseChoiceIterator):
    """A model choice field's options, read once per data version and language from the cache, when rendered.

    An export or a form in error renders no select and reads nothing.
    """

    def __init__(self, form: forms.Form, field_name: str) -> None:
        self.form, self.field_name = form, field_name

    def __iter__(self):
        yield from cached(["meeting-filter-choices", self.field_name], self.compute)

    def compute(self) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in self.form.fields[self.field_name].choices]


class SectorFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = SectorChoiceField


class CountryFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = CountryChoiceField


class OfficialFilter(django_filters.ModelChoiceFilter):
    field_class = OfficialChoiceField


class MeetingOrderingFilter(django_filters.OrderingFilter):
    """Whitelisted sort keys; ties are broken by id so that pages never overlap."""

    def filter(self, qs: QuerySet, value) -> QuerySet:
        ordering = [self.get_ordering_value(param) for param in value or [] if param]
        if not ordering:
            return qs
        return qs.order_by(*ordering, "-id" if ordering[0].startswith("-") else "id")


class MeetingFilterForm(forms.Form):
    # The sector checkboxes and the country select are hundreds of options: written in Python, not one template
    # include each (relations/rendering.py).
    default_renderer = PythonWidgetRenderer

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date is before the start date."))
        return data


class MeetingFilter(django_filters.FilterSet):
    sector = SectorFilter(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        to_field_name="slug",
        method="filter_sector",
        help_text=_("A sector includes its sub-sectors."),
        widget=RememberedCheckboxes,
    )
    country = CountryFilter(
        label=_("Country"),
        queryset=Country.objects.all(),
        method="filter_country",
        help_text=_("On any side of the meeting. Hold Ctrl (⌘ on a Mac) to choose several."),
        widget=RememberedSelectMultiple,
    )
    start = django_filters.DateFilter(
        label=_("From"), field_name="held_on", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = django_filters.DateFilter(
        label=_("To"), field_name="held_on", lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=Meeting.Kind.choices, distinct=False, widget=RememberedCheckboxes
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Meeting.Status.choices, distinct=False, widget=RememberedCheckboxes
    )
    # Thousands of officials make a select too long to render or use: an official is chosen from their page or
    # found by name through `q`; the form carries the choice in a hidden input and names it.
    official = OfficialFilter(
        label=_("Official"),
        queryset=Official.objects.select_related("country"),
        method="filter_official",
        widget=forms.HiddenInput,
    )
    q = django_filters.CharFilter(
        label=_("Text"),
        method="filter_text",
        help_text=_('Words in the title, summary, participants\' names or article text; "quote" a phrase.'),
    )
    sort = MeetingOrderingFilter(
        label=_("Sort by"),
        fields=(("held_on", "date"), ("title", "title"), ("kind", "kind")),
        choices=(
            ("-date", _("Newest first")),
            ("date", _("Oldest first")),
            ("title", _("Title A–Z")),
            ("-title", _("Title Z–A")),
            ("kind", _("Kind A–Z")),
            ("-kind", _("Kind Z–A")),
        ),
        empty_label=None,
    )

    class Meta:
        model = Meeting
        form = MeetingFilterForm
        fields: list[str] = []

    # Filters that take several values; an empty one among them (`?sector=`, from a link or an address typed by
    # hand) is no choice at all, as an empty date is, not an invalid one.
    SEVERAL = ("sector", "country", "kind", "status")

    def __init__(self, data=None, *args, **kwargs) -> None:
        if hasattr(data, "getlist") and any(not v.strip() for name in self.SEVERAL for v in data.getlist(name)):
            data = data.copy()
            for name in self.SEVERAL:
                chosen = [value for value in data.getlist(name) if value.strip()]
                if chosen:
                    data.setlist(name, chosen)
                else:
                    data.pop(name, None)
        super().__init__(data, *args, **kwargs)
        self.text_parts: list[QuerySet] = []
        # Choices in the reader's alphabet order; sectors as a tree, each parent followed by its children.
        name = "name_id" if (get_language() or "").startswith("id") else "name_en"
        self.form.fields["sector"].queryset = Sector.objects.order_by(
            Coalesce(f"parent__{name}", name), F("parent_id").asc(nulls_first=True), name
        )
        self.form.fields["country"].queryset = Country.objects.order_by(name)
        self.form.fields["country"].widget.attrs["size"] = 8
        # The querysets validate what is chosen; the options offered, hundreds of them, change only with a write.
        for field_name in ("sector", "country"):
            self.form.fields[field_name].widget.choices = CachedChoices(self.form, field_name)

    def filter_sector(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        ids = sector_and_descendants(value)
        return queryset.filter(Exists(MeetingSector.objects.filter(meeting=OuterRef("pk"), sector_id__in=ids)))

    def filter_country(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        codes = [country.pk for country in value]
        return queryset.filter(Exists(MeetingCountry.objects.filter(meeting=OuterRef("pk"), country_id__in=codes)))

    def filter_official(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(Exists(Participant.objects.filter(meeting=OuterRef("pk"), official=value)))

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        terms = text_terms(value or "")
        if not terms:
            return queryset
        common_after_first = False
        for term in terms[1:]:
            # A rare word's few meetings are gathered once and looked up; a common word's are too many to gather, so
            # each meeting the first word finds is tested for it (on PostgreSQL, whose trigram index tells which is
            # which at little cost; SQLite reads every text either way).
            if connection.vendor == "postgresql" and is_common_word(term):
                queryset = queryset.filter(text_condition_per_meeting(term))
                common_after_first = True
            else:
                queryset = queryset.filter(pk__in=meetings_matching_text(term))
        # A common first word too: its article branch tested on each meeting as well, so that the database tests it
        # before the costlier later words (a branch gathered whole is joined only after they were tested).
        first_per_meeting = common_after_first and is_common_word(terms[0])
        # The same meetings as one queryset per branch of the first term, for a list that reads only the first rows
        # of each (see CappedUnionPaginator): the union of all matches of a common word is large.
        conditions = text_conditions(terms[0], articles_per_meeting=first_per_meeting)
        self.text_parts = [queryset.filter(condition) for condition in conditions]
        return queryset.filter(pk__in=meetings_matching_text(terms[0]))
