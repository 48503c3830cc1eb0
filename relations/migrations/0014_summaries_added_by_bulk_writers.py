"""A bulk writer adds its own meetings to the summaries, batch by batch; the stale flag goes.

generate_data deferred the summaries' triggers and counted everything again at the end: 30-40 s at a million
meetings, on top of the load, with the pages counting from the tables meanwhile. Its meetings are new, so their
counts simply add to what the summaries hold: `relations_summary_add_meetings` adds those of a range of new meeting
ids in the batch's own transaction, and the summaries are never stale.
"""

from django.db import migrations

LOCK = "PERFORM pg_advisory_xact_lock(hashtext('relations_summaries'));"

TOPS = """
    SELECT DISTINCT ms.meeting_id, COALESCE(s.parent_id, s.id) AS top
    FROM relations_meetingsector ms JOIN relations_sector s ON s.id = ms.sector_id
    WHERE ms.meeting_id BETWEEN first_id AND last_id
"""

CREATE = f"""
-- The meetings first_id..last_id added to every summary: for meetings no summary counted yet (a bulk writer's own,
-- written with the triggers deferred). Distinct new meetings add to each count; first and last days widen.
CREATE FUNCTION relations_summary_add_meetings(first_id bigint, last_id bigint) RETURNS void
LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    {LOCK}
    INSERT INTO relations_countrymonth AS t (country_id, month, meetings, first_held_on, last_held_on)
    SELECT mc.country_id, date_trunc('month', mc.held_on)::date, count(*), min(mc.held_on), max(mc.held_on)
    FROM relations_meetingcountry mc JOIN relations_meeting m ON m.id = mc.meeting_id
    WHERE mc.meeting_id BETWEEN first_id AND last_id AND m.status <> 'cancelled'
    GROUP BY 1, 2
    ON CONFLICT (country_id, month) DO UPDATE SET meetings = t.meetings + EXCLUDED.meetings,
        first_held_on = LEAST(t.first_held_on, EXCLUDED.first_held_on),
        last_held_on = GREATEST(t.last_held_on, EXCLUDED.last_held_on);

    INSERT INTO relations_countrymonthsector AS t (country_id, month, top_sector, meetings)
    SELECT mc.country_id, date_trunc('month', mc.held_on)::date, COALESCE(tops.top, 0), count(*)
    FROM relations_meetingcountry mc
    JOIN relations_meeting m ON m.id = mc.meeting_id
    LEFT JOIN ({TOPS}) tops ON tops.meeting_id = mc.meeting_id
    WHERE mc.meeting_id BETWEEN first_id AND last_id AND m.status <> 'cancelled'
    GROUP BY 1, 2, 3
    ON CONFLICT (country_id, month, top_sector) DO UPDATE SET meetings = t.meetings + EXCLUDED.meetings;

    INSERT INTO relations_monthsector AS t (month, top_sector, meetings)
    SELECT date_trunc('month', m.held_on)::date, COALESCE(tops.top, 0), count(*)
    FROM relations_meeting m LEFT JOIN ({TOPS}) tops ON tops.meeting_id = m.id
    WHERE m.id BETWEEN first_id AND last_id AND m.status <> 'cancelled'
    GROUP BY 1, 2
    ON CONFLICT (month, top_sector) DO UPDATE SET meetings = t.meetings + EXCLUDED.meetings;

    INSERT INTO relations_countryofficial AS t (country_id, side_id, official_id, meetings, last_met)
    SELECT mc.country_id, p.side_id, p.official_id, count(*), max(m.held_on)
    FROM relations_participant p
    JOIN relations_meetingcountry mc ON mc.meeting_id = p.meeting_id
    JOIN relations_meeting m ON m.id = p.meeting_id
    WHERE p.meeting_id BETWEEN first_id AND last_id AND m.status <> 'cancelled' AND p.side_id IS NOT NULL
    GROUP BY 1, 2, 3
    ON CONFLICT (country_id, side_id, official_id) DO UPDATE SET meetings = t.meetings + EXCLUDED.meetings,
        last_met = GREATEST(t.last_met, EXCLUDED.last_met);
END $$;

-- As in 0012, without the stale flag.
CREATE OR REPLACE FUNCTION relations_summary_rebuild() RETURNS void LANGUAGE plpgsql SET jit = off AS $$
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
END $$;

DROP TABLE relations_summarystate;
"""

REVERSE = """
DROP FUNCTION IF EXISTS relations_summary_add_meetings(bigint, bigint);
CREATE TABLE relations_summarystate (id bigint PRIMARY KEY, stale boolean NOT NULL DEFAULT false);
INSERT INTO relations_summarystate (id, stale) VALUES (1, false);
"""


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [("relations", "0013_latest_lists_indexes")]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.DeleteModel(name="SummaryState"),
    ]
