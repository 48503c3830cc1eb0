"""Synthetic data at scale, for the benchmark: realistic shapes (skewed partners and sectors, careers, sources).

Rows are generated in batches of meetings and written with COPY on PostgreSQL or `executemany` on SQLite, with
ids chosen up front, so a million meetings never sit in memory and no `save()` runs: every copy that `save()`
would keep (MeetingCountry.held_on, Article.content_hash) is computed here. Nothing here fires signals, so
histories are not written and whatever summary the pages read is rebuilt at the end.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, models, transaction
from django.utils import timezone, translation

from relations import summaries
from relations.freshness import bump_on_commit
from relations.models import (
    Article,
    Commitment,
    Country,
    DatePrecision,
    Meeting,
    MeetingCountry,
    MeetingDigest,
    MeetingSector,
    Official,
    Participant,
    Position,
    Sector,
)

FIRST_DAY = dt.date(2008, 1, 1)
# Partners that dominate a South-East Asian ministry's calendar come first; the rest follow in a seeded order.
LEADING_PARTNERS = [
    "SG",
    "MY",
    "AU",
    "JP",
    "CN",
    "US",
    "KR",
    "IN",
    "TH",
    "VN",
    "PH",
    "NL",
    "DE",
    "FR",
    "GB",
    "SA",
    "AE",
    "TR",
    "RU",
    "PE",
    "BR",
    "NZ",
    "TL",
    "PG",
    "BN",
]
ZIPF_EXPONENT = 1.1

KIND_WEIGHTS = {
    Meeting.Kind.BILATERAL_MEETING: 30,
    Meeting.Kind.COURTESY_CALL: 20,
    Meeting.Kind.VISIT: 10,
    Meeting.Kind.DELEGATION_VISIT: 8,
    Meeting.Kind.PHONE_CALL: 7,
    Meeting.Kind.OFFICIAL_VISIT: 5,
    Meeting.Kind.AGREEMENT_SIGNING: 5,
    Meeting.Kind.OTHER: 5,
    Meeting.Kind.JOINT_COMMITTEE: 4,
    Meeting.Kind.JOINT_COMMISSION: 3,
    Meeting.Kind.MULTILATERAL_RECEPTION: 2,
    Meeting.Kind.DIALOGUE_2PLUS2: 1,
}
# (English title, Indonesian title, abbreviation, rank): rank 1 is a head of state, 9 staff.
TITLES = [
    ("President", "Presiden", "", 1),
    ("Prime Minister", "Perdana Menteri", "PM", 1),
    ("Minister of Foreign Affairs", "Menteri Luar Negeri", "Menlu", 2),
    ("Minister of Defence", "Menteri Pertahanan", "Menhan", 2),
    ("Minister of Trade", "Menteri Perdagangan", "Mendag", 2),
    ("Minister of Education", "Menteri Pendidikan", "Mendikbud", 2),
    ("Deputy Minister of Defence", "Wakil Menteri Pertahanan", "Wamenhan", 3),
    ("Deputy Minister of Foreign Affairs", "Wakil Menteri Luar Negeri", "Wamenlu", 3),
    ("Commander of the Armed Forces", "Panglima Angkatan Bersenjata", "Panglima", 3),
    ("Chief of Naval Staff", "Kepala Staf Angkatan Laut", "KSAL", 4),
    ("Chief of Army Staff", "Kepala Staf Angkatan Darat", "KSAD", 4),
    ("Secretary General", "Sekretaris Jenderal", "Sekjen", 4),
    ("Ambassador", "Duta Besar", "Dubes", 5),
    ("Director General for Defence Strategy", "Direktur Jenderal Strategi Pertahanan", "Dirjen Strahan", 5),
    ("Director for Bilateral Cooperation", "Direktur Kerja Sama Bilateral", "", 6),
    ("Defence Attaché", "Atase Pertahanan", "Athan", 6),
    ("Head of Division", "Kepala Divisi", "", 7),
    ("Senior Adviser", "Penasihat Senior", "", 7),
    ("Deputy Director", "Wakil Direktur", "", 8),
    ("Programme Officer", "Staf Program", "", 9),
]
TITLE_WEIGHTS = [1, 1, 2, 3, 2, 1, 3, 2, 2, 3, 3, 4, 6, 4, 6, 5, 6, 4, 5, 4]
FIRST_NAMES = [
    "Adi",
    "Agus",
    "Ahmad",
    "Andi",
    "Anna",
    "Arif",
    "Budi",
    "Carlos",
    "Chen",
    "David",
    "Dewi",
    "Eko",
    "Elena",
    "Fajar",
    "Hana",
    "Hiroshi",
    "Ibrahim",
    "Indra",
    "James",
    "Jin",
    "Joko",
    "Kim",
    "Lars",
    "Lucia",
    "Maria",
    "Mei",
    "Min",
    "Mohamed",
    "Nadia",
    "Nguyen",
    "Olga",
    "Omar",
    "Park",
    "Pierre",
    "Priya",
    "Rahul",
    "Rina",
    "Sari",
    "Siti",
    "Somchai",
    "Sophie",
    "Taro",
    "Tomas",
    "Wei",
    "Yuki",
]
LAST_NAMES = [
    "Abdullah",
    "Alvarez",
    "Anderson",
    "Becker",
    "Brown",
    "Chandra",
    "Dubois",
    "Fernandez",
    "Gunawan",
    "Haryanto",
    "Hassan",
    "Hidayat",
    "Ito",
    "Jensen",
    "Kumar",
    "Kurniawan",
    "Lee",
    "Lim",
    "Martin",
    "Mendoza",
    "Moreau",
    "Muller",
    "Nakamura",
    "Novak",
    "Pratama",
    "Quispe",
    "Rahman",
    "Rossi",
    "Santoso",
    "Sato",
    "Schmidt",
    "Setiawan",
    "Silva",
    "Singh",
    "Suzuki",
    "Tan",
    "Tanaka",
    "Torres",
    "Tran",
    "Wahyudi",
    "Wang",
    "Wibowo",
    "Wijaya",
    "Yamamoto",
    "Zhang",
]
# The home side's officials carry Indonesian names; partners draw from the mixed lists above.
HOME_FIRST_NAMES = [
    "Adi",
    "Agus",
    "Ahmad",
    "Andi",
    "Arif",
    "Bambang",
    "Budi",
    "Dedi",
    "Dewi",
    "Dian",
    "Eko",
    "Fajar",
    "Hadi",
    "Hendra",
    "Indra",
    "Joko",
    "Kartika",
    "Lestari",
    "Made",
    "Nur",
    "Putri",
    "Rina",
    "Rudi",
    "Sari",
    "Siti",
    "Sri",
    "Teguh",
    "Wahyu",
    "Wulan",
    "Yudi",
]
HOME_LAST_NAMES = [
    "Chandra",
    "Gunawan",
    "Hakim",
    "Haryanto",
    "Hidayat",
    "Irawan",
    "Kurniawan",
    "Lubis",
    "Nasution",
    "Pratama",
    "Purnomo",
    "Rahman",
    "Santoso",
    "Saputra",
    "Setiawan",
    "Siregar",
    "Sitompul",
    "Suharto",
    "Susanto",
    "Syahputra",
    "Wahyudi",
    "Wibowo",
    "Wijaya",
    "Yulianto",
]
HOME_PLACES = ["Jakarta", "Bandung", "Surabaya", "Bali", "Yogyakarta", "Batam", "Makassar", "Medan"]
OUTLETS = ["Antara", "Kompas", "Tempo", "The Jakarta Post", "Republika", "Detik", "CNN Indonesia", "Kemhan RI"]
TOPICS = [
    "border patrols",
    "joint exercises",
    "officer exchanges",
    "fisheries",
    "port security",
    "peacekeeping training",
    "cyber defence",
    "disaster relief",
    "arms procurement",
    "pandemic preparedness",
    "student scholarships",
    "palm oil trade",
    "nickel processing",
    "renewable energy",
    "halal certification",
    "coastal radar",
    "submarine rescue",
    "counter-narcotics",
    "hydrographic survey",
    "satellite imagery",
]
COMMITMENTS = {
    Commitment.Kind.INVITATION: "An invitation to visit {partner} next year",
    Commitment.Kind.EXPLORE: "Explore cooperation on {topic}",
    Commitment.Kind.MOU: "Sign a memorandum of understanding on {topic}",
    Commitment.Kind.PLANNED_VISIT: "A return visit by the {partner} delegation",
    Commitment.Kind.PLANNED_MEETING: "Hold the next joint working group on {topic}",
    Commitment.Kind.OTHER: "Exchange experts on {topic}",
}


@dataclass
class Counts:
    officials: int = 0
    positions: int = 0
    meetings: int = 0
    meeting_countries: int = 0
    participants: int = 0
    meeting_sectors: int = 0
    articles: int = 0
    article_links: int = 0
    commitments: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def zipf_cum_weights(n: int, exponent: float = ZIPF_EXPONENT) -> list[float]:
    return list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, n + 1)))


# --- Writing -----------------------------------------------------------------------------------------------------


class Table:
    """One table's columns in the order the generator fills them; columns it does not know get their defaults."""

    def __init__(self, model: type[models.Model], filled: Sequence[str], connection) -> None:
        self.name = model._meta.db_table
        self.model = model
        by_column = {f.column: f for f in model._meta.concrete_fields}
        missing = [c for c in filled if c not in by_column]
        if missing:
            raise ValueError(f"{self.name} has no column {', '.join(missing)}")
        self.columns = list(filled)
        extra = []
        for column, f in by_column.items():
            if column in filled or isinstance(f, models.GeneratedField) or f.db_default is not models.NOT_PROVIDED:
                continue
            if f.has_default() or (f.empty_strings_allowed and not f.null):
                extra.append(f.get_db_prep_save(f.get_default(), connection))
            elif f.null:
                extra.append(None)
            else:
                raise ValueError(f"generate_data does not know how to fill {self.name}.{column}")
            self.columns.append(column)
        self.defaults = tuple(extra)


class Writer:
    """Inserts rows with explicit ids; PostgreSQL through COPY, other databases through executemany."""

    def __init__(self, using: str) -> None:
        self.connection = connections[using]
        self.is_postgres = self.connection.vendor == "postgresql"

    def date(self, day: dt.date) -> str:
        return day.isoformat()

    def timestamp(self, moment: dt.datetime) -> str:
        # Stored as UTC: PostgreSQL parses the offset, SQLite (Django's own format) keeps naive UTC text.
        return moment.isoformat(sep=" ") if self.is_postgres else moment.replace(tzinfo=None).isoformat(sep=" ")

    def json(self, value) -> str:
        return json.dumps(value, ensure_ascii=False)

    def write(self, table: Table, rows: Iterable[tuple]) -> int:
        defaults = table.defaults
        if defaults:
            rows = (row + defaults for row in rows)
        columns = ", ".join(self.connection.ops.quote_name(c) for c in table.columns)
        name = self.connection.ops.quote_name(table.name)
        count = 0
        if self.is_postgres:
            self.connection.ensure_connection()
            sql = f"COPY {name} ({columns}) FROM STDIN"
            with self.connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            rows = list(rows)
            marks = ", ".join(["%s"] * len(table.columns))
            with self.connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {name} ({columns}) VALUES ({marks})", rows)
            count = len(rows)
        return count

    def reserve_ids(self, model: type[models.Model], count: int) -> int:
        """The first of `count` consecutive free ids of the model's table; later inserts by others start above."""
        table = self.connection.ops.quote_name(model._meta.db_table)
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            if not self.is_postgres:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
                return cursor.fetchone()[0]
            # The lock keeps concurrent inserts from drawing an id between reading and moving the sequence.
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT GREATEST(nextval(%s), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}))", [sequence])
            first = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + max(count, 1) - 1])
            return first

    def analyze(self, tables: Iterable[str]) -> None:
        with self.connection.cursor() as cursor:
            if self.is_postgres:
                for table in tables:
                    cursor.execute(f"ANALYZE {self.connection.ops.quote_name(table)}")
            else:
                cursor.execute("ANALYZE")


# --- Reference data ----------------------------------------------------------------------------------------------

FALLBACK_SECTORS = {
    "defence": ["counter-terrorism", "maritime-security", "defence-industry", "military-education", "peacekeeping"],
    "economy": ["trade", "investment", "energy", "infrastructure"],
    "education": [],
    "health": [],
    "culture-and-tourism": [],
    "agriculture-and-fisheries": [],
    "digital-and-cyber": [],
}


def ensure_reference_data() -> None:
    """Countries and sectors, for a database without the reference fixture: every ISO country, a small sector tree."""
    if not Country.objects.exists():
        import pycountry

        Country.objects.bulk_create(
            Country(code=c.alpha_2, alpha3=c.alpha_3, name_en=c.name, name_id=c.name) for c in pycountry.countries
        )
    if not Sector.objects.exists():
        for parent_slug, children in FALLBACK_SECTORS.items():
            name = parent_slug.replace("-", " ").capitalize()
            parent = Sector.objects.create(slug=parent_slug, name_en=name, name_id=name)
            for slug in children:
                name = slug.replace("-", " ").capitalize()
                Sector.objects.create(slug=slug, parent=parent, name_en=name, name_id=name)
    home = settings.HOME_COUNTRY
    Country.objects.get_or_create(code=home, defaults={"alpha3": home + "X", "name_en": home, "name_id": home})


# --- Generation --------------------------------------------------------------------------------------------------


@dataclass
class Career:
    """An official's consecutive positions: start ordinals (sorted), position ids, English titles."""

    starts: list[int] = field(default_factory=list)
    position_ids: list[int] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)

    def at(self, ordinal: int) -> tuple[int, str]:
        i = max(bisect.bisect_right(self.starts, ordinal) - 1, 0)
        return self.position_ids[i], self.titles[i]


class Generator:
    def __init__(self, meetings: int, *, seed: int, using: str, batch_size: int, today: dt.date) -> None:
        self.total = meetings
        self.rng = random.Random(seed)
        self.seed = seed
        self.batch_size = batch_size
        self.today = today
        self.last_day = today + dt.timedelta(days=180)
        self.writer = Writer(using)
        connection = self.writer.connection
        through = Article.meetings.through
        self.tables = {
            "official": Table(Official, ["id", "full_name", "aliases", "country_id"], connection),
            "position": Table(
                Position,
                ["id", "official_id", "title_id", "title_en", "abbreviation", "rank", "started_on", "ended_on"],
                connection,
            ),
            "meeting": Table(
                Meeting,
                ["id", "held_on", "date_precision", "status", "kind", "title", "summary", "place"]
                + ["venue_country_id", "created_at", "updated_at"],
                connection,
            ),
            "meeting_country": Table(MeetingCountry, ["id", "meeting_id", "country_id", "role", "held_on"], connection),
            "meeting_digest": Table(
                MeetingDigest, ["meeting_id", "host", "partners", "sides", "participants", "sectors"], connection
            ),
            "participant": Table(
                Participant,
                ["id", "meeting_id", "official_id", "position_id", "side_id", "role", "title_as_written"],
                connection,
            ),
            "meeting_sector": Table(
                MeetingSector, ["id", "meeting_id", "sector_id", "evidence", "article_id"], connection
            ),
            "article": Table(
                Article,
                ["id", "url", "outlet", "language", "published_on", "title", "text", "content_hash", "status"]
                + ["created_at", "updated_at"],
                connection,
            ),
            "article_link": Table(
                through,
                ["id", through._meta.get_field("article").column, through._meta.get_field("meeting").column],
                connection,
            ),
            "commitment": Table(
                Commitment,
                ["id", "meeting_id", "kind", "description", "evidence", "due_on", "due_precision", "status"]
                + ["fulfilled_by_id"],
                connection,
            ),
        }
        with translation.override("en"):
            self.kind_labels = {kind: str(kind.label) for kind in KIND_WEIGHTS}
        self.kinds = list(KIND_WEIGHTS)
        self.kind_cum = list(itertools.accumulate(KIND_WEIGHTS.values()))
        self.title_cum = list(itertools.accumulate(TITLE_WEIGHTS))

    # Reference rows and their skew.

    def load_reference(self) -> None:
        self.home = settings.HOME_COUNTRY
        countries = dict(Country.objects.values_list("code", "name_en"))
        self.country_names = countries
        others = sorted(code for code in countries if code != self.home)
        leading = [code for code in LEADING_PARTNERS if code in countries and code != self.home]
        rest = [code for code in others if code not in leading]
        self.rng.shuffle(rest)
        self.partners = leading + rest
        self.partner_cum = zipf_cum_weights(len(self.partners))
        sectors = list(Sector.objects.order_by("id").values_list("id", "name_en"))
        self.rng.shuffle(sectors)
        self.sector_ids = [s[0] for s in sectors]
        self.sector_names = dict(sectors)
        self.sector_slugs = dict(Sector.objects.values_list("id", "slug"))
        self.sector_cum = zipf_cum_weights(len(sectors), exponent=0.9)

    def officials_plan(self) -> dict[str, int]:
        """How many officials each country gets: the home side meets often, partners in proportion to their share."""
        plan = {self.home: max(12, self.total // 200)}
        partner_total = max(60, self.total // 25)
        weights = [b - a for a, b in zip([0.0, *self.partner_cum], self.partner_cum, strict=False)]
        scale = partner_total / self.partner_cum[-1]
        for code, weight in zip(self.partners, weights, strict=True):
            plan[code] = max(3, round(weight * scale))
        return plan

    def create_officials(self, counts: Counts) -> None:
        plan = self.officials_plan()
        taken = set(Official.objects.values_list("country_id", "full_name"))
        total = sum(plan.values())
        next_official = self.writer.reserve_ids(Official, total)
        next_position = self.writer.reserve_ids(Position, total * 3)
        first, last = FIRST_DAY.toordinal(), self.last_day.toordinal()
        officials, positions = [], []
        self.officials_by_country: dict[str, list[int]] = {}
        self.careers: dict[int, Career] = {}
        self.official_names: dict[int, str] = {}
        rng, w = self.rng, self.writer
        for code, n in plan.items():
            ids = []
            firsts, lasts = (HOME_FIRST_NAMES, HOME_LAST_NAMES) if code == self.home else (FIRST_NAMES, LAST_NAMES)
            for _ in range(n):
                for _attempt in range(50):
                    name = f"{rng.choice(firsts)} {chr(65 + rng.randrange(26))}. {rng.choice(lasts)}"
                    if (code, name) not in taken:
                        break
                else:
                    name = f"{name} {next_official}"
                taken.add((code, name))
                official_id = next_official
                next_official += 1
                ids.append(official_id)
                self.official_names[official_id] = name
                officials.append((official_id, name, w.json([name.split()[-1]]), code))
                # Consecutive posts covering the whole calendar, so every meeting date resolves to one of them.
                steps = rng.randint(1, 3)
                cuts = sorted(rng.sample(range(first + 1, last), steps - 1))
                starts = [first, *cuts]
                career = Career()
                picks = rng.sample(range(len(TITLES)), steps)
                picks.sort(key=lambda i: -TITLES[i][3])  # a career climbs: rank numbers fall over time
                for k, start in enumerate(starts):
                    title_en, title_id, abbreviation, rank = TITLES[picks[k]]
                    ended = starts[k + 1] - 1 if k + 1 < steps else None
                    positions.append(
                        (
                            next_position,
                            official_id,
                            title_id,
                            title_en,
                            abbreviation,
                            rank,
                            w.date(dt.date.fromordinal(start)),
                            None if ended is None else w.date(dt.date.fromordinal(ended)),
                        )
                    )
                    career.starts.append(start)
                    career.position_ids.append(next_position)
                    career.titles.append(title_en)
                    next_position += 1
                self.careers[official_id] = career
            self.officials_by_country[code] = ids
        self.official_cum = {code: zipf_cum_weights(len(ids), 0.8) for code, ids in self.officials_by_country.items()}
        with transaction.atomic(using=w.connection.alias):
            counts.officials += w.write(self.tables["official"], officials)
            counts.positions += w.write(self.tables["position"], positions)

    def meeting_days(self) -> Iterable[dt.date]:
        """The meeting dates in order: growing activity over the years, uniform within a month."""
        months = []
        day = FIRST_DAY
        while day <= self.last_day:
            months.append(day)
            day = (day + dt.timedelta(days=32)).replace(day=1)
        weights = [1 + 2 * i / len(months) for i in range(len(months))]
        scale = self.total / sum(weights)
        quotas = [int(w * scale) for w in weights]
        for i in self.rng.choices(range(len(months)), weights=weights, k=self.total - sum(quotas)):
            quotas[i] += 1
        for month, quota in zip(months, quotas, strict=True):
            length = ((month + dt.timedelta(days=32)).replace(day=1) - month).days
            if month.year == self.last_day.year and month.month == self.last_day.month:
                length = self.last_day.day
            for offset in sorted(self.rng.randrange(length) for _ in range(quota)):
                yield month + dt.timedelta(days=offset)

    def run(self, progress: Callable[[int], None] | None = None) -> Counts:
        counts = Counts()
        self.load_reference()
        self.create_officials(counts)
        n = self.total
        self.ids = {
            "meeting": self.writer.reserve_ids(Meeting, n),
            "meeting_country": self.writer.reserve_ids(MeetingCountry, 3 * n),
            "participant": self.writer.reserve_ids(Participant, 4 * n),
            "meeting_sector": self.writer.reserve_ids(MeetingSector, 3 * n),
            "article": self.writer.reserve_ids(Article, n),
            "article_link": self.writer.reserve_ids(Article.meetings.through, n),
            "commitment": self.writer.reserve_ids(Commitment, n),
        }
        self.next = dict(self.ids)
        days = self.meeting_days()
        done = 0
        using = self.writer.connection.alias
        try:
            while done < n:
                size = min(self.batch_size, n - done)
                batch = list(itertools.islice(days, size))
                with transaction.atomic(using=using):
                    if self.writer.is_postgres:
                        with self.writer.connection.cursor() as cursor:
                            cursor.execute("SET LOCAL synchronous_commit = off")
                            # The batch writes its meetings' digests itself (write_batch) rather than the triggers
                            # recomputing them after each table's COPY (relations/digests.py); the summaries are
                            # counted once at the end (relations/summaries.py): every batch has meetings in nearly
                            # every month, and adding each batch's cost a million meetings 2.5 minutes.
                            cursor.execute("SET LOCAL relations.defer_digests = 'on'")
                            summaries.defer(cursor)
                    counts.add(self.write_batch(done, batch))
                done += size
                if progress:
                    progress(done)
        finally:
            if self.writer.is_postgres:
                with self.writer.connection.cursor() as cursor:
                    # Within an enclosing transaction (a test's), the batches' SET LOCAL would outlive them.
                    cursor.execute(
                        "SELECT set_config('relations.defer_digests', 'off', true),"
                        " set_config('relations.defer_summaries', 'off', true)"
                    )
            # Statistics first: the summaries' count plans by them (a new database has none until autovacuum comes
            # round, if it is on; joins planned for a handful of rows took seconds a batch when the summaries were
            # added batch by batch).
            self.writer.analyze(t.name for t in self.tables.values())
            if self.writer.is_postgres:
                # Interrupted too: the batches written are committed, and counted.
                summaries.rebuild(using)
                self.writer.analyze(summaries.TABLES)
        return counts

    def digest(self, meeting_id: int, host: str | None, sides: list, participants: list, sector_ids: set) -> tuple:
        """The meeting's digest row as the database computes it (relations_digest_compute, migration 0007): codes
        and slugs in code point order, participants principals first in id order, "Name (title)". A test compares
        the two."""
        people = []
        for _pk, _meeting, official, _position, _side, _role, title in participants:  # principals were drawn first
            name = self.official_names[official]
            people.append(f"{name} ({title})" if title else name)
        return (
            meeting_id,
            host or "",
            "; ".join(sorted(code for _pk, _meeting, code, role, _day in sides if role == "partner")),
            "; ".join(sorted(code for _pk, _meeting, code, _role, _day in sides)),
            "; ".join(people),
            "; ".join(sorted(self.sector_slugs[sector] for sector in sector_ids)),
        )

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value

    def write_batch(self, offset: int, days: list[dt.date]) -> Counts:
        rng, w, home = self.rng, self.writer, self.home
        size = len(days)
        partners = rng.choices(self.partners, cum_weights=self.partner_cum, k=size)
        kinds = rng.choices(self.kinds, cum_weights=self.kind_cum, k=size)
        now = timezone.now()
        stamp = w.timestamp(now)
        meetings, sides, participants, sector_links, articles, links, commitments = [], [], [], [], [], [], []
        meeting_digests = []
        first_id = self.ids["meeting"] + offset
        # Meetings of this batch per partner, so a commitment is fulfilled by a later meeting with the same partner.
        by_partner: dict[str, list[int]] = {}
        for i, code in enumerate(partners):
            by_partner.setdefault(code, []).append(i)
        date_cache: dict[dt.date, str] = {}
        for i, day in enumerate(days):
            meeting_id = first_id + i
            partner = partners[i]
            kind = kinds[i]
            precision = DatePrecision.DAY
            roll = rng.random()
            if roll < 0.01:
                precision, day = DatePrecision.YEAR, day.replace(month=1, day=1)
            elif roll < 0.05:
                precision, day = DatePrecision.MONTH, day.replace(day=1)
            held_on = date_cache.get(day) or date_cache.setdefault(day, w.date(day))
            if day > self.today:
                status = Meeting.Status.PLANNED
            else:
                status = Meeting.Status.CANCELLED if rng.random() < 0.03 else Meeting.Status.HELD
            partner_name = self.country_names[partner]
            home_name = self.country_names[home]
            extra_partner = None
            if kind == Meeting.Kind.PHONE_CALL:
                host, place, venue = None, "", None
            elif rng.random() < 0.6:
                host, place, venue = home, rng.choice(HOME_PLACES), home
            else:
                host, place, venue = partner, partner_name, partner
            first_side, first_participant = len(sides), len(participants)
            if host != partner:
                sides.append((self.take("meeting_country"), meeting_id, partner, "partner", held_on))
            if host:
                sides.append((self.take("meeting_country"), meeting_id, host, "host", held_on))
            if rng.random() < 0.08:
                extra_partner = rng.choices(self.partners, cum_weights=self.partner_cum)[0]
                if extra_partner not in (partner, home):
                    sides.append((self.take("meeting_country"), meeting_id, extra_partner, "partner", held_on))
            # Participants: a principal on each side, up to two more from either side.
            ordinal = day.toordinal()
            chosen = set()
            names = []
            for k in range(rng.randint(2, 4)):
                side = home if k == 0 else partner if k == 1 else rng.choice((home, partner))
                pool = self.officials_by_country[side]
                official = rng.choices(pool, cum_weights=self.official_cum[side])[0]
                if official in chosen:
                    continue
                chosen.add(official)
                position_id, title = self.careers[official].at(ordinal)
                participants.append(
                    (
                        self.take("participant"),
                        meeting_id,
                        official,
                        position_id,
                        side,
                        "principal" if k < 2 else "accompanying",
                        title,
                    )
                )
                names.append(self.official_names[official])
            sector_ids = set(rng.choices(self.sector_ids, cum_weights=self.sector_cum, k=rng.randint(1, 3)))
            sector_text = " and ".join(self.sector_names[s].lower() for s in sector_ids)
            topic = rng.choice(TOPICS)
            title = f"{self.kind_labels[kind].capitalize()}: {home_name} and {partner_name} on {sector_text}"
            summary = (
                f"{names[0]} met {names[1]} {'by phone' if not place else 'in ' + place} to discuss {sector_text}, "
                f"in particular {topic}."
            )
            meetings.append(
                (meeting_id, held_on, precision, status, kind, title[:300], summary, place, venue, stamp, stamp)
            )
            article_id = None
            if rng.random() < 0.5:
                article_id = self.take("article")
                english = rng.random() < 0.5
                if english:
                    text = (
                        f"{place or 'Jakarta'}, {day:%d %B %Y}. {summary}\n\n"
                        f"Both delegations agreed to strengthen cooperation in {sector_text}. "
                        f"Talks covered {topic} and the follow-up of earlier agreements.\n\n"
                        f"Release no. {article_id}."
                    )
                else:
                    text = (
                        f"{place or 'Jakarta'}, {day:%d/%m/%Y}. {names[0]} menerima kunjungan {names[1]} "
                        f"untuk membahas kerja sama {sector_text}, khususnya {topic}.\n\n"
                        f"Kedua pihak sepakat memperkuat kerja sama bilateral {home_name} dan {partner_name}.\n\n"
                        f"Siaran pers nomor {article_id}."
                    )
                published = day + dt.timedelta(days=rng.randint(0, 2))
                articles.append(
                    (
                        article_id,
                        f"https://news.example.org/{published:%Y/%m}/{article_id}",
                        rng.choice(OUTLETS),
                        "en" if english else "id",
                        w.date(published),
                        title[:500],
                        text,
                        hashlib.sha256(text.encode("utf-8")).hexdigest(),
                        Article.Status.APPROVED,
                        stamp,
                        stamp,
                    )
                )
                links.append((self.take("article_link"), article_id, meeting_id))
            for sector_id in sector_ids:
                evidence = f"Both sides agreed to deepen cooperation in {self.sector_names[sector_id].lower()}."
                sector_links.append((self.take("meeting_sector"), meeting_id, sector_id, evidence, article_id))
            if rng.random() < 0.2:
                commitments.append(self.commitment(i, meeting_id, day, partner_name, topic, by_partner[partner]))
            if w.is_postgres:
                meeting_digests.append(
                    self.digest(meeting_id, host, sides[first_side:], participants[first_participant:], sector_ids)
                )
        w.write(self.tables["meeting"], meetings)
        w.write(self.tables["meeting_country"], sides)
        w.write(self.tables["participant"], participants)
        w.write(self.tables["article"], articles)
        w.write(self.tables["article_link"], links)
        w.write(self.tables["meeting_sector"], sector_links)
        w.write(self.tables["commitment"], commitments)
        w.write(self.tables["meeting_digest"], meeting_digests)
        return Counts(
            meetings=len(meetings),
            meeting_countries=len(sides),
            participants=len(participants),
            meeting_sectors=len(sector_links),
            articles=len(articles),
            article_links=len(links),
            commitments=len(commitments),
        )

    def commitment(self, i: int, meeting_id: int, day: dt.date, partner: str, topic: str, same_partner: list[int]):
        rng = self.rng
        kind = rng.choice(list(COMMITMENTS))
        description = COMMITMENTS[kind].format(partner=partner, topic=topic)
        due = day + dt.timedelta(days=rng.randint(60, 540))
        precision = DatePrecision.DAY
        if rng.random() < 0.5:
            due, precision = due.replace(day=1), DatePrecision.MONTH
        fulfilled_by = None
        if due > self.today:
            status = Commitment.Status.OPEN
        else:
            roll = rng.random()
            status = (
                Commitment.Status.FULFILLED
                if roll < 0.45
                else Commitment.Status.LAPSED
                if roll < 0.8
                else Commitment.Status.OPEN
            )
            if status == Commitment.Status.FULFILLED:
                later = bisect.bisect_right(same_partner, i)
                if later < len(same_partner):
                    fulfilled_by = meeting_id + same_partner[later] - i
        return (
            self.take("commitment"),
            meeting_id,
            kind,
            description,
            f"{description}, the two sides said.",
            self.writer.date(due),
            precision,
            status,
            fulfilled_by,
        )


def clear(using: str = "default") -> None:
    """Delete every meeting, source, commitment, official and position, and their histories."""
    models_ = [
        Commitment,
        MeetingSector,
        Participant,
        MeetingCountry,
        Article.meetings.through,
        Article,
        Meeting,
        Position,
        Official,
    ]
    tables = [m._meta.db_table for m in models_]
    tables += [m.history.model._meta.db_table for m in models_ if hasattr(m, "history")]
    connection = connections[using]
    quote = connection.ops.quote_name
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Checks still deferred in an enclosing transaction would make TRUNCATE refuse: run them first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table)}")
    bump_on_commit(using)


def generate(
    meetings: int,
    *,
    seed: int = 1,
    using: str = "default",
    batch_size: int = 10_000,
    progress: Callable[[int], None] | None = None,
    today: dt.date | None = None,
) -> Counts:
    """Add `meetings` synthetic meetings with their sides, participants, sectors, sources and commitments."""
    ensure_reference_data()
    generator = Generator(meetings, seed=seed, using=using, batch_size=batch_size, today=today or timezone.localdate())
    counts = generator.run(progress)
    bump_on_commit(using)  # bulk inserts call no save(): cached dashboard figures must go
    return counts
