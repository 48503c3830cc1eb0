"""Summaries of the overview's and partner pages' counts; on PostgreSQL, the triggers that keep them, and their rows.

relations/summaries.py explains the scheme. Each trigger runs once per statement over its transition tables, finds
the summary keys the statement's rows belong to (a country and month, a month, a country, side and official) and
counts those keys again from the tables, so that a COPY of thousands of rows recounts each key it touched once.
Filling the summaries of existing data takes some twenty seconds per million meetings.
"""

import django.db.models.deletion
from django.db import migrations, models

# One lock for every transaction that recounts summaries, held until it commits: a second writer waits, then counts
# from what the first committed (under READ COMMITTED each statement below takes a new snapshot), so two writers of
# meetings in the same month cannot each store a count that misses the other's meeting.
LOCK = "PERFORM pg_advisory_xact_lock(hashtext('relations_summaries'));"

# A meeting's top-level sectors: a sub-sector counts under its parent, a meeting once per top-level sector.
TOPS = """
    SELECT DISTINCT COALESCE(s.parent_id, s.id) AS top
    FROM relations_meetingsector ms JOIN relations_sector s ON s.id = ms.sector_id
    WHERE ms.meeting_id = m.id
"""
TOPS_ALL = """
    SELECT DISTINCT ms.meeting_id, COALESCE(s.parent_id, s.id) AS top
    FROM relations_meetingsector ms JOIN relations_sector s ON s.id = ms.sector_id
"""

# Every function here runs without JIT compilation: PostgreSQL's estimate for rows from an array is high enough
# to compile a recount of a few thousand rows, 0.3 s before a 60 ms query at a million meetings.

RECOUNT = f"""
CREATE FUNCTION relations_summary_deferred() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT current_setting('relations.defer_summaries', true) IS NOT DISTINCT FROM 'on'
$$;

CREATE FUNCTION relations_summary_month_keys(countries text[], days date[])
RETURNS TABLE (country text, month date) LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT c, date_trunc('month', d)::date FROM unnest(countries, days) u(c, d)
    WHERE c IS NOT NULL AND d IS NOT NULL
$$;

-- Countries and months: the countries' meetings in the months of `days` (the month's first day is the key).
CREATE FUNCTION relations_summary_country_months(countries text[], days date[]) RETURNS void LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    IF cardinality(countries) IS NULL THEN
        RETURN;
    END IF;
    {LOCK}
    DELETE FROM relations_countrymonth t USING relations_summary_month_keys(countries, days) k
    WHERE t.country_id = k.country AND t.month = k.month;
    INSERT INTO relations_countrymonth (country_id, month, meetings, first_held_on, last_held_on)
    SELECT k.country, k.month, count(*), min(mc.held_on), max(mc.held_on)
    FROM relations_summary_month_keys(countries, days) k
    JOIN relations_meetingcountry mc
        ON mc.country_id = k.country AND mc.held_on >= k.month AND mc.held_on < (k.month + interval '1 month')::date
    JOIN relations_meeting m ON m.id = mc.meeting_id
    WHERE m.status <> 'cancelled'
    GROUP BY k.country, k.month;

    DELETE FROM relations_countrymonthsector t USING relations_summary_month_keys(countries, days) k
    WHERE t.country_id = k.country AND t.month = k.month;
    INSERT INTO relations_countrymonthsector (country_id, month, top_sector, meetings)
    SELECT k.country, k.month, COALESCE(t.top, 0), count(*)
    FROM relations_summary_month_keys(countries, days) k
    JOIN relations_meetingcountry mc
        ON mc.country_id = k.country AND mc.held_on >= k.month AND mc.held_on < (k.month + interval '1 month')::date
    JOIN relations_meeting m ON m.id = mc.meeting_id
    LEFT JOIN LATERAL ({TOPS}) t ON true
    WHERE m.status <> 'cancelled'
    GROUP BY 1, 2, 3;
END $$;

-- Months: every meeting of the months of `days`, by top-level sector.
CREATE FUNCTION relations_summary_months(days date[]) RETURNS void LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    months date[] := ARRAY(SELECT DISTINCT date_trunc('month', d)::date FROM unnest(days) d WHERE d IS NOT NULL);
BEGIN
    IF cardinality(months) = 0 THEN
        RETURN;
    END IF;
    {LOCK}
    DELETE FROM relations_monthsector WHERE month = ANY(months);
    INSERT INTO relations_monthsector (month, top_sector, meetings)
    SELECT k.month, COALESCE(t.top, 0), count(*)
    FROM unnest(months) k(month)
    JOIN relations_meeting m ON m.held_on >= k.month AND m.held_on < (k.month + interval '1 month')::date
    LEFT JOIN LATERAL ({TOPS}) t ON true
    WHERE m.status <> 'cancelled'
    GROUP BY 1, 2;
END $$;

CREATE FUNCTION relations_summary_official_keys(countries text[], sides text[], officials bigint[])
RETURNS TABLE (country text, side text, official bigint) LANGUAGE sql IMMUTABLE AS $$
    SELECT DISTINCT c, s, o FROM unnest(countries, sides, officials) u(c, s, o)
    WHERE c IS NOT NULL AND s IS NOT NULL AND o IS NOT NULL
$$;

-- Countries, sides and officials: how often each official of the side met in meetings with the country.
CREATE FUNCTION relations_summary_officials(countries text[], sides text[], officials bigint[])
RETURNS void LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    IF cardinality(countries) IS NULL THEN
        RETURN;
    END IF;
    {LOCK}
    DELETE FROM relations_countryofficial t USING relations_summary_official_keys(countries, sides, officials) k
    WHERE t.country_id = k.country AND t.side_id = k.side AND t.official_id = k.official;
    INSERT INTO relations_countryofficial (country_id, side_id, official_id, meetings, last_met)
    SELECT k.country, k.side, k.official, count(*), max(m.held_on)
    FROM relations_summary_official_keys(countries, sides, officials) k
    JOIN relations_participant p ON p.official_id = k.official AND p.side_id = k.side
    JOIN relations_meetingcountry mc ON mc.meeting_id = p.meeting_id AND mc.country_id = k.country
    JOIN relations_meeting m ON m.id = p.meeting_id
    WHERE m.status <> 'cancelled'
    GROUP BY 1, 2, 3;
END $$;

-- The officials' keys of meetings with countries (pairs): every participant of the meeting, with that country.
CREATE FUNCTION relations_summary_participants_of(countries text[], meetings bigint[]) RETURNS void
LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    keys record;
BEGIN
    SELECT array_agg(k.c) AS c, array_agg(p.side_id) AS s, array_agg(p.official_id) AS o INTO keys
    FROM (SELECT DISTINCT c, m FROM unnest(countries, meetings) u(c, m)) k
    JOIN relations_participant p ON p.meeting_id = k.m;
    PERFORM relations_summary_officials(keys.c, keys.s, keys.o);
END $$;

-- Everything counted again from the tables (a bulk load that deferred the triggers, a TRUNCATE); the summaries are
-- then current.
CREATE FUNCTION relations_summary_rebuild() RETURNS void LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    {LOCK}
    DELETE FROM relations_countrymonth;
    INSERT INTO relations_countrymonth (country_id, month, meetings, first_held_on, last_held_on)
    SELECT mc.country_id, date_trunc('month', mc.held_on)::date, count(*), min(mc.held_on), max(mc.held_on)
    FROM relations_meetingcountry mc JOIN relations_meeting m ON m.id = mc.meeting_id
    WHERE m.status <> 'cancelled'
    GROUP BY 1, 2;
    PERFORM relations_summary_rebuild_sectors();
    DELETE FROM relations_countryofficial;
    INSERT INTO relations_countryofficial (country_id, side_id, official_id, meetings, last_met)
    SELECT mc.country_id, p.side_id, p.official_id, count(*), max(m.held_on)
    FROM relations_participant p
    JOIN relations_meetingcountry mc ON mc.meeting_id = p.meeting_id
    JOIN relations_meeting m ON m.id = p.meeting_id
    WHERE m.status <> 'cancelled' AND p.side_id IS NOT NULL
    GROUP BY 1, 2, 3;
    UPDATE relations_summarystate SET stale = false;
END $$;

-- The sector counts again (after a sector moved under another parent, its meetings' top-level sectors changed).
CREATE FUNCTION relations_summary_rebuild_sectors() RETURNS void LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    {LOCK}
    DELETE FROM relations_countrymonthsector;
    INSERT INTO relations_countrymonthsector (country_id, month, top_sector, meetings)
    SELECT mc.country_id, date_trunc('month', mc.held_on)::date, COALESCE(t.top, 0), count(*)
    FROM relations_meetingcountry mc
    JOIN relations_meeting m ON m.id = mc.meeting_id
    LEFT JOIN ({TOPS_ALL}) t ON t.meeting_id = mc.meeting_id
    WHERE m.status <> 'cancelled'
    GROUP BY 1, 2, 3;
    DELETE FROM relations_monthsector;
    INSERT INTO relations_monthsector (month, top_sector, meetings)
    SELECT date_trunc('month', m.held_on)::date, COALESCE(t.top, 0), count(*)
    FROM relations_meeting m LEFT JOIN ({TOPS_ALL}) t ON t.meeting_id = m.id
    WHERE m.status <> 'cancelled'
    GROUP BY 1, 2;
END $$;
"""

# The triggers: which keys a statement's rows belong to. Only the transition tables of the trigger's own operation
# exist; PL/pgSQL looks a table up when its branch runs.
TRIGGERS = """
CREATE FUNCTION relations_summary_sides_changed() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    keys record;
BEGIN
    IF relations_summary_deferred() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(country_id) AS c, array_agg(held_on) AS d, array_agg(meeting_id) AS m INTO keys
        FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(country_id) AS c, array_agg(held_on) AS d, array_agg(meeting_id) AS m INTO keys
        FROM old_rows;
    ELSE
        SELECT array_agg(country_id) AS c, array_agg(held_on) AS d, array_agg(meeting_id) AS m INTO keys
        FROM (SELECT country_id, held_on, meeting_id FROM old_rows
              UNION SELECT country_id, held_on, meeting_id FROM new_rows) r;
    END IF;
    PERFORM relations_summary_country_months(keys.c, keys.d);
    PERFORM relations_summary_participants_of(keys.c, keys.m);
    RETURN NULL;
END $$;

CREATE FUNCTION relations_summary_participants_changed() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    keys record;
BEGIN
    IF relations_summary_deferred() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(mc.country_id) AS c, array_agg(r.side_id) AS s, array_agg(r.official_id) AS o INTO keys
        FROM new_rows r JOIN relations_meetingcountry mc ON mc.meeting_id = r.meeting_id;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(mc.country_id) AS c, array_agg(r.side_id) AS s, array_agg(r.official_id) AS o INTO keys
        FROM old_rows r JOIN relations_meetingcountry mc ON mc.meeting_id = r.meeting_id;
    ELSE
        SELECT array_agg(mc.country_id) AS c, array_agg(r.side_id) AS s, array_agg(r.official_id) AS o INTO keys
        FROM (SELECT meeting_id, side_id, official_id FROM old_rows
              UNION SELECT meeting_id, side_id, official_id FROM new_rows) r
        JOIN relations_meetingcountry mc ON mc.meeting_id = r.meeting_id;
    END IF;
    PERFORM relations_summary_officials(keys.c, keys.s, keys.o);
    RETURN NULL;
END $$;

CREATE FUNCTION relations_summary_sectors_changed() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    meetings bigint[];
    keys record;
BEGIN
    IF relations_summary_deferred() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        meetings := ARRAY(SELECT DISTINCT meeting_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        meetings := ARRAY(SELECT DISTINCT meeting_id FROM old_rows);
    ELSE
        meetings := ARRAY(SELECT meeting_id FROM old_rows UNION SELECT meeting_id FROM new_rows);
    END IF;
    SELECT array_agg(country_id) AS c, array_agg(held_on) AS d INTO keys
    FROM relations_meetingcountry WHERE meeting_id = ANY(meetings);
    PERFORM relations_summary_country_months(keys.c, keys.d);
    PERFORM relations_summary_months(ARRAY(SELECT held_on FROM relations_meeting WHERE id = ANY(meetings)));
    RETURN NULL;
END $$;

-- A meeting's date or status: its sides in the old and the new month, its month counts, its officials.
CREATE FUNCTION relations_summary_meetings_changed() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    keys record;
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
        WITH moved AS (
            SELECT n.id, o.held_on AS old_day, n.held_on AS new_day
            FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE n.held_on IS DISTINCT FROM o.held_on OR n.status IS DISTINCT FROM o.status
        )
        SELECT array_agg(mc.country_id) AS c, array_agg(d.day) AS d, array_agg(mc.meeting_id) AS m INTO keys
        FROM moved r
        JOIN relations_meetingcountry mc ON mc.meeting_id = r.id
        CROSS JOIN LATERAL (VALUES (r.old_day), (r.new_day)) d(day);
        PERFORM relations_summary_country_months(keys.c, keys.d);
        PERFORM relations_summary_participants_of(keys.c, keys.m);
        days := ARRAY(
            SELECT d FROM (SELECT o.held_on, n.held_on FROM new_rows n JOIN old_rows o ON o.id = n.id
                           WHERE n.held_on IS DISTINCT FROM o.held_on OR n.status IS DISTINCT FROM o.status) r(a, b)
            CROSS JOIN LATERAL (VALUES (r.a), (r.b)) v(d)
        );
        PERFORM relations_summary_months(days);
    END IF;
    RETURN NULL;
END $$;

-- A sector moved under another parent moves its meetings between top-level sectors everywhere: counted again.
CREATE FUNCTION relations_summary_sector_tree_changed() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    IF relations_summary_deferred() THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.parent_id IS DISTINCT FROM o.parent_id)
    THEN
        PERFORM relations_summary_rebuild_sectors();
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION relations_summary_truncated() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    IF NOT relations_summary_deferred() THEN
        PERFORM relations_summary_rebuild();
    END IF;
    RETURN NULL;
END $$;
"""

# (table, function) for the tables whose rows are counted.
COUNTED = [
    ("relations_meetingcountry", "relations_summary_sides_changed"),
    ("relations_participant", "relations_summary_participants_changed"),
    ("relations_meetingsector", "relations_summary_sectors_changed"),
    ("relations_meeting", "relations_summary_meetings_changed"),
]

# Not managed by Django (relations/models.py says why): created here, on PostgreSQL alone.
TABLES = """
CREATE TABLE relations_countrymonth (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    country_id varchar(2) NOT NULL,
    month date NOT NULL,
    meetings integer NOT NULL CHECK (meetings >= 0),
    first_held_on date NOT NULL,
    last_held_on date NOT NULL,
    CONSTRAINT country_month_once UNIQUE (country_id, month)
);
CREATE TABLE relations_countrymonthsector (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    country_id varchar(2) NOT NULL,
    month date NOT NULL,
    top_sector integer NOT NULL,
    meetings integer NOT NULL CHECK (meetings >= 0),
    CONSTRAINT country_month_sector_once UNIQUE (country_id, month, top_sector)
);
CREATE TABLE relations_monthsector (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    month date NOT NULL,
    top_sector integer NOT NULL,
    meetings integer NOT NULL CHECK (meetings >= 0),
    CONSTRAINT month_sector_once UNIQUE (month, top_sector)
);
CREATE TABLE relations_countryofficial (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    country_id varchar(2) NOT NULL,
    side_id varchar(2) NOT NULL,
    official_id bigint NOT NULL,
    meetings integer NOT NULL CHECK (meetings >= 0),
    last_met date NOT NULL,
    CONSTRAINT country_official_once UNIQUE (country_id, side_id, official_id)
);
CREATE TABLE relations_summarystate (id bigint PRIMARY KEY, stale boolean NOT NULL DEFAULT false);
INSERT INTO relations_summarystate (id, stale) VALUES (1, false);
"""

SUMMARY_TABLES = ["relations_countrymonth", "relations_countrymonthsector", "relations_monthsector",
                  "relations_countryofficial"]  # fmt: skip

FUNCTIONS = [
    "relations_summary_deferred()",
    "relations_summary_month_keys(text[], date[])",
    "relations_summary_official_keys(text[], text[], bigint[])",
    "relations_summary_country_months(text[], date[])",
    "relations_summary_months(date[])",
    "relations_summary_officials(text[], text[], bigint[])",
    "relations_summary_participants_of(text[], bigint[])",
    "relations_summary_rebuild()",
    "relations_summary_rebuild_sectors()",
    *(f"{function}()" for _table, function in COUNTED),
    "relations_summary_sector_tree_changed()",
    "relations_summary_truncated()",
]


def create_sql() -> str:
    statements = [TABLES, RECOUNT, TRIGGERS]
    for table, function in COUNTED:
        statements.append(
            f"""
CREATE TRIGGER relations_summary_inserted AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER relations_summary_updated AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER relations_summary_deleted AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER relations_summary_truncated AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION relations_summary_truncated();
"""
        )
    statements.append(
        """
CREATE TRIGGER relations_summary_tree_changed AFTER UPDATE ON relations_sector
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION relations_summary_sector_tree_changed();
"""
    )
    return "\n".join(statements)


def drop_sql() -> str:
    statements = []
    for table, _function in COUNTED:
        for name in ("inserted", "updated", "deleted", "truncated"):
            statements.append(f"DROP TRIGGER IF EXISTS relations_summary_{name} ON {table};")
    statements.append("DROP TRIGGER IF EXISTS relations_summary_tree_changed ON relations_sector;")
    statements += [f"DROP FUNCTION IF EXISTS {function};" for function in FUNCTIONS]
    statements += [f"DROP TABLE IF EXISTS {table};" for table in [*SUMMARY_TABLES, "relations_summarystate"]]
    return "\n".join(statements)


def create_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(create_sql())
    schema_editor.execute("SELECT relations_summary_rebuild()")


def drop_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(drop_sql())


def country(related_name="+"):
    return models.ForeignKey(
        db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name=related_name,
        to="relations.country",
    )


class Migration(migrations.Migration):
    dependencies = [("relations", "0011_dates_on_first_days")]

    operations = [
        migrations.CreateModel(
            name="CountryMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                ("meetings", models.PositiveIntegerField()),
                ("first_held_on", models.DateField()),
                ("last_held_on", models.DateField()),
                ("country", country()),
            ],
            options={"managed": False, "db_table": "relations_countrymonth"},
        ),
        migrations.CreateModel(
            name="CountryMonthSector",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                ("top_sector", models.IntegerField()),
                ("meetings", models.PositiveIntegerField()),
                ("country", country()),
            ],
            options={"managed": False, "db_table": "relations_countrymonthsector"},
        ),
        migrations.CreateModel(
            name="MonthSector",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                ("top_sector", models.IntegerField()),
                ("meetings", models.PositiveIntegerField()),
            ],
            options={"managed": False, "db_table": "relations_monthsector"},
        ),
        migrations.CreateModel(
            name="CountryOfficial",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("meetings", models.PositiveIntegerField()),
                ("last_met", models.DateField()),
                ("country", country()),
                ("side", country()),
                (
                    "official",
                    models.ForeignKey(
                        db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                        to="relations.official",
                    ),
                ),
            ],
            options={"managed": False, "db_table": "relations_countryofficial"},
        ),
        migrations.CreateModel(
            name="SummaryState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("stale", models.BooleanField(default=False)),
            ],
            options={"managed": False, "db_table": "relations_summarystate"},
        ),
        migrations.AddConstraint(
            model_name="countrymonth",
            constraint=models.UniqueConstraint(fields=("country", "month"), name="country_month_once"),
        ),
        migrations.AddConstraint(
            model_name="countrymonthsector",
            constraint=models.UniqueConstraint(
                fields=("country", "month", "top_sector"), name="country_month_sector_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="monthsector",
            constraint=models.UniqueConstraint(fields=("month", "top_sector"), name="month_sector_once"),
        ),
        migrations.AddConstraint(
            model_name="countryofficial",
            constraint=models.UniqueConstraint(fields=("country", "side", "official"), name="country_official_once"),
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
