"""Drop the single-column indexes of six foreign keys that a composite index or unique constraint already leads with.

Each cost a write per inserted row (and `generate_data` time) and served no query the composite does not. The
operations are written by hand: the `AlterField(db_index=False)` that `makemigrations` writes would, on PostgreSQL,
also drop the partial unique index `meeting_one_host` (it is an index on the same column) without recreating it.
The history tables keep their own indexes (django-simple-history always indexes foreign keys there), which
`relations/history.py` filters by meeting.
"""

import django.db.models.deletion
from django.db import migrations, models

# (index name as Django named it in 0001, table, column, PostgreSQL-only `_like` twin for a text key)
INDEXES = [
    ("relations_meetingcountry_meeting_id_12208d24", "relations_meetingcountry", "meeting_id", False),
    ("relations_meetingcountry_country_id_12f19d93", "relations_meetingcountry", "country_id", True),
    ("relations_participant_meeting_id_bfd1d5fb", "relations_participant", "meeting_id", False),
    ("relations_participant_official_id_4e96f669", "relations_participant", "official_id", False),
    ("relations_meetingsector_meeting_id_282bd7f8", "relations_meetingsector", "meeting_id", False),
    ("relations_meetingsector_sector_id_8d5bb5ff", "relations_meetingsector", "sector_id", False),
]


def drop_indexes(apps, schema_editor) -> None:
    for name, _table, _column, has_like in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
        if has_like:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}_like"')


def create_indexes(apps, schema_editor) -> None:
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, table, column, has_like in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")')
        if has_like and postgresql:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}_like" ON "{table}" ("{column}" varchar_pattern_ops)'
            )


def foreign_key(to: str, on_delete, related_name: str) -> models.ForeignKey:
    return models.ForeignKey(db_index=False, on_delete=on_delete, related_name=related_name, to=to)


CASCADE, PROTECT = django.db.models.deletion.CASCADE, django.db.models.deletion.PROTECT


class Migration(migrations.Migration):
    dependencies = [("relations", "0003_text_search_trigram_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes, elidable=False)],
            state_operations=[
                migrations.AlterField(
                    "meetingcountry", "country", foreign_key("relations.country", PROTECT, "meeting_sides")
                ),
                migrations.AlterField(
                    "meetingcountry", "meeting", foreign_key("relations.meeting", CASCADE, "countries")
                ),
                migrations.AlterField("meetingsector", "meeting", foreign_key("relations.meeting", CASCADE, "sectors")),
                migrations.AlterField(
                    "meetingsector", "sector", foreign_key("relations.sector", PROTECT, "meeting_links")
                ),
                migrations.AlterField(
                    "participant", "meeting", foreign_key("relations.meeting", CASCADE, "participants")
                ),
                migrations.AlterField(
                    "participant", "official", foreign_key("relations.official", PROTECT, "participations")
                ),
            ],
        )
    ]
