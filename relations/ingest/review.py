"""What the review screen needs: the proposal as forms an editor corrects, and the text with each fact marked.

Each proposed meeting becomes a form with two formsets (officials, commitments), plus one blank meeting the editor
may fill in when extraction missed one. Facts are located in the text by the extractor's `spans` when it gives
them, otherwise by finding the words it quoted (names, dates, evidence sentences).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django import forms
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from relations.models import Commitment, Country, CountryAlias, DatePrecision, Meeting, Participant, Sector

# --- Forms -------------------------------------------------------------------------------------------------------


class MeetingReviewForm(forms.Form):
    include = forms.BooleanField(label=_("Record this meeting"), required=False, initial=True)
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_precision = forms.ChoiceField(label=_("Known to the"), choices=DatePrecision.choices, initial="day")
    status = forms.ChoiceField(label=_("Status"), choices=Meeting.Status.choices, initial=Meeting.Status.HELD)
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices, initial=Meeting.Kind.BILATERAL_MEETING)
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    host_country = forms.ChoiceField(label=_("Host country"), required=False)
    partner_countries = forms.MultipleChoiceField(
        label=_("Partner countries"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Ctrl- or Cmd-click to choose several."),
    )
    sectors = forms.MultipleChoiceField(label=_("Sectors"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, countries: list[tuple[str, str]], sectors: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_country"].choices = [("", _("— none (neutral ground) —")), *countries]
        # The proposed partners first: in a list of 250 countries a selection further down is easy to miss.
        chosen = set(self.initial.get("partner_countries") or [])
        self.fields["partner_countries"].choices = sorted(countries, key=lambda choice: choice[0] not in chosen)
        self.fields["sectors"].choices = sectors

    def clean(self):
        data = super().clean()
        if not data.get("include"):
            return data
        if not data.get("date"):
            self.add_error("date", _("A meeting needs a date."))
        partners = [code for code in data.get("partner_countries", []) if code != data.get("host_country")]
        if not partners:
            self.add_error("partner_countries", _("Choose at least one partner country other than the host."))
        return data


class OfficialReviewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    title = forms.CharField(label=_("Title as written"), max_length=300, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Participant.Role.choices, initial=Participant.Role.PRINCIPAL)

    def __init__(self, *args, countries: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *countries]


class CommitmentReviewForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Commitment.Kind.choices, initial=Commitment.Kind.OTHER)
    description = forms.CharField(
        label=_("What was promised"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due = forms.RegexField(
        label=_("Due"),
        regex=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        required=False,
        error_messages={"invalid": _("Write the due date as YYYY, YYYY-MM or YYYY-MM-DD.")},
        widget=forms.TextInput(attrs={"placeholder": "YYYY-MM", "size": 10}),
    )
    evidence = forms.CharField(required=False, widget=forms.HiddenInput)


OfficialFormSet = forms.formset_factory(OfficialReviewForm, extra=1, can_delete=True)
CommitmentFormSet = forms.formset_factory(CommitmentReviewForm, extra=1, can_delete=True)


@dataclass
class MeetingReview:
    """One proposed meeting on the review screen: its form, its formsets and the evidence kept from the proposal."""

    index: int
    proposed: dict
    form: MeetingReviewForm
    officials: forms.BaseFormSet
    commitments: forms.BaseFormSet

    @property
    def prefix(self) -> str:
        return f"m{self.index}"

    @property
    def has_errors(self) -> bool:
        """Whether the page shows an error in this meeting: its form's, or (when included) a row's or a formset's."""
        if not self.form.is_bound:
            return False
        if self.form.errors:
            return True
        if not self.form.cleaned_data.get("include"):
            return False
        return any(formset.total_error_count() for formset in (self.officials, self.commitments))

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        if not self.form.cleaned_data.get("include"):
            return valid
        return all([valid, self.officials.is_valid(), self.commitments.is_valid()])

    def cleaned(self) -> dict:
        """The meeting in the proposal's shape, as `approve_article` takes it."""
        data = self.form.cleaned_data
        day = data["date"]
        date = {"day": day.isoformat(), "month": f"{day:%Y-%m}", "year": f"{day:%Y}"}[data["date_precision"]]
        evidence = {item.get("slug"): item.get("evidence", "") for item in self.proposed.get("sectors") or []}
        return {
            "date": date,
            "status": data["status"],
            "kind": data["kind"],
            "place": data["place"],
            "host_country": data["host_country"] or None,
            "partner_countries": [code for code in data["partner_countries"] if code != data["host_country"]],
            "officials": [
                {key: row[key] or None for key in ("name", "title", "country", "role")}
                for row in self.officials.cleaned_data
                if row and not row.get("DELETE") and (row.get("name") or row.get("title"))
            ],
            "sectors": [{"slug": slug, "evidence": evidence.get(slug, "")} for slug in data["sectors"]],
            "commitments": [
                {key: row[key] for key in ("kind", "description", "evidence", "due")}
                for row in self.commitments.cleaned_data
                if row and not row.get("DELETE") and row.get("description")
            ],
            "events_mentioned": self.proposed.get("events_mentioned") or [],
        }


def review_forms(proposal: dict | None, data=None) -> list[MeetingReview]:
    """A form per proposed meeting and a blank one, unticked, for a meeting extraction missed."""
    # Names in the active language, sorted as read: "Jerman" comes after "Inggris" in the Indonesian form.
    countries = [(c.code, f"{c.name} ({c.code})") for c in sorted(Country.objects.all(), key=name_order)]
    sectors = [(sector.slug, sector.name) for sector in sorted(Sector.objects.all(), key=name_order)]
    proposed = [*((proposal or {}).get("meetings") or []), {}]
    reviews = []
    for index, meeting in enumerate(proposed):
        prefix = f"m{index}"
        reviews.append(
            MeetingReview(
                index=index,
                proposed=meeting,
                form=MeetingReviewForm(
                    data, prefix=prefix, initial=meeting_initial(meeting), countries=countries, sectors=sectors
                ),
                officials=OfficialFormSet(
                    data,
                    prefix=f"{prefix}-officials",
                    initial=[
                        official_initial(item)
                        for item in meeting.get("officials") or []
                        if item.get("name") or item.get("title")
                    ],
                    form_kwargs={"countries": countries},
                ),
                commitments=CommitmentFormSet(
                    data, prefix=f"{prefix}-commitments", initial=meeting.get("commitments") or []
                ),
            )
        )
    return reviews


def name_order(item: Country | Sector) -> tuple[str, str]:
    """Sort key for a name in the active language: accents and case aside ("Åland" with the A's), then as written."""
    name = item.name
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return plain.casefold(), name


def meeting_initial(meeting: dict) -> dict:
    if not meeting:
        return {"include": False}
    date = str(meeting.get("date") or "")
    precision = {4: "year", 7: "month"}.get(len(date), "day")
    padded = {4: f"{date}-01-01", 7: f"{date}-01"}.get(len(date), date)
    return {
        "include": True,
        "date": padded or None,
        "date_precision": precision,
        "status": meeting.get("status") or Meeting.Status.HELD,
        "kind": meeting.get("kind") or Meeting.Kind.OTHER,
        "place": meeting.get("place") or "",
        "host_country": meeting.get("host_country") or "",
        "partner_countries": meeting.get("partner_countries") or [],
        "sectors": [item.get("slug") for item in meeting.get("sectors") or []],
    }


def official_initial(official: dict) -> dict:
    role = official.get("role")
    role = role if role in Participant.Role.values else Participant.Role.MENTIONED
    return {**official, "role": role}


# --- Highlights --------------------------------------------------------------------------------------------------

FACT_KINDS = {
    "date": _("date"),
    "kind": _("kind of meeting"),
    "country": _("country"),
    "official": _("official"),
    "place": _("place"),
    "sector": _("sector"),
    "commitment": _("commitment"),
    "event": _("event"),
}


@dataclass(frozen=True)
class Fact:
    start: int
    end: int
    kind: str
    label: str
    meeting: int


@dataclass
class Highlights:
    text: str
    facts: list[Fact] = field(default_factory=list)

    def add(self, start: int, end: int, kind: str, label: str, meeting: int) -> None:
        if 0 <= start < end <= len(self.text):
            self.facts.append(Fact(start, end, kind, label, meeting))

    def add_spans(self, spans, kind: str, label: str, meeting: int) -> bool:
        """The extractor's character offsets, a list of [start, end]; True when any was usable."""
        added = False
        for span in spans or []:
            if isinstance(span, list | tuple) and len(span) >= 2 and all(isinstance(n, int) for n in span[:2]):
                before = len(self.facts)
                self.add(span[0], span[1], kind, label, meeting)
                added = added or len(self.facts) > before
        return added

    def find(self, needle: str | None, kind: str, label: str, meeting: int, *, every: bool = False) -> None:
        """Mark where the quoted words occur (spacing and case may differ from the quote)."""
        words = re.findall(r"\w+|[^\w\s]", needle or "")
        if not words:
            return
        pattern = r"\s*".join(re.escape(word) for word in words)
        pattern = rf"(?<!\w){pattern}(?!\w)" if words[0][0].isalnum() and words[-1][-1].isalnum() else pattern
        for match in re.finditer(pattern, self.text, re.IGNORECASE):
            self.add(match.start(), match.end(), kind, label, meeting)
            if not every:
                return

    def render(self) -> SafeString:
        """The text with a <mark> over every stretch covered by facts; overlapping facts share the marks."""
        edges = sorted({0, len(self.text), *(f.start for f in self.facts), *(f.end for f in self.facts)})
        parts = []
        for start, end in zip(edges, edges[1:], strict=False):
            covering = [f for f in self.facts if f.start <= start and end <= f.end]
            piece = escape(self.text[start:end])
            if not covering:
                parts.append(piece)
                continue
            innermost = min(covering, key=lambda f: f.end - f.start)
            ids = " ".join(sorted({f"m{f.meeting}-{f.kind}" for f in covering}))
            titles = "; ".join(dict.fromkeys(f"{FACT_KINDS[f.kind]}: {f.label}" for f in covering))
            kinds = " ".join(sorted({f"fact--{f.kind}" for f in covering if f is not innermost}))
            parts.append(
                format_html(
                    '<mark class="fact fact--{} {}" data-facts="{}" title="{}">{}</mark>',
                    innermost.kind,
                    kinds,
                    ids,
                    titles,
                    piece,
                )
            )
        return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every piece is escaped above


def highlight(text: str, proposal: dict | None) -> Highlights:
    """Every fact of every proposed meeting located in `text`: by the extractor's offsets, else by its words."""
    found = Highlights(text)
    meetings = (proposal or {}).get("meetings") or []
    codes = {code for m in meetings for code in [m.get("host_country"), *(m.get("partner_countries") or [])] if code}
    names = country_names(codes)
    for index, meeting in enumerate(meetings):
        spans = meeting.get("spans") if isinstance(meeting.get("spans"), dict) else {}
        date_label = meeting.get("date") or meeting.get("date_text") or ""
        if not found.add_spans(spans.get("date"), "date", date_label, index):
            found.find(meeting.get("date_text"), "date", date_label, index)
        if not found.add_spans(spans.get("place"), "place", meeting.get("place") or "", index):
            found.find(meeting.get("place"), "place", meeting.get("place") or "", index)
        kind = meeting.get("kind") or ""
        found.add_spans(
            spans.get("kind"), "kind", Meeting.Kind(kind).label if kind in Meeting.Kind.values else kind, index
        )
        for code in [meeting.get("host_country"), *(meeting.get("partner_countries") or [])]:
            for name in names.get(code, []):
                found.find(name, "country", code or "", index, every=True)
        for official in meeting.get("officials") or []:
            label = ", ".join(part for part in (official.get("name"), official.get("title")) if part)
            found.add_spans(official.get("spans"), "official", label, index)
            found.find(official.get("name"), "official", label, index, every=True)
            found.find(official.get("title"), "official", label, index)
            surname = (official.get("name") or "").split()[-1:]
            if surname and len(surname[0]) > 3:  # "Herindra said…" after the full name
                found.find(surname[0], "official", label, index, every=True)
        for sector in meeting.get("sectors") or []:
            found.find(sector.get("evidence"), "sector", sector.get("slug") or "", index)
            found.add_spans(sector.get("spans"), "sector", sector.get("slug") or "", index)
        for commitment in meeting.get("commitments") or []:
            label = commitment.get("description") or ""
            found.find(commitment.get("evidence"), "commitment", label, index)
            found.add_spans(commitment.get("spans"), "commitment", label, index)
        for event in meeting.get("events_mentioned") or []:
            if not found.add_spans(event.get("spans"), "event", event.get("name") or "", index):
                found.find(event.get("name"), "event", event.get("name") or "", index)
    return found


def country_names(codes: set[str]) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {code: [] for code in codes}
    for country in Country.objects.filter(code__in=codes):
        names[country.code] += [country.name_en, country.name_id]
    for alias in CountryAlias.objects.filter(country__in=codes).exclude(kind=CountryAlias.Kind.ABBREVIATION):
        names[alias.country_id].append(alias.alias)
    return {code: sorted(set(found), key=len, reverse=True) for code, found in names.items()}
