"""Synthetic demo data: enough meetings to make the dashboard meaningful, invented by us and labelled as such.

Every person, meeting and sentence here is made up (fictional names; real countries and institutions). Summaries
start with "[Demo data]" and the articles' outlet is "Demo data". A fixed random seed makes the output identical
on every run, so fixtures/demo.json is reproducible with `manage.py build_demo_fixture`.
Demo positions leave `abbreviation` empty so that title look-ups ("Menhan on 2022-05-01") never resolve to a
fictional person.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from babel import Locale

from relations.models import (
    Article,
    Commitment,
    Country,
    DatePrecision,
    Meeting,
    MeetingCountry,
    MeetingSector,
    Official,
    Organization,
    Participant,
    Position,
    Sector,
    content_hash,
    normalize_text,
)

RANDOM_SEED = 20251031
AS_OF = dt.date(2026, 11, 20)  # the demo's "today": later meetings are planned, earlier ones held
FIRST_PK = 1001  # the seed fixture uses small ids; the demo's never collide with them
LABEL = "Demo data"
HOME = "ID"
MEETINGS_PER_YEAR = {2021: 22, 2022: 30, 2023: 34, 2024: 36, 2025: 38, 2026: 34}
PLANNED_MEETINGS = 8

# Partner -> (weight, given names, family names, family name first, capital, sector leanings).
PARTNERS: dict[str, tuple[int, list[str], list[str], bool, str, list[str]]] = {
    "AU": (9, ["James", "Sarah", "Michael", "Emma", "Andrew", "Kate"],
           ["Mitchell", "Harrison", "Campbell", "Walsh", "Fraser", "Doyle"], False, "Canberra",
           ["maritime_security", "disaster_relief", "military_education_training", "counter_terrorism"]),
    "JP": (8, ["Hiroshi", "Kenji", "Takeshi", "Yuko", "Akira", "Naoko"],
           ["Tanaka", "Sato", "Watanabe", "Kobayashi", "Yamamoto", "Nakamura"], False, "Tokyo",
           ["maritime_security", "defence_industry", "disaster_relief", "energy"]),
    "US": (8, ["John", "Laura", "Robert", "Emily", "Daniel", "Karen"],
           ["Carter", "Hughes", "Bennett", "Sullivan", "Reed", "Porter"], False, "Washington, D.C.",
           ["maritime_security", "military_education_training", "counter_terrorism", "cyber_security"]),
    "CN": (5, ["Wei", "Jun", "Hong", "Ming", "Jian", "Lei"],
           ["Wang", "Zhang", "Liu", "Chen", "Zhao", "Huang"], True, "Beijing",
           ["economic_trade", "defence_industry", "maritime_security"]),
    "KR": (7, ["Min-jun", "Seo-yeon", "Ji-ho", "Hye-jin", "Sung-min", "Eun-ji"],
           ["Kim", "Lee", "Park", "Choi", "Jung", "Kang"], True, "Seoul",
           ["defence_industry", "economic_trade", "military_education_training"]),
    "IN": (5, ["Rajesh", "Anita", "Vikram", "Priya", "Sanjay", "Meera"],
           ["Sharma", "Iyer", "Reddy", "Menon", "Kapoor", "Nair"], False, "New Delhi",
           ["maritime_security", "defence_industry", "health"]),
    "SG": (7, ["Wei Ming", "Mei Ling", "Kok Wah", "Hui Min", "Jun Jie", "Siew Lan"],
           ["Tan", "Lim", "Ng", "Goh", "Teo", "Chua"], True, "Singapore",
           ["asean", "counter_terrorism", "military_education_training", "cyber_security"]),
    "MY": (6, ["Ahmad Faizal", "Mohd Hakim", "Farid Rizal", "Zainal Arif", "Azman Shah", "Khairul Anuar"],
           ["bin Hassan", "bin Ismail", "bin Yusof", "bin Osman", "bin Rahman", "bin Salleh"], False, "Kuala Lumpur",
           ["asean", "maritime_security", "counter_terrorism"]),
    "PH": (5, ["Jose", "Maria", "Ramon", "Teresa", "Antonio", "Cristina"],
           ["Santos", "Reyes", "Cruz", "Bautista", "Villanueva", "Mendoza"], False, "Manila",
           ["maritime_security", "counter_terrorism", "asean"]),
    "VN": (4, ["Van Hung", "Thi Lan", "Minh Tuan", "Duc Anh", "Quoc Bao", "Thanh Hai"],
           ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu"], True, "Hanoi",
           ["maritime_security", "asean", "peacekeeping"]),
    "TH": (4, ["Somchai", "Ananda", "Kittipong", "Suda", "Prasert", "Wanida"],
           ["Srisuk", "Chaiyaporn", "Wongsawat", "Rattanakul", "Boonmee", "Thongchai"], False, "Bangkok",
           ["asean", "military_education_training", "disaster_relief"]),
    "FR": (5, ["Jean", "Claire", "Pierre", "Isabelle", "Laurent", "Sophie"],
           ["Dubois", "Moreau", "Lefèvre", "Girard", "Fournier", "Rousseau"], False, "Paris",
           ["defence_industry", "peacekeeping", "cyber_security"]),
    "GB": (4, ["Richard", "Helen", "Thomas", "Fiona", "Edward", "Alice"],
           ["Ashworth", "Blake", "Cooper", "Holloway", "Pembroke", "Wells"], False, "London",
           ["defence_industry", "military_education_training", "maritime_security"]),
    "DE": (3, ["Andreas", "Katrin", "Stefan", "Julia", "Markus", "Sabine"],
           ["Becker", "Hoffmann", "Schreiber", "Krüger", "Wagner", "Neumann"], False, "Berlin",
           ["defence_industry", "cyber_security", "education"]),
    "NL": (3, ["Jan", "Annelies", "Pieter", "Marieke", "Erik", "Sanne"],
           ["de Vries", "van Dijk", "Bakker", "Visser", "Jansen", "Smit"], False, "The Hague",
           ["defence_industry", "maritime_security", "health"]),
    "TR": (4, ["Mehmet", "Ayşe", "Mustafa", "Elif", "Ahmet", "Zeynep"],
           ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın"], False, "Ankara",
           ["defence_industry", "counter_terrorism", "economic_trade"]),
    "AE": (3, ["Mohammed", "Khalid", "Saeed", "Hamad", "Sultan", "Rashid"],
           ["Al Mansoori", "Al Shamsi", "Al Nuaimi", "Al Mazrouei", "Al Ketbi", "Al Dhaheri"], False, "Abu Dhabi",
           ["defence_industry", "economic_trade", "energy"]),
    "SA": (2, ["Abdullah", "Faisal", "Turki", "Nasser", "Saud", "Fahad"],
           ["Al Otaibi", "Al Harbi", "Al Qahtani", "Al Ghamdi", "Al Zahrani", "Al Shehri"], False, "Riyadh",
           ["defence_industry", "counter_terrorism", "energy"]),
    "NZ": (2, ["David", "Rebecca", "Hamish", "Aroha", "Grant", "Megan"],
           ["Thompson", "Ngata", "MacDonald", "Parata", "Robertson", "Clarke"], False, "Wellington",
           ["disaster_relief", "peacekeeping", "education"]),
    "PG": (2, ["Peter", "Grace", "Michael", "Ruth", "Joseph", "Esther"],
           ["Kila", "Namaliu", "Tambu", "Wari", "Kuman", "Pokawin"], False, "Port Moresby",
           ["disaster_relief", "military_education_training", "health"]),
    "TL": (2, ["José", "Maria", "Francisco", "Ana", "Agostinho", "Joana"],
           ["da Costa", "Soares", "Guterres", "Belo", "Pereira", "Ximenes"], False, "Dili",
           ["military_education_training", "health", "education"]),
    "BR": (2, ["João", "Ana", "Carlos", "Fernanda", "Rafael", "Juliana"],
           ["Silva", "Oliveira", "Souza", "Ferreira", "Almeida", "Costa"], False, "Brasília",
           ["defence_industry", "peacekeeping", "economic_trade"]),
}  # fmt: skip
NAMED_WITH_THE = {"US", "GB", "NL", "AE", "PH"}  # "the United States" in running text
ASEAN_PARTNERS = {"SG", "MY", "PH", "VN", "TH"}
TWO_PLUS_TWO = {"AU", "JP", "US"}

# Indonesian officials (fictional) and their careers: (full name, [(title_en, title_id, org name, rank, from, to)]).
HOME_OFFICIALS = [
    ("Eko Wahyudi", [
        ("Commander of the Indonesian Armed Forces", "Panglima TNI", "Tentara Nasional Indonesia", 3, "2019-01-02",
         "2021-11-16"),
    ]),
    ("Suryo Adinegoro", [
        ("Minister of Defence", "Menteri Pertahanan", "Kementerian Pertahanan", 3, "2019-10-23", "2024-10-19"),
        ("President", "Presiden", "Presiden Republik Indonesia", 1, "2024-10-20", None),
    ]),
    ("Agus Setiawan Harjono", [
        ("Chief of Staff of the Army", "Kepala Staf Angkatan Darat", "TNI Angkatan Darat", 4, "2019-05-01",
         "2021-11-16"),
        ("Commander of the Indonesian Armed Forces", "Panglima TNI", "Tentara Nasional Indonesia", 3, "2021-11-17",
         "2024-10-20"),
        ("Minister of Defence", "Menteri Pertahanan", "Kementerian Pertahanan", 3, "2024-10-21", None),
    ]),
    ("Rudi Hartanto", [
        ("Chief of Staff of the Army", "Kepala Staf Angkatan Darat", "TNI Angkatan Darat", 4, "2021-11-17",
         "2024-10-20"),
        ("Commander of the Indonesian Armed Forces", "Panglima TNI", "Tentara Nasional Indonesia", 3, "2024-10-21",
         None),
    ]),
    ("Ratna Dewi Lestari", [
        ("Minister of Foreign Affairs", "Menteri Luar Negeri", "Kementerian Luar Negeri", 3, "2019-10-23",
         "2024-10-20"),
    ]),
    ("Bayu Kurniawan", [
        ("Deputy Minister of Foreign Affairs", "Wakil Menteri Luar Negeri", "Kementerian Luar Negeri", 4,
         "2020-01-15", "2024-10-20"),
        ("Minister of Foreign Affairs", "Menteri Luar Negeri", "Kementerian Luar Negeri", 3, "2024-10-21", None),
    ]),
    ("Indra Gunadi Saputra", [
        ("Director General of Defence Strategy", "Direktur Jenderal Strategi Pertahanan", "Kementerian Pertahanan",
         5, "2019-06-01", "2023-05-31"),
        ("Secretary General of the Ministry of Defence", "Sekretaris Jenderal Kementerian Pertahanan",
         "Kementerian Pertahanan", 5, "2023-06-01", None),
    ]),
    ("Hermawan Sulistyo", [
        ("Secretary General of the Ministry of Defence", "Sekretaris Jenderal Kementerian Pertahanan",
         "Kementerian Pertahanan", 5, "2019-01-02", "2023-05-31"),
    ]),
    ("Wulan Anggraini", [
        ("Director of International Defence Cooperation", "Direktur Kerja Sama Internasional Pertahanan",
         "Kementerian Pertahanan", 6, "2019-09-01", "2023-05-31"),
        ("Director General of Defence Strategy", "Direktur Jenderal Strategi Pertahanan", "Kementerian Pertahanan",
         5, "2023-06-01", None),
    ]),
    ("Nur Hasanah Putri", [
        ("Director of International Defence Cooperation", "Direktur Kerja Sama Internasional Pertahanan",
         "Kementerian Pertahanan", 6, "2023-06-01", None),
    ]),
    ("Teguh Santoso", [
        ("Chief of Staff of the Navy", "Kepala Staf Angkatan Laut", "TNI Angkatan Laut", 4, "2020-05-20", None),
    ]),
]  # fmt: skip

# Kind -> (weight, who hosts: "home" | "partner" | "either" | "neutral" | "none").
KINDS = {
    Meeting.Kind.COURTESY_CALL: (28, "home"),
    Meeting.Kind.BILATERAL_MEETING: (20, "either"),
    Meeting.Kind.OFFICIAL_VISIT: (10, "either"),
    Meeting.Kind.DELEGATION_VISIT: (8, "home"),
    Meeting.Kind.PHONE_CALL: (7, "none"),
    Meeting.Kind.JOINT_COMMITTEE: (8, "either"),
    Meeting.Kind.AGREEMENT_SIGNING: (6, "either"),
    Meeting.Kind.JOINT_COMMISSION: (5, "either"),
    Meeting.Kind.DIALOGUE_2PLUS2: (10, "either"),
    Meeting.Kind.MULTILATERAL_RECEPTION: (5, "neutral"),
}
NEUTRAL_VENUES = [("SG", "Shangri-La Hotel, Singapore"), ("LA", "Vientiane"), ("KH", "Phnom Penh"), ("TH", "Bangkok")]

EVIDENCE = {
    "defence": [
        "The two sides reviewed the state of defence cooperation between Indonesia and {country}.",
        "Both delegations agreed that military ties between the two countries should be deepened.",
        "The meeting discussed the next steps under the bilateral defence cooperation arrangement.",
    ],
    "counter_terrorism": [
        "They exchanged views on counter-terrorism and on preventing violent extremism in the region.",
        "The delegations agreed to share more information on terrorist networks that operate across borders.",
    ],
    "defence_industry": [
        "{country} expressed interest in co-production and technology transfer with Indonesia's defence industry.",
        "The two sides discussed the procurement of patrol vessels and the role of state-owned defence companies.",
        "Indonesia invited companies from {country} to exhibit at the next Indo Defence exhibition.",
    ],
    "military_education_training": [
        "Both sides agreed to offer more places for officers at each other's staff colleges.",
        "The ministers welcomed the joint exercise held by their armies earlier in the year.",
        "They discussed cadet exchanges between the military academies of the two countries.",
    ],
    "maritime_security": [
        "The talks covered maritime security and coordinated patrols in shared waters.",
        "They discussed maritime domain awareness and the situation in the South China Sea.",
    ],
    "cyber_security": [
        "The two sides agreed to exchange experience on cyber defence and the protection of critical networks.",
    ],
    "peacekeeping": [
        "Indonesia and {country} discussed joint training for United Nations peacekeeping missions.",
    ],
    "disaster_relief": [
        "The meeting covered cooperation in disaster relief and humanitarian assistance.",
        "Both sides agreed to hold a joint disaster-response exercise involving their armed forces.",
    ],
    "economic_trade": [
        "The ministers noted the growth of trade and investment between Indonesia and {country}.",
    ],
    "energy": [
        "They discussed cooperation on the energy transition and on renewable energy projects.",
    ],
    "apec": ["The two sides discussed their coordination ahead of the APEC meetings."],
    "asean": ["Both sides discussed preparations for the next ASEAN Defence Ministers' Meeting."],
    "g20": ["They exchanged views on the agenda of the G20."],
    "health": ["The talks covered cooperation between military hospitals and in military medicine."],
    "education": ["{country} offered scholarships for Indonesian officers and students at its universities."],
}

# Commitment kind -> (description, the meeting kinds that can fulfil it, who must host the fulfilling meeting).
COMMITMENTS = {
    Commitment.Kind.INVITATION: (
        "Invitation for Indonesia's Minister of Defence to visit {country}",
        {Meeting.Kind.OFFICIAL_VISIT, Meeting.Kind.BILATERAL_MEETING},
        "partner",
    ),
    Commitment.Kind.PLANNED_VISIT: (
        "Visit to Indonesia by the defence minister of {country}",
        {Meeting.Kind.OFFICIAL_VISIT, Meeting.Kind.BILATERAL_MEETING},
        "home",
    ),
    Commitment.Kind.MOU: (
        "Conclude a memorandum of understanding on defence cooperation with {country}",
        {Meeting.Kind.AGREEMENT_SIGNING},
        None,
    ),
    Commitment.Kind.PLANNED_MEETING: (
        "Hold the next meeting of the Indonesia-{country} joint defence cooperation committee",
        {Meeting.Kind.JOINT_COMMITTEE},
        None,
    ),
}
COMMITMENT_SENTENCES = {
    Commitment.Kind.INVITATION: "The {partner_title} invited Indonesia's Minister of Defence to visit {country}.",
    Commitment.Kind.PLANNED_VISIT: "The defence minister of {country} is expected to visit Indonesia within months.",
    Commitment.Kind.MOU: "Both sides agreed to finalise a memorandum of understanding on defence cooperation.",
    Commitment.Kind.PLANNED_MEETING: "The next meeting of the joint committee will be held within a year.",
}


@dataclass
class Career:
    official: Official
    positions: list[Position] = field(default_factory=list)

    def position_on(self, day: dt.date) -> Position | None:
        return next(
            (
                p
                for p in self.positions
                if (p.started_on is None or p.started_on <= day) and (p.ended_on is None or day <= p.ended_on)
            ),
            None,
        )


def _capitalized(sentence: str) -> str:
    return sentence[0].upper() + sentence[1:]


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


class DemoBuilder:
    """Builds the demo records in memory; `objects()` returns them in loading order."""

    def __init__(self) -> None:
        self.rng = random.Random(RANDOM_SEED)
        self.bare_en, self.names_id = Locale("en").territories, Locale("id").territories
        self.names_en = {code: f"the {self.bare_en[code]}" if code in NAMED_WITH_THE else self.bare_en[code]
                         for code in PARTNERS}  # fmt: skip
        self.countries = {code: Country(code=code) for code in [HOME, *PARTNERS, *(v for v, _ in NEUTRAL_VENUES)]}
        self.organizations: list[Organization] = []
        self.careers: list[Career] = []
        self.by_title: dict[tuple[str, str], list[Career]] = {}
        self.meetings: list[Meeting] = []
        self.sides: list[MeetingCountry] = []
        self.participants: list[Participant] = []
        self.articles: list[Article] = []
        self.sector_links: list[MeetingSector] = []
        self.commitments: list[Commitment] = []
        self.pending: list[tuple[Commitment, Meeting, str]] = []
        self.next_pk = {name: FIRST_PK for name in ("meeting", "side", "participant", "sector", "commitment")}

    def pk(self, name: str) -> int:
        self.next_pk[name] += 1
        return self.next_pk[name] - 1

    # --- people ------------------------------------------------------------------------------------------------

    def add_career(self, official: Official, posts: list[tuple]) -> None:
        career = Career(official)
        for title_en, title_id, organization, rank, started, ended in posts:
            career.positions.append(
                Position(
                    official=official,
                    organization=organization,
                    title_en=title_en,
                    title_id=title_id,
                    rank=rank,
                    started_on=_date(started) if isinstance(started, str) else started,
                    ended_on=_date(ended) if isinstance(ended, str) else ended,
                )
            )
            self.by_title.setdefault((official.country.code, title_en), []).append(career)
        self.careers.append(career)

    def holder(self, country: str, title_en: str, day: dt.date) -> tuple[Official, Position] | None:
        for career in self.by_title.get((country, title_en), []):
            position = career.position_on(day)
            if position is not None and position.title_en == title_en:
                return career.official, position
        return None

    def build_home_officials(self) -> None:
        home = self.countries[HOME]
        orgs = {}
        for name, posts in HOME_OFFICIALS:
            resolved = []
            for title_en, title_id, org_name, rank, started, ended in posts:
                org = orgs.setdefault(org_name, Organization(name=org_name, country=home))
                resolved.append((title_en, title_id, org, rank, started, ended))
            self.add_career(Official(full_name=name, aliases=[], country=home), resolved)

    def person(self, code: str, used: set[str]) -> Official:
        _, given, family, family_first, *_ = PARTNERS[code]
        while True:
            first, last = self.rng.choice(given), self.rng.choice(family)
            name = f"{last} {first}" if family_first else f"{first} {last}"
            if name not in used:
                used.add(name)
                surname = last if not family_first else name
                return Official(
                    full_name=name, aliases=[surname] if surname != name else [], country=self.countries[code]
                )

    def build_partner_officials(self) -> None:
        """Per partner: two ambassadors in turn, one or two defence ministers, a foreign minister, an attaché."""
        for code in PARTNERS:
            country, name_en, name_id = self.countries[code], self.names_en[code], self.names_id[code]
            embassy = Organization(
                name=f"Kedutaan Besar {name_id} di Jakarta",
                name_en=f"Embassy of {name_en} in Jakarta",
                kind=Organization.Kind.EMBASSY,
                country=country,
            )
            ministry = Organization(
                name="Ministry of Defence",
                name_en="Ministry of Defence",
                kind=Organization.Kind.MINISTRY,
                country=country,
            )
            foreign = Organization(
                name="Ministry of Foreign Affairs",
                name_en="Ministry of Foreign Affairs",
                kind=Organization.Kind.MINISTRY,
                country=country,
            )
            self.organizations += [embassy, ministry, foreign]
            used: set[str] = set()
            ambassador = (f"Ambassador of {name_en} to Indonesia", f"Duta Besar {name_id} untuk Indonesia", embassy, 5)
            handover = dt.date(2021, 6, 1) + dt.timedelta(days=self.rng.randrange(0, 730))
            first_start = dt.date(2017, 3, 1) + dt.timedelta(days=self.rng.randrange(0, 900))
            self.add_career(self.person(code, used), [(*ambassador, first_start, handover - dt.timedelta(days=30))])
            self.add_career(self.person(code, used), [(*ambassador, handover, None)])

            minister_title = "Secretary of Defense" if code == "US" else "Minister of Defence"
            minister = (minister_title, f"Menteri Pertahanan {name_id}", ministry, 3)
            change = dt.date(2022, 1, 1) + dt.timedelta(days=self.rng.randrange(0, 1000))
            first_minister = self.person(code, used)
            self.add_career(first_minister, [(*minister, dt.date(2018, 7, 1), change - dt.timedelta(days=1))])
            self.add_career(self.person(code, used), [(*minister, change, None)])
            self.add_career(
                self.person(code, used),
                [("Minister of Foreign Affairs", f"Menteri Luar Negeri {name_id}", foreign, 3, "2018-01-01", None)],
            )
            self.add_career(
                self.person(code, used),
                [
                    (
                        f"Defence Attaché, Embassy of {name_en}",
                        f"Atase Pertahanan Kedutaan Besar {name_id}",
                        embassy,
                        7,
                        "2019-08-01",
                        None,
                    )
                ],
            )

    # --- meetings ----------------------------------------------------------------------------------------------

    def meeting_days(self) -> list[tuple[dt.date, Meeting.Status]]:
        days = []
        for year, count in MEETINGS_PER_YEAR.items():
            last = AS_OF if year == AS_OF.year else dt.date(year, 12, 20)
            span = (last - dt.date(year, 1, 6)).days
            days += [(dt.date(year, 1, 6) + dt.timedelta(days=self.rng.randrange(span)), "held") for _ in range(count)]
        days += [
            (AS_OF + dt.timedelta(days=self.rng.randrange(10, 150)), Meeting.Status.PLANNED)
            for _ in range(PLANNED_MEETINGS)
        ]
        return sorted(days)

    def pick_kind(self, code: str, day: dt.date) -> Meeting.Kind:
        kinds = [k for k in KINDS if k != Meeting.Kind.DIALOGUE_2PLUS2 or code in TWO_PLUS_TWO]
        weights = [KINDS[k][0] * (3 if k == Meeting.Kind.PHONE_CALL and day.year == 2021 else 1) for k in kinds]
        return self.rng.choices(kinds, weights)[0]

    def build_meetings(self) -> None:
        codes = list(PARTNERS)
        weights = [PARTNERS[c][0] for c in codes]
        for day, status in self.meeting_days():
            code = self.rng.choices(codes, weights)[0]
            kind = self.pick_kind(code, day)
            if status == "held":
                status = Meeting.Status.CANCELLED if self.rng.random() < 0.03 else Meeting.Status.HELD
            self.add_meeting(day, status, code, kind)

    def add_follow_ups(self) -> None:
        """Most commitments due by the demo's today get the later meeting that keeps them, so some are fulfilled."""
        for commitment, meeting, code in list(self.pending):
            deadline = min(commitment.due_on + dt.timedelta(days=27), AS_OF)
            if commitment.due_on > AS_OF or deadline <= meeting.held_on + dt.timedelta(days=30):
                continue
            if self.rng.random() < 0.4:
                continue
            _, kinds, host = COMMITMENTS[commitment.kind]
            day = meeting.held_on + dt.timedelta(days=self.rng.randrange(30, (deadline - meeting.held_on).days + 1))
            kind = self.rng.choice(sorted(kinds))
            host_code = {"home": HOME, "partner": code}.get(host) or (HOME if self.rng.random() < 0.5 else code)
            self.add_meeting(day, Meeting.Status.HELD, code, kind, host=host_code, may_commit=False)

    def host_of(self, kind: Meeting.Kind, code: str) -> str | None:
        rule = KINDS[kind][1]
        if rule == "either":
            return HOME if self.rng.random() < 0.6 else code
        return {"home": HOME, "partner": code, "neutral": None, "none": None}[rule]

    def add_meeting(
        self, day: dt.date, status: str, code: str, kind: Meeting.Kind, host: str | None = "", may_commit: bool = True
    ) -> None:
        name_en = self.names_en[code]
        host = self.host_of(kind, code) if host == "" else host
        if kind == Meeting.Kind.MULTILATERAL_RECEPTION:
            venue, place = self.rng.choice([v for v in NEUTRAL_VENUES if v[0] != code])
        elif host == HOME:
            venue, place = HOME, self.home_place(kind)
        elif host == code:
            venue, place = code, PARTNERS[code][4]
        else:
            venue, place = None, ""
        home_cast, partner_cast = self.cast(kind, code, day)
        title = self.title(kind, code, host, home_cast, partner_cast)
        sectors = self.pick_sectors(code, kind)
        sentences = [_capitalized(self.rng.choice(EVIDENCE[slug]).format(country=name_en)) for slug in sectors]
        commitment_kind = self.pick_commitment(kind, status, day) if may_commit else None

        stamp = dt.datetime.combine(min(day, AS_OF), dt.time(9, 0), tzinfo=dt.UTC)
        meeting = Meeting(
            pk=self.pk("meeting"),
            held_on=day,
            date_precision=DatePrecision.DAY,
            status=status,
            kind=kind,
            title=title,
            summary=f"[{LABEL}] {title}. {sentences[0]}",
            place=place,
            venue_country=self.countries[venue] if venue else None,
            created_at=stamp,
            updated_at=stamp,
        )
        self.meetings.append(meeting)
        for side in [HOME, code]:
            role = MeetingCountry.Role.HOST if side == host else MeetingCountry.Role.PARTNER
            self.sides.append(
                MeetingCountry(
                    pk=self.pk("side"), meeting=meeting, country=self.countries[side], role=role, held_on=day
                )
            )
        for side, cast in ((HOME, home_cast), (code, partner_cast)):
            for (official, position), role in cast:
                self.participants.append(
                    Participant(
                        pk=self.pk("participant"),
                        meeting=meeting,
                        official=official,
                        position=position,
                        side=self.countries[side],
                        role=role,
                        title_as_written=position.title_en,
                    )
                )
        lines = [f"{place or 'Jakarta'}, {day.day} {day:%B %Y}. {title}.", *sentences]
        partner_title = next((p.title_en for (_, p), _ in partner_cast), "delegation")
        if commitment_kind:
            lines.append(COMMITMENT_SENTENCES[commitment_kind].format(country=name_en, partner_title=partner_title))
        lines.append(f"({LABEL}: invented for demonstration, record {meeting.pk}.)")
        text = normalize_text("\n".join(lines))
        article = Article(
            outlet=LABEL,
            language="en",
            published_on=min(day, AS_OF),
            title=title,
            text=text,
            content_hash=content_hash(text),
            status=Article.Status.APPROVED,
            created_at=stamp,
            updated_at=stamp,
        )
        article.fixture_m2m = {"meetings": [meeting.pk]}
        self.articles.append(article)
        for slug, sentence in zip(sectors, sentences, strict=True):
            self.sector_links.append(
                MeetingSector(
                    pk=self.pk("sector"), meeting=meeting, sector=Sector(slug=slug), evidence=sentence, article=article
                )
            )
        if commitment_kind:
            self.add_commitment(meeting, commitment_kind, code, lines[-2])

    def home_place(self, kind: Meeting.Kind) -> str:
        if kind == Meeting.Kind.JOINT_COMMISSION:
            return "Kementerian Luar Negeri, Jakarta"
        return self.rng.choice(
            ["Kantor Kementerian Pertahanan, Jakarta"] * 4 + ["Jakarta", "Bali", "Mabes TNI, Cilangkap"]
        )

    def cast(self, kind: Meeting.Kind, code: str, day: dt.date) -> tuple[list, list]:
        """Who attended on each side: ((official, position), role) pairs, positions as held on `day`."""
        P, A = Participant.Role.PRINCIPAL, Participant.Role.ACCOMPANYING
        partner_minister = "Secretary of Defense" if code == "US" else "Minister of Defence"
        name_en = self.names_en[code]
        ambassador, attache = f"Ambassador of {name_en} to Indonesia", f"Defence Attaché, Embassy of {name_en}"
        if kind == Meeting.Kind.COURTESY_CALL:
            home_title = self.rng.choice(
                ["Minister of Defence"] * 3
                + ["Secretary General of the Ministry of Defence", "Commander of the Indonesian Armed Forces"]
            )
            home = [(HOME, home_title, P)]
            partner = [(code, ambassador, P)] + ([(code, attache, A)] if self.rng.random() < 0.5 else [])
        elif kind in (Meeting.Kind.DELEGATION_VISIT, Meeting.Kind.JOINT_COMMITTEE):
            home = [(HOME, "Director General of Defence Strategy", P)]
            home += [(HOME, "Director of International Defence Cooperation", A)]
            partner = [(code, attache, P)] if kind == Meeting.Kind.DELEGATION_VISIT else [(code, ambassador, P)]
        elif kind == Meeting.Kind.JOINT_COMMISSION:
            home, partner = [(HOME, "Minister of Foreign Affairs", P)], [(code, "Minister of Foreign Affairs", P)]
        elif kind == Meeting.Kind.DIALOGUE_2PLUS2:
            home = [(HOME, "Minister of Defence", P), (HOME, "Minister of Foreign Affairs", P)]
            partner = [(code, partner_minister, P), (code, "Minister of Foreign Affairs", P)]
        else:
            home = [(HOME, "Minister of Defence", P)]
            if kind in (Meeting.Kind.OFFICIAL_VISIT, Meeting.Kind.AGREEMENT_SIGNING):
                home.append((HOME, "Director of International Defence Cooperation", A))
            partner = [(code, partner_minister, P)]
            if kind != Meeting.Kind.PHONE_CALL and self.rng.random() < 0.4:
                partner.append((code, ambassador, A))
        resolve = [[(self.holder(c, t, day), role) for c, t, role in side] for side in (home, partner)]
        return tuple([(held, role) for held, role in side if held] for side in resolve)

    def title(self, kind: Meeting.Kind, code: str, host: str | None, home_cast: list, partner_cast: list) -> str:
        name_en = self.names_en[code]
        home_title = home_cast[0][0][1].title_en if home_cast else "Ministry of Defence"
        bare = self.bare_en[code]
        return {
            Meeting.Kind.COURTESY_CALL: f"Ambassador of {name_en} pays a courtesy call on the {home_title}",
            Meeting.Kind.BILATERAL_MEETING: f"Indonesia and {name_en} hold bilateral defence talks",
            Meeting.Kind.OFFICIAL_VISIT: (
                f"Indonesia's Minister of Defence visits {name_en}"
                if host == code
                else f"Defence minister of {name_en} visits Indonesia"
            ),
            Meeting.Kind.DELEGATION_VISIT: f"Military delegation from {name_en} visits the Ministry of Defence",
            Meeting.Kind.PHONE_CALL: f"Defence ministers of Indonesia and {name_en} speak by phone",
            Meeting.Kind.JOINT_COMMITTEE: f"Indonesia-{bare} joint defence cooperation committee meets",
            Meeting.Kind.AGREEMENT_SIGNING: f"Indonesia and {name_en} sign a defence cooperation arrangement",
            Meeting.Kind.JOINT_COMMISSION: f"Indonesia-{bare} joint commission for bilateral cooperation",
            Meeting.Kind.DIALOGUE_2PLUS2: f"Indonesia-{bare} 2+2 foreign and defence ministerial dialogue",
            Meeting.Kind.MULTILATERAL_RECEPTION: f"Defence ministers of Indonesia and {name_en} meet at a reception",
        }[kind]

    def pick_sectors(self, code: str, kind: Meeting.Kind) -> list[str]:
        leanings = list(PARTNERS[code][5])
        if code in ASEAN_PARTNERS and "asean" not in leanings:
            leanings.append("asean")
        if kind == Meeting.Kind.JOINT_COMMISSION:
            leanings += ["economic_trade", "education", "health", "g20", "apec"]
        count = self.rng.choice([1, 2, 2, 3])
        chosen = ["defence"] if self.rng.random() < 0.55 else []
        while len(chosen) < count:
            slug = self.rng.choice(leanings)
            if slug not in chosen:
                chosen.append(slug)
        return chosen

    def pick_commitment(self, kind: Meeting.Kind, status: str, day: dt.date) -> Commitment.Kind | None:
        if status != Meeting.Status.HELD or kind == Meeting.Kind.MULTILATERAL_RECEPTION:
            return None
        chance = 0.6 if day.year == AS_OF.year else 0.3
        return self.rng.choice(list(COMMITMENTS)) if self.rng.random() < chance else None

    def add_commitment(self, meeting: Meeting, kind: Commitment.Kind, code: str, evidence: str) -> None:
        months = self.rng.randrange(4, 19 if meeting.held_on.year == AS_OF.year else 13)
        month_index = meeting.held_on.year * 12 + meeting.held_on.month - 1 + months
        due = dt.date(month_index // 12, month_index % 12 + 1, 1)
        commitment = Commitment(
            pk=self.pk("commitment"),
            meeting=meeting,
            kind=kind,
            description=COMMITMENTS[kind][0].format(
                country=self.bare_en[code] if kind == Commitment.Kind.PLANNED_MEETING else self.names_en[code]
            )
            + ".",
            evidence=evidence,
            due_on=due,
            due_precision=DatePrecision.MONTH,
        )
        self.commitments.append(commitment)
        self.pending.append((commitment, meeting, code))

    def settle_commitments(self) -> None:
        """Fulfilled by the first later held meeting that fits, by the end of the due month; else lapsed or open."""
        sides = {}
        for side in self.sides:
            sides.setdefault(side.meeting.pk, {})[side.country.code] = side.role
        for commitment, meeting, code in self.pending:
            _, kinds, host = COMMITMENTS[commitment.kind]
            deadline = commitment.due_on + dt.timedelta(days=31)
            for later in self.meetings:
                roles = sides[later.pk]
                if (
                    meeting.held_on < later.held_on <= deadline
                    and later.held_on <= AS_OF
                    and later.status == Meeting.Status.HELD
                    and later.kind in kinds
                    and code in roles
                    and (host is None or roles.get(HOME if host == "home" else code) == MeetingCountry.Role.HOST)
                ):
                    commitment.status, commitment.fulfilled_by = Commitment.Status.FULFILLED, later
                    break
            else:
                commitment.status = Commitment.Status.LAPSED if deadline < AS_OF else Commitment.Status.OPEN

    def objects(self) -> list:
        self.build_home_officials()
        self.build_partner_officials()
        self.build_meetings()
        self.add_follow_ups()
        self.settle_commitments()
        positions = [p for career in self.careers for p in career.positions]
        return [
            *self.organizations,
            *(career.official for career in self.careers),
            *positions,
            *self.meetings,
            *self.sides,
            *self.participants,
            *self.articles,
            *self.sector_links,
            *self.commitments,
        ]


def demo_objects() -> list:
    return DemoBuilder().objects()
