"""Meeting digests for the CSV export; on PostgreSQL, the triggers that keep them and the digests of every meeting.

relations/digests.py explains the scheme. The triggers run once per statement over its transition tables, so a
COPY or a bulk insert of thousands of link rows recomputes their meetings' digests in one set-based statement, not
row by row. Filling the digests of existing meetings takes about a minute per million meetings.
"""

import django.db.models.deletion
from django.db import migrations, models

LINK_TABLES = ["relations_meetingcountry", "relations_participant", "relations_meetingsector"]

# (table, column whose change alters digests, SQL giving the meetings that show the changed rows)
NAMED_TABLES = [
    (
        "relations_official",
        "full_name",
        "SELECT p.meeting_id FROM relations_participant p JOIN changed c ON c.id = p.official_id",
    ),
    (
        "relations_position",
        "title_en",
        "SELECT p.meeting_id FROM relations_participant p JOIN changed c ON c.id = p.position_id",
    ),
    (
        "relations_sector",
        "slug",
        "SELECT s.meeting_id FROM relations_meetingsector s JOIN changed c ON c.id = s.sector_id",
    ),
]

# The digests of the meetings `meetings`, computed from their links and stored: sides and sectors in code point order
# ("C"), participants principals first, then accompanying, then mentioned, each "Name (title)" with the title of the
# position held, else the title as written. relations.digests.compute is the same in Python (SQLite's export); a
# test compares the two. The meetings' rows are locked first (in id order), so that two transactions changing one
# meeting take turns: the second recomputes after the first commits, and sees its rows.
REFRESH = r"""
CREATE FUNCTION relations_digest_compute(meetings bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO relations_meetingdigest AS d (meeting_id, host, partners, sides, participants, sectors)
    SELECT m.id, COALESCE(s.host, ''), COALESCE(s.partners, ''), COALESCE(s.sides, ''),
           COALESCE(p.participants, ''), COALESCE(t.sectors, '')
    FROM relations_meeting m
    LEFT JOIN (
        SELECT meeting_id,
               max(country_id) FILTER (WHERE role = 'host') AS host,
               string_agg(country_id, '; ' ORDER BY country_id COLLATE "C") FILTER (WHERE role <> 'host') AS partners,
               string_agg(country_id, '; ' ORDER BY country_id COLLATE "C") AS sides
        FROM relations_meetingcountry WHERE meeting_id = ANY(meetings) GROUP BY meeting_id
    ) s ON s.meeting_id = m.id
    LEFT JOIN (
        SELECT p.meeting_id,
               string_agg(
                   o.full_name || CASE WHEN t.title <> '' THEN ' (' || t.title || ')' ELSE '' END,
                   '; '
                   ORDER BY CASE p.role WHEN 'principal' THEN 0 WHEN 'accompanying' THEN 1 ELSE 2 END, p.id
               ) AS participants
        FROM relations_participant p
        JOIN relations_official o ON o.id = p.official_id
        LEFT JOIN relations_position pos ON pos.id = p.position_id
        CROSS JOIN LATERAL (SELECT COALESCE(NULLIF(pos.title_en, ''), p.title_as_written) AS title) t
        WHERE p.meeting_id = ANY(meetings) GROUP BY p.meeting_id
    ) p ON p.meeting_id = m.id
    LEFT JOIN (
        SELECT ms.meeting_id, string_agg(s.slug, '; ' ORDER BY s.slug COLLATE "C") AS sectors
        FROM relations_meetingsector ms JOIN relations_sector s ON s.id = ms.sector_id
        WHERE ms.meeting_id = ANY(meetings) GROUP BY ms.meeting_id
    ) t ON t.meeting_id = m.id
    WHERE m.id = ANY(meetings)
    ON CONFLICT (meeting_id) DO UPDATE SET host = EXCLUDED.host, partners = EXCLUDED.partners, sides = EXCLUDED.sides,
        participants = EXCLUDED.participants, sectors = EXCLUDED.sectors;
END $$;

-- What the triggers call: the meetings' rows locked, then their digests computed. Under READ COMMITTED (Django's
-- default), the statement after a wait for the lock sees what the other transaction committed.
CREATE FUNCTION relations_digest_refresh(meetings bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM relations_meeting WHERE id = ANY(meetings) ORDER BY id FOR NO KEY UPDATE;
    PERFORM relations_digest_compute(meetings);
END $$;

-- A bulk writer that recomputes its meetings itself once it has written them all (generate_data) sets
-- relations.defer_digests for its transaction: one refresh instead of one per table.
CREATE FUNCTION relations_digest_links_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('relations.defer_digests', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM relations_digest_refresh(ARRAY(SELECT DISTINCT meeting_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM relations_digest_refresh(ARRAY(SELECT DISTINCT meeting_id FROM old_rows));
    ELSE
        PERFORM relations_digest_refresh(ARRAY(SELECT meeting_id FROM old_rows UNION SELECT meeting_id FROM new_rows));
    END IF;
    RETURN NULL;
END $$;

-- TRUNCATE fires no row triggers: every meeting's digest is recomputed. No row locks: the TRUNCATE holds the
-- table until its transaction ends, so no other writer can change it meanwhile.
CREATE FUNCTION relations_digest_links_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('relations.defer_digests', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM relations_digest_compute(ARRAY(SELECT id FROM relations_meeting));
    RETURN NULL;
END $$;

-- A deleted meeting's digest goes with it. Not a foreign key: Django deletes a meeting's digest, then its links,
-- whose triggers would store it again, and only then the meeting.
CREATE FUNCTION relations_digest_meetings_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM relations_meetingdigest;
    ELSE
        DELETE FROM relations_meetingdigest WHERE meeting_id IN (SELECT id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER relations_digest_meetings_deleted AFTER DELETE ON relations_meeting
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION relations_digest_meetings_deleted();
CREATE TRIGGER relations_digest_meetings_truncated AFTER TRUNCATE ON relations_meeting
    FOR EACH STATEMENT EXECUTE FUNCTION relations_digest_meetings_deleted();
"""

NAMED_FUNCTION = """
CREATE FUNCTION relations_digest_{table}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM relations_digest_refresh(ARRAY(
        WITH changed AS (
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.{column} IS DISTINCT FROM o.{column}
        )
        SELECT DISTINCT meeting_id FROM ({meetings}) shown
    ));
    RETURN NULL;
END $$;
CREATE TRIGGER relations_digest_changed AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION relations_digest_{table}_changed();
"""

# A cell that would start a spreadsheet formula, defused with a leading quote, its carriage returns made line feeds
# (the file's lines end in line feeds); the guests (partners with the home
# country last); the counterparts (every side but the home country). What relations/views/export.py does in Python.
# Single expressions: the planner inlines them into the export's statement.
EXPORT = r"""
CREATE FUNCTION relations_spreadsheet_safe(cell text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
    SELECT CASE WHEN left(cell, 1) IN ('=', '+', '-', '@', E'\t', E'\r') THEN '''' ELSE '' END
        || replace(replace(cell, E'\r\n', E'\n'), E'\r', E'\n')
$$;

CREATE FUNCTION relations_export_guests(partners text, home text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
    SELECT array_to_string(
        array_remove(string_to_array(partners, '; '), home)
        || CASE WHEN home = ANY(string_to_array(partners, '; ')) THEN ARRAY[home] ELSE ARRAY[]::text[] END,
        '; '
    )
$$;

CREATE FUNCTION relations_export_counterparts(sides text, home text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
    SELECT array_to_string(array_remove(string_to_array(sides, '; '), home), '; ')
$$;
"""

FUNCTIONS = [
    "relations_digest_refresh(bigint[])",
    "relations_digest_compute(bigint[])",
    "relations_digest_links_changed()",
    "relations_digest_links_truncated()",
    "relations_digest_meetings_deleted()",
    *(f"relations_digest_{table}_changed()" for table, _column, _meetings in NAMED_TABLES),
    "relations_spreadsheet_safe(text)",
    "relations_export_guests(text, text)",
    "relations_export_counterparts(text, text)",
]

FILL_BATCH = 50_000


def create_sql() -> str:
    statements = [REFRESH, EXPORT]
    for table in LINK_TABLES:
        statements.append(
            f"""
CREATE TRIGGER relations_digest_inserted AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION relations_digest_links_changed();
CREATE TRIGGER relations_digest_updated AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION relations_digest_links_changed();
CREATE TRIGGER relations_digest_deleted AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION relations_digest_links_changed();
CREATE TRIGGER relations_digest_truncated AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION relations_digest_links_truncated();
"""
        )
    for table, column, meetings in NAMED_TABLES:
        statements.append(NAMED_FUNCTION.format(table=table, column=column, meetings=meetings))
    return "\n".join(statements)


def drop_sql() -> str:
    statements = []
    for table in LINK_TABLES:
        for name in ("inserted", "updated", "deleted", "truncated"):
            statements.append(f"DROP TRIGGER IF EXISTS relations_digest_{name} ON {table};")
    for table, _column, _meetings in NAMED_TABLES:
        statements.append(f"DROP TRIGGER IF EXISTS relations_digest_changed ON {table};")
    for name in ("deleted", "truncated"):
        statements.append(f"DROP TRIGGER IF EXISTS relations_digest_meetings_{name} ON relations_meeting;")
    statements += [f"DROP FUNCTION IF EXISTS {function};" for function in FUNCTIONS]
    return "\n".join(statements)


def fill_existing(cursor) -> None:
    """The digests of every meeting, by id ranges. No row locks: creating the triggers took locks on the link tables
    that keep writers out until the migration commits (and locking a million rows would rewrite every page)."""
    cursor.execute("SELECT min(id), max(id) FROM relations_meeting")
    low, high = cursor.fetchone()
    for start in range(low or 0, (high or -1) + 1, FILL_BATCH):
        cursor.execute(
            "SELECT relations_digest_compute(ARRAY(SELECT id FROM relations_meeting WHERE id BETWEEN %s AND %s))",
            [start, start + FILL_BATCH - 1],
        )


def create_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(create_sql())
    with schema_editor.connection.cursor() as cursor:
        fill_existing(cursor)


def drop_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(drop_sql())


class Migration(migrations.Migration):
    dependencies = [("relations", "0006_article_signature")]

    operations = [
        migrations.CreateModel(
            name="MeetingDigest",
            fields=[
                (
                    "meeting",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="digest",
                        serialize=False,
                        to="relations.meeting",
                    ),
                ),
                ("host", models.CharField(blank=True, max_length=2)),
                ("partners", models.TextField(blank=True)),
                ("sides", models.TextField(blank=True)),
                ("participants", models.TextField(blank=True)),
                ("sectors", models.TextField(blank=True)),
            ],
            options={"verbose_name": "meeting digest", "verbose_name_plural": "meeting digests"},
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
