"""The officials' summary kept by difference: a write adds or takes away the participations it touched.

Recounting an official's meetings with a country whole (0012) read every participation of the official: half a
second per write for one in 60,000 meetings at a million. A participation counts once for each country of its
meeting (unless the meeting is cancelled), so a statement's rows give +1 or -1 per (country, side, official) key.
Only the day last met cannot be taken away by difference: when a write removes a participation on or after a key's
last day, that key's last day is looked up again, from the side rows' dates (the meeting's date copied): Meeting.save
writes the copies before the meeting's own row, so that they agree when the meeting's trigger looks.
"""

import importlib

from django.db import migrations

LOCK = "PERFORM pg_advisory_xact_lock(hashtext('relations_summaries'));"

CREATE = f"""
-- Contributions (country, side, official, day, +1 or -1) summed per key, with the latest day added and removed.
CREATE FUNCTION relations_summary_official_changes(countries text[], sides text[], officials bigint[], days date[],
                                                   signs int[])
RETURNS TABLE (country text, side text, official bigint, n bigint, latest date, removed date)
LANGUAGE sql IMMUTABLE AS $$
    SELECT c, s, o, sum(sign), max(d) FILTER (WHERE sign > 0), max(d) FILTER (WHERE sign < 0)
    FROM unnest(countries, sides, officials, days, signs) u(c, s, o, d, sign)
    WHERE c IS NOT NULL AND s IS NOT NULL AND o IS NOT NULL
    GROUP BY 1, 2, 3
$$;

-- The last day an official of a side met a country. Planned for the values at hand (EXECUTE): an official who met
-- the country often is found walking the country's meetings from the latest (its side rows' date index), one who met
-- it rarely through the official's own participations. A plan made once for any official read every participation
-- of one in 60,000 meetings: 0.15 s a lookup.
CREATE FUNCTION relations_summary_last_met(country text, side text, official bigint) RETURNS date
LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    day date;
BEGIN
    EXECUTE $q$
        SELECT mc.held_on FROM relations_meetingcountry mc
        WHERE mc.country_id = $1
            AND EXISTS (
                SELECT 1 FROM relations_participant p
                WHERE p.meeting_id = mc.meeting_id AND p.official_id = $3 AND p.side_id = $2
            )
            AND EXISTS (SELECT 1 FROM relations_meeting m WHERE m.id = mc.meeting_id AND m.status <> 'cancelled')
        ORDER BY mc.held_on DESC
        LIMIT 1
    $q$ INTO day USING country, side, official;
    RETURN day;
END $$;

CREATE FUNCTION relations_summary_officials_apply(countries text[], sides text[], officials bigint[], days date[],
                                                  signs int[])
RETURNS void LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    IF cardinality(countries) IS NULL THEN
        RETURN;
    END IF;
    {LOCK}
    UPDATE relations_countryofficial t SET meetings = t.meetings + k.n, last_met = GREATEST(t.last_met, k.latest)
    FROM relations_summary_official_changes(countries, sides, officials, days, signs) k
    WHERE t.country_id = k.country AND t.side_id = k.side AND t.official_id = k.official;
    INSERT INTO relations_countryofficial (country_id, side_id, official_id, meetings, last_met)
    SELECT k.country, k.side, k.official, k.n, k.latest
    FROM relations_summary_official_changes(countries, sides, officials, days, signs) k
    WHERE k.n > 0 AND NOT EXISTS (
        SELECT 1 FROM relations_countryofficial t
        WHERE t.country_id = k.country AND t.side_id = k.side AND t.official_id = k.official
    );
    DELETE FROM relations_countryofficial t
    USING relations_summary_official_changes(countries, sides, officials, days, signs) k
    WHERE t.country_id = k.country AND t.side_id = k.side AND t.official_id = k.official AND t.meetings <= 0;
    -- The last day met went with a removed participation: looked up again.
    UPDATE relations_countryofficial t SET last_met = relations_summary_last_met(t.country_id, t.side_id, t.official_id)
    FROM relations_summary_official_changes(countries, sides, officials, days, signs) k
    WHERE t.country_id = k.country AND t.side_id = k.side AND t.official_id = k.official AND k.removed >= t.last_met;
END $$;

CREATE OR REPLACE FUNCTION relations_summary_sides_changed() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    keys record;
    changes record;
BEGIN
    IF relations_summary_deferred() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(country_id) AS c, array_agg(held_on) AS d INTO keys FROM new_rows;
        SELECT array_agg(r.country_id) AS c, array_agg(p.side_id) AS s, array_agg(p.official_id) AS o,
               array_agg(m.held_on) AS d, array_agg(1) AS sign INTO changes
        FROM new_rows r JOIN relations_participant p ON p.meeting_id = r.meeting_id
        JOIN relations_meeting m ON m.id = r.meeting_id AND m.status <> 'cancelled';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(country_id) AS c, array_agg(held_on) AS d INTO keys FROM old_rows;
        SELECT array_agg(r.country_id) AS c, array_agg(p.side_id) AS s, array_agg(p.official_id) AS o,
               array_agg(m.held_on) AS d, array_agg(-1) AS sign INTO changes
        FROM old_rows r JOIN relations_participant p ON p.meeting_id = r.meeting_id
        JOIN relations_meeting m ON m.id = r.meeting_id AND m.status <> 'cancelled';
    ELSE
        SELECT array_agg(country_id) AS c, array_agg(held_on) AS d INTO keys
        FROM (SELECT country_id, held_on FROM old_rows UNION SELECT country_id, held_on FROM new_rows) r;
        -- Whom a meeting's officials met changes only with a side moved to another country or meeting.
        WITH moved AS (
            SELECT o.country_id AS old_country, o.meeting_id AS old_meeting,
                   n.country_id AS new_country, n.meeting_id AS new_meeting
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.country_id IS DISTINCT FROM n.country_id OR o.meeting_id IS DISTINCT FROM n.meeting_id
        ), contributions AS (
            SELECT old_country AS country, old_meeting AS meeting, -1 AS sign FROM moved
            UNION ALL SELECT new_country, new_meeting, 1 FROM moved
        )
        SELECT array_agg(r.country) AS c, array_agg(p.side_id) AS s, array_agg(p.official_id) AS o,
               array_agg(m.held_on) AS d, array_agg(r.sign) AS sign INTO changes
        FROM contributions r JOIN relations_participant p ON p.meeting_id = r.meeting
        JOIN relations_meeting m ON m.id = r.meeting AND m.status <> 'cancelled';
    END IF;
    PERFORM relations_summary_country_months(keys.c, keys.d);
    PERFORM relations_summary_officials_apply(changes.c, changes.s, changes.o, changes.d, changes.sign);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION relations_summary_participants_changed() RETURNS trigger
LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    changes record;
BEGIN
    IF relations_summary_deferred() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(mc.country_id) AS c, array_agg(r.side_id) AS s, array_agg(r.official_id) AS o,
               array_agg(m.held_on) AS d, array_agg(1) AS sign INTO changes
        FROM new_rows r JOIN relations_meetingcountry mc ON mc.meeting_id = r.meeting_id
        JOIN relations_meeting m ON m.id = r.meeting_id AND m.status <> 'cancelled';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(mc.country_id) AS c, array_agg(r.side_id) AS s, array_agg(r.official_id) AS o,
               array_agg(m.held_on) AS d, array_agg(-1) AS sign INTO changes
        FROM old_rows r JOIN relations_meetingcountry mc ON mc.meeting_id = r.meeting_id
        JOIN relations_meeting m ON m.id = r.meeting_id AND m.status <> 'cancelled';
    ELSE
        -- A participation counts under its meeting, side and official: a change of role or title changes nothing.
        WITH moved AS (
            SELECT o.meeting_id AS old_meeting, o.side_id AS old_side, o.official_id AS old_official,
                   n.meeting_id AS new_meeting, n.side_id AS new_side, n.official_id AS new_official
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.meeting_id, o.side_id, o.official_id) IS DISTINCT FROM (n.meeting_id, n.side_id, n.official_id)
        ), contributions AS (
            SELECT old_meeting AS meeting_id, old_side AS side_id, old_official AS official_id, -1 AS sign FROM moved
            UNION ALL SELECT new_meeting, new_side, new_official, 1 FROM moved
        )
        SELECT array_agg(mc.country_id) AS c, array_agg(r.side_id) AS s, array_agg(r.official_id) AS o,
               array_agg(m.held_on) AS d, array_agg(r.sign) AS sign INTO changes
        FROM contributions r JOIN relations_meetingcountry mc ON mc.meeting_id = r.meeting_id
        JOIN relations_meeting m ON m.id = r.meeting_id AND m.status <> 'cancelled';
    END IF;
    PERFORM relations_summary_officials_apply(changes.c, changes.s, changes.o, changes.d, changes.sign);
    RETURN NULL;
END $$;

-- A meeting's date or status: its sides in the old and the new month, its month counts, its officials' days.
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

DROP FUNCTION relations_summary_participants_of(text[], bigint[]);
DROP FUNCTION relations_summary_officials(text[], text[], bigint[]);
DROP FUNCTION relations_summary_official_keys(text[], text[], bigint[]);
"""


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor) -> None:
    """The functions of 0012 again."""
    if schema_editor.connection.vendor != "postgresql":
        return
    earlier = importlib.import_module("relations.migrations.0012_summaries")
    schema_editor.execute(
        "DROP FUNCTION IF EXISTS relations_summary_officials_apply(text[], text[], bigint[], date[], int[]);"
        "DROP FUNCTION IF EXISTS relations_summary_last_met(text, text, bigint);"
        "DROP FUNCTION IF EXISTS relations_summary_official_changes(text[], text[], bigint[], date[], int[]);"
    )
    restored = (
        "relations_summary_official_keys",
        "relations_summary_officials(",
        "relations_summary_participants_of",
    )
    # 0012's functions one by one (its comments between them are SQL comments): those dropped above, and its triggers.
    chunks = earlier.RECOUNT.split("CREATE FUNCTION ")[1:]
    sql = ["CREATE OR REPLACE FUNCTION " + c for c in chunks if c.startswith(restored)]
    sql.append(earlier.TRIGGERS.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    for statement in sql:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("relations", "0014_summaries_added_by_bulk_writers")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
