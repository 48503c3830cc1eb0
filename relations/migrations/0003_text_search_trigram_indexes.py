"""Trigram indexes for the meetings list's free-text filter, on PostgreSQL only.

The filter matches `UPPER(column) LIKE UPPER('%term%')` (Django's `icontains`); a `pg_trgm` GIN index on exactly
that expression answers it without reading every row. Each index serves one branch of the filter's union of
meeting ids (see `relations/filters.py`). SQLite has no such index and keeps scanning, which is fine at its sizes.
Creating the extension needs a role allowed to (a superuser, or the database owner since PostgreSQL 13 as
`pg_trgm` is a trusted extension).
"""

from django.db import migrations

# (index name, table, column expression as Django writes it in the filter's WHERE clause)
INDEXES = [
    ("meeting_title_trgm_idx", "relations_meeting", '"title"::text'),
    ("meeting_summary_trgm_idx", "relations_meeting", '"summary"'),
    ("official_name_trgm_idx", "relations_official", '"full_name"::text'),
    ("official_aliases_trgm_idx", "relations_official", '"aliases"::text'),
    ("participant_title_trgm_idx", "relations_participant", '"title_as_written"::text'),
    ("article_text_trgm_idx", "relations_article", '"text"'),
]


def create_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER({column})) gin_trgm_ops)'
        )
    # Statistics on the indexed expressions, so that the planner knows how many rows a term matches from now on
    # rather than after autovacuum's next pass (without them it guesses ten, and picks nested loops).
    for table in sorted({table for _name, table, _column in INDEXES}):
        schema_editor.execute(f'ANALYZE "{table}"')


def drop_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("relations", "0002_editor_viewer_groups")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
