"""Indexes for a partner page's latest articles and commitments, read in list order (PostgreSQL).

Without them PostgreSQL sorted every article (0.4 s at a million meetings) or commitment (0.3 s) to find a partner's
first six. They are not in the models' Meta: SQLite cannot build an index with NULLS LAST, and its lists are small.
relations/dashboard.py writes the same ORDER BY (and OPEN_FIRST, in relations/models.py, the same CASE).
"""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS article_latest_idx ON relations_article (published_on DESC NULLS LAST, id DESC);
CREATE INDEX IF NOT EXISTS commitment_open_first_idx ON relations_commitment
    ((CASE WHEN status = 'open' THEN 0 ELSE 1 END), due_on DESC NULLS LAST, id DESC);
"""
DROP = "DROP INDEX IF EXISTS article_latest_idx; DROP INDEX IF EXISTS commitment_open_first_idx;"


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("relations", "0012_summaries")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
