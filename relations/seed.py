"""The seed meeting: the Ministry of Defence press release on Peru's ambassador's courtesy call of 4 October 2024.

The only real article the fixtures carry. `seed_objects(text)` turns its text into records; the evidence sentences
are looked up in that text, so a changed text fails loudly instead of storing evidence the article does not contain.
"""

from __future__ import annotations

import datetime as dt

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

HELD_ON = dt.date(2024, 10, 4)
RECORDED_AT = dt.datetime(2024, 10, 5, 3, 0, tzinfo=dt.UTC)

# Sector slug -> the passage of the article that says the meeting discussed it (whole sentences, as written).
EVIDENCE = {
    "defence": (
        "Dalam pertemuan ini, Wamenhan menegaskan bahwa Peru adalah sahabat dekat dan mitra penting bagi Indonesia, "
        "khususnya di bidang pertahanan."
    ),
    "counter_terrorism": (
        "Dalam konteks ini, Indonesia dan Peru memiliki kesempatan besar untuk memperluas kemitraan di berbagai aspek, "
        "seperti penanggulangan terorisme. Hal ini bisa direalisasikan melalui penguatan kerja sama antar-matra darat "
        "kedua negara yang memiliki kapasitas dan pengalaman dalam menjaga stabilitas keamanan regional."
    ),
    "defence_industry": (
        "Kedua negara dapat mengeksplorasi potensi pelibatan industri pertahanan Indonesia dalam pameran internasional "
        "seperti Salon Internacional de Technologia para la Defensa y Prevencion de Desastre (SITDEF)."
    ),
    "apec": (
        "Sementara itu, kunjungan Dubes Peru kali ini juga membawa agenda penting lainnya, yakni menyampaikan undangan "
        "resmi bagi Indonesia untuk menghadiri pertemuan pemimpin APEC yang akan diselenggarakan di Peru pada November "
        "2024 mendatang."
    ),
}


def seed_objects(article_text: str) -> list:
    """The seed meeting's records, in loading order. Referenced reference rows are stubs holding only their keys."""
    text = normalize_text(article_text)
    missing = [slug for slug, sentence in EVIDENCE.items() if sentence not in text]
    if missing:
        raise ValueError(f"The seed article lacks the evidence for: {', '.join(missing)}")

    indonesia, peru = Country(code="ID"), Country(code="PE")
    kemhan = Organization(name="Kementerian Pertahanan", country=indonesia)
    embassy = Organization(
        name="Kedutaan Besar Peru di Jakarta",
        name_en="Embassy of Peru in Jakarta",
        abbreviation="Kedubes Peru",
        kind=Organization.Kind.EMBASSY,
        country=peru,
    )

    herindra = Official(full_name="Muhammad Herindra", aliases=["M. Herindra", "Herindra"], country=indonesia)
    ambassador = Official(full_name="Luis Raúl Tsuboyama Galván", aliases=["Tsuboyama Galván"], country=peru)
    deputy = Official(full_name="Cristian Córdova", aliases=[], country=peru)
    # Herindra was Deputy Minister from the reshuffle of 23 December 2020 to the end of the cabinet on
    # 20 October 2024. The Peruvians' start dates are not in the source: left empty rather than guessed.
    wamenhan = Position(
        official=herindra,
        organization=kemhan,
        title_id="Wakil Menteri Pertahanan",
        title_en="Deputy Minister of Defence",
        abbreviation="Wamenhan",
        rank=4,
        started_on=dt.date(2020, 12, 23),
        ended_on=dt.date(2024, 10, 20),
    )
    ambassador_post = Position(
        official=ambassador,
        organization=embassy,
        title_id="Duta Besar Peru untuk Indonesia",
        title_en="Ambassador of Peru to Indonesia",
        abbreviation="Dubes",
        rank=5,
    )
    deputy_post = Position(
        official=deputy,
        organization=embassy,
        title_id="Wakil Kepala Misi Kedutaan Besar Peru",
        title_en="Deputy Head of Mission, Embassy of Peru",
        abbreviation="DCM",
        rank=6,
    )

    meeting = Meeting(
        pk=1,
        held_on=HELD_ON,
        date_precision=DatePrecision.DAY,
        status=Meeting.Status.HELD,
        kind=Meeting.Kind.COURTESY_CALL,
        title="Peru's ambassador pays a courtesy call on the Deputy Minister of Defence",
        summary=(
            "Deputy Minister of Defence M. Herindra received Peru's ambassador Luis Raúl Tsuboyama Galván, "
            "accompanied by deputy head of mission Cristian Córdova. They discussed wider defence cooperation, "
            "counter-terrorism through army-to-army cooperation, Indonesian defence industry at the SITDEF exhibition, "
            "and the ambassador delivered an invitation to the APEC leaders' meeting in Peru in November 2024."
        ),
        place="Kantor Kementerian Pertahanan, Jakarta",
        venue_country=indonesia,
        created_at=RECORDED_AT,
        updated_at=RECORDED_AT,
    )
    sides = [
        MeetingCountry(pk=1, meeting=meeting, country=indonesia, role=MeetingCountry.Role.HOST, held_on=HELD_ON),
        MeetingCountry(pk=2, meeting=meeting, country=peru, role=MeetingCountry.Role.PARTNER, held_on=HELD_ON),
    ]
    participants = [
        Participant(
            pk=1,
            meeting=meeting,
            official=herindra,
            position=wamenhan,
            side=indonesia,
            role=Participant.Role.PRINCIPAL,
            title_as_written="Wakil Menteri Pertahanan (Wamenhan) Republik Indonesia",
        ),
        Participant(
            pk=2,
            meeting=meeting,
            official=ambassador,
            position=ambassador_post,
            side=peru,
            role=Participant.Role.PRINCIPAL,
            title_as_written="Duta Besar Peru untuk Indonesia",
        ),
        Participant(
            pk=3,
            meeting=meeting,
            official=deputy,
            position=deputy_post,
            side=peru,
            role=Participant.Role.ACCOMPANYING,
            title_as_written="Wakil Kepala Misi Kedutaan Besar Peru",
        ),
    ]
    article = Article(
        url="",
        outlet="Kemhan",
        language="id",
        published_on=None,
        title="Wamenhan Terima Kunjungan Kehormatan Duta Besar Peru",
        text=text,
        content_hash=content_hash(text),
        status=Article.Status.APPROVED,
        created_at=RECORDED_AT,
        updated_at=RECORDED_AT,
    )
    article.fixture_m2m = {"meetings": [meeting.pk]}
    sectors = [
        MeetingSector(pk=n, meeting=meeting, sector=Sector(slug=slug), evidence=sentence, article=article)
        for n, (slug, sentence) in enumerate(EVIDENCE.items(), start=1)
    ]
    # Fulfilled: Indonesia's president attended the APEC Economic Leaders' Meeting in Lima on 15-16 November 2024.
    # No meeting in these fixtures records that trip, so fulfilled_by stays empty.
    commitment = Commitment(
        pk=1,
        meeting=meeting,
        kind=Commitment.Kind.INVITATION,
        description="Invitation for Indonesia to attend the APEC leaders' meeting in Peru in November 2024.",
        evidence=EVIDENCE["apec"],
        due_on=dt.date(2024, 11, 1),
        due_precision=DatePrecision.MONTH,
        status=Commitment.Status.FULFILLED,
    )
    return [
        embassy,
        herindra,
        ambassador,
        deputy,
        wamenhan,
        ambassador_post,
        deputy_post,
        meeting,
        *sides,
        *participants,
        article,
        *sectors,
        commitment,
    ]
