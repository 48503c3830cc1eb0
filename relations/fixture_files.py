"""The fixtures in fixtures/: writing them from generated model instances, and loading them without overwriting.

Files are what `dumpdata --natural-foreign --natural-primary --indent 1` writes, so `loaddata` reads them into any
database. `load_missing()` is the loader of `load_initial_data`: it inserts what is absent and leaves present rows
alone, so running it again changes nothing and an editor's changes to reference rows survive `make run`.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import connections, router, transaction
from django.db.models import AutoField, Model

from .freshness import bump_on_commit

FIXTURE_DIR: Path = settings.BASE_DIR / "fixtures"
INITIAL_FIXTURES = ("reference", "seed", "demo")


class FixtureSerializer(JSONSerializer):
    """Serializes unsaved instances: many-to-many values come from `instance.fixture_m2m[field_name]`."""

    def handle_m2m_field(self, obj: Model, field) -> None:
        preset = getattr(obj, "fixture_m2m", {}).get(field.name)
        if preset is None:
            super().handle_m2m_field(obj, field)
        else:
            self._current[field.name] = sorted(preset)


def to_json(objects: list[Model]) -> str:
    text = FixtureSerializer().serialize(
        objects, indent=1, use_natural_foreign_keys=True, use_natural_primary_keys=True, ensure_ascii=False
    )
    return text + "\n"


def fixture_path(name: str) -> Path:
    return FIXTURE_DIR / f"{name}.json"


def write_fixture(name: str, objects: list[Model]) -> Path:
    path = fixture_path(name)
    path.write_text(to_json(objects), encoding="utf-8")
    return path


def load_missing(name: str, using: str = "default") -> int:
    """Insert the records of fixture `name` that the database lacks; return how many were inserted.

    A record is present when its natural key, or its id for models without one, is in the database. The rows
    hanging from a present id-keyed row (a meeting's sides, participants, sectors) are left alone too: if the id
    belongs to someone else's meeting, the fixture's rows must not be attached to it.
    """
    inserted, models, deferred = 0, set(), []
    existing: dict[type[Model], set] = {}
    taken: dict[type[Model], set] = {}  # ids of id-keyed rows the database already had
    with open(fixture_path(name), encoding="utf-8") as handle, transaction.atomic(using=using):
        for record in serializers.deserialize("json", handle, using=using, handle_forward_references=True):
            instance = record.object
            model = type(instance)
            if not router.allow_migrate_model(using, model):
                continue
            if model not in existing:
                existing[model] = set(model._base_manager.using(using).values_list("pk", flat=True))
            if instance.pk is not None and instance.pk in existing[model]:
                if _has_surrogate_key(model):
                    taken.setdefault(model, set()).add(instance.pk)
                continue
            if _hangs_from_taken(instance, taken):
                continue
            for field_name, ids in record.m2m_data.items():
                related = model._meta.get_field(field_name).related_model
                record.m2m_data[field_name] = [pk for pk in ids if pk not in taken.get(related, ())]
            record.save(using=using)
            existing[model].add(instance.pk)
            inserted += 1
            models.add(model)
            if record.deferred_fields:
                deferred.append(record)
        for record in deferred:
            record.save_deferred_fields(using=using)
        _reset_sequences(using, models)
        bump_on_commit(using)  # deserialized records are saved raw, past the models' save()
    return inserted


def _has_surrogate_key(model: type[Model]) -> bool:
    return isinstance(model._meta.pk, AutoField) and not hasattr(model, "natural_key")


def _hangs_from_taken(instance: Model, taken: dict[type[Model], set]) -> bool:
    return any(
        field.many_to_one and getattr(instance, field.attname) in taken.get(field.related_model, ())
        for field in instance._meta.concrete_fields
    )


def _reset_sequences(using: str, models: set[type[Model]]) -> None:
    """Fixture rows carry their ids; move PostgreSQL's sequences past them, as loaddata does."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
