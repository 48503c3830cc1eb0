"""Summary writers take their lock before they touch a row; a meeting deleted before its links leaves no count;
bulk loads count the summaries at the end again.

The lock (0012) was taken inside the triggers, after the statement had locked its rows and after the meeting digests'
triggers had locked the meetings' rows: a transaction holding the lock that went on to write a second meeting could
wait for a writer that held that meeting's row and waited for the lock (a deadlock, which PostgreSQL breaks by failing
one of them), and a trigger read the tables before it held the lock. A statement-level trigger BEFORE every write to
a counted table now takes it first, so that writers of meetings take turns from their first write to their commit,
and every read of the summary triggers comes after it. The tables whose renames the digests follow (officials,
positions) take it too: their digest triggers lock meetings' rows.

A bulk load counts the summaries once at the end again: the additions of each batch (0014) cost more in all.

Raw SQL may delete a meeting before its sides and participants (the foreign keys are checked at commit): the
meeting's own trigger then takes its counts away, as the link tables' triggers no longer find it.
"""

import importlib

from django.db import migrations

LOCKED_TABLES = [
    "relations_meeting",
    "relations_meetingcountry",
    "relations_participant",
    "relations_meetingsector",
    "relations_sector",
    "relations_official",
    "relations_position",
]

LOCK = """
CREATE FUNCTION relations_summary_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT relations_summary_deferred() THEN
        PERFORM pg_advisory_xact_lock(hashtext('relations_summaries'));
    END IF;
    RETURN NULL;
END $$;
"""

# generate_data counts the summaries once at the end again: adding each batch's meetings (0014) cost 2.5 minutes
# at a million meetings against half a minute for the whole count.
DROP_ADD_MEETINGS = "DROP FUNCTION IF EXISTS relations_summary_add_meetings(bigint, bigint);"

MEETINGS_CHANGED = """
CREATE OR REPLACE FUNCTION relations_summary_meetings_changed() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    keys record;
    changes record;
    days date[];
BEGIN
    IF relations_summary_deferred() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM relations_summary_months(ARRAY(SELECT held_on FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM relations_summary_months(ARRAY(SELECT held_on FROM old_rows));
        -- Django deletes a meeting's sides and participants first; raw SQL may delete the meeting first (the
        -- foreign keys are checked at commit), and their own triggers then no longer find it: taken away here.
        SELECT array_agg(mc.country_id) AS c, array_agg(mc.held_on) AS d INTO keys
        FROM old_rows r JOIN relations_meetingcountry mc ON mc.meeting_id = r.id;
        PERFORM relations_summary_country_months(keys.c, keys.d);
        SELECT array_agg(mc.country_id) AS c, array_agg(p.side_id) AS s, array_agg(p.official_id) AS o,
               array_agg(r.held_on) AS d, array_agg(-1) AS sign INTO changes
        FROM old_rows r
        JOIN relations_meetingcountry mc ON mc.meeting_id = r.id
        JOIN relations_participant p ON p.meeting_id = r.id
        WHERE r.status <> 'cancelled';
        PERFORM relations_summary_officials_apply(changes.c, changes.s, changes.o, changes.d, changes.sign);
    ELSE
        -- The countries' months count by their side rows' dates, which Meeting.save has already moved (their own
        -- trigger recounted them): only a change of status is left to count there.
        SELECT array_agg(mc.country_id) AS c, array_agg(mc.held_on) AS d INTO keys
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN relations_meetingcountry mc ON mc.meeting_id = n.id
        WHERE n.status IS DISTINCT FROM o.status;
        PERFORM relations_summary_country_months(keys.c, keys.d);
        -- Each participation counted as it was (unless the meeting was cancelled) taken away, as it is added.
        WITH contributions AS (
            SELECT o.id, o.held_on AS day, -1 AS sign
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (n.held_on IS DISTINCT FROM o.held_on OR n.status IS DISTINCT FROM o.status)
                AND o.status <> 'cancelled'
            UNION ALL
            SELECT n.id, n.held_on, 1
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (n.held_on IS DISTINCT FROM o.held_on OR n.status IS DISTINCT FROM o.status)
                AND n.status <> 'cancelled'
        )
        SELECT array_agg(mc.country_id) AS c, array_agg(p.side_id) AS s, array_agg(p.official_id) AS o,
               array_agg(r.day) AS d, array_agg(r.sign) AS sign INTO changes
        FROM contributions r
        JOIN relations_meetingcountry mc ON mc.meeting_id = r.id
        JOIN relations_participant p ON p.meeting_id = r.id;
        PERFORM relations_summary_officials_apply(changes.c, changes.s, changes.o, changes.d, changes.sign);
        days := ARRAY(
            SELECT d FROM (SELECT o.held_on, n.held_on FROM new_rows n JOIN old_rows o ON o.id = n.id
                           WHERE n.held_on IS DISTINCT FROM o.held_on OR n.status IS DISTINCT FROM o.status) r(a, b)
            CROSS JOIN LATERAL (VALUES (r.a), (r.b)) v(d)
        );
        PERFORM relations_summary_months(days);
    END IF;
    RETURN NULL;
END $$;
"""


# The recounts planned for their own keys each time, as the bulk additions are (a plan kept for any keys is a guess).
CUSTOM_PLANS = [
    "relations_summary_country_months(text[], date[])",
    "relations_summary_months(date[])",
    "relations_summary_officials_apply(text[], text[], bigint[], date[], int[])",
]


def create_sql() -> str:
    statements = [LOCK, DROP_ADD_MEETINGS, MEETINGS_CHANGED]
    statements += [f"ALTER FUNCTION {function} SET plan_cache_mode = force_custom_plan;" for function in CUSTOM_PLANS]
    for table in LOCKED_TABLES:
        statements.append(
            f"CREATE TRIGGER relations_summary_lock BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION relations_summary_lock();"
        )
    return "\n".join(statements)


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(create_sql())


def backwards(apps, schema_editor) -> None:
    """0015's meeting trigger again, and no lock trigger."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in LOCKED_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS relations_summary_lock ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS relations_summary_lock();")
    for function in CUSTOM_PLANS:
        schema_editor.execute(f"ALTER FUNCTION {function} RESET plan_cache_mode;")
    earlier = importlib.import_module("relations.migrations.0015_officials_counted_by_difference")
    start = earlier.CREATE.index("CREATE OR REPLACE FUNCTION relations_summary_meetings_changed()")
    end = earlier.CREATE.index("END $$;", start) + len("END $$;")
    schema_editor.execute(earlier.CREATE[start:end])
    adding = importlib.import_module("relations.migrations.0014_summaries_added_by_bulk_writers").CREATE
    start = adding.index("CREATE FUNCTION relations_summary_add_meetings")
    end = adding.index("END $$;", start) + len("END $$;")
    schema_editor.execute(adding[start:end])


class Migration(migrations.Migration):
    dependencies = [("relations", "0015_officials_counted_by_difference")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
