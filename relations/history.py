"""What happened to a meeting's parts (sides, participants, sectors, commitments): rows with their own history.

The admin shows it on the meeting's history page, so that one page answers who changed what in the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from .models import Article, Commitment, MeetingCountry, MeetingSector, Participant, Position

# Each part, and the field that names one of its rows.
PARTS: dict[type[models.Model], str] = {
    MeetingCountry: "country",
    Participant: "official",
    MeetingSector: "sector",
    Commitment: "description",
}
# Enough for any real meeting; a bound so that the page stays cheap whatever happens.
MAX_RECORDS_PER_PART = 500


@dataclass
class PartChange:
    at: dt.datetime
    user: AbstractBaseUser | None
    action: str
    part: str
    row: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def meeting_part_changes(meeting_id: int | str) -> list[PartChange]:
    """Every add, change and delete of the meeting's parts, newest first, with old and new values of changes."""
    result = []
    for model, name_field in PARTS.items():
        records = list(
            model.history.filter(meeting_id=meeting_id)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")[:MAX_RECORDS_PER_PART]
        )
        labels = _related_labels(model, records)

        def shown(record, field_name: str, model=model, labels=labels) -> str:
            value = getattr(record, model._meta.get_field(field_name).attname)
            if field_name in labels:
                return labels[field_name].get(value, str(value))
            return "" if value is None else str(value)

        previous = {}
        for record in records:
            change = PartChange(
                at=record.history_date,
                user=record.history_user,
                action=record.get_history_type_display(),
                part=str(model._meta.verbose_name),
                row=shown(record, name_field)[:80],
            )
            before = previous.get(record.id)
            if record.history_type == "~" and before is not None:
                delta = record.diff_against(before, foreign_keys_are_objs=False)
                change.changes = [
                    (str(model._meta.get_field(c.field).verbose_name), shown(before, c.field), shown(record, c.field))
                    for c in delta.changes
                ]
            previous[record.id] = record
            result.append(change)
    return sorted(result, key=lambda c: c.at, reverse=True)


def _related_labels(model: type[models.Model], records: list) -> dict[str, dict]:
    """The names of the rows the records point to, one query per foreign key (not per record)."""
    labels = {}
    for fk in model._meta.concrete_fields:
        if not fk.is_relation or fk.name == "meeting":
            continue
        ids = {getattr(record, fk.attname) for record in records} - {None}
        related = fk.related_model._base_manager.all()
        if fk.related_model is Position:
            related = related.select_related("official")
        elif fk.related_model is Article:
            related = related.defer("text", "proposal")
        labels[fk.name] = {pk: str(row) for pk, row in related.in_bulk(ids).items()} if ids else {}
    return labels
