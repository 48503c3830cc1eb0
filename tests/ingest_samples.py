"""Articles written for these tests (not copied from any outlet) and the proposal an extractor would give."""

from __future__ import annotations

ENGLISH = """Defence ties with Chile on the table in Jakarta

Jakarta, Tuesday (14/5). Indonesia's Deputy Minister of Defence, Muhammad Herindra, received a courtesy call from
the Ambassador of Chile to Indonesia, Rodrigo Alvarez Mena, at the Ministry of Defence office in Jakarta.

The two officials talked about closer cooperation in the defence industry and about training exchanges for young
naval officers. Herindra said that Chile is a valued partner in South America.

The ambassador invited Indonesia to send a delegation to a defence exhibition in Santiago in March 2025.
"""

INDONESIAN = """Wamenhan terima kunjungan Dubes Chile

Jakarta, Selasa (14/5). Wakil Menteri Pertahanan Republik Indonesia, Muhammad Herindra, menerima kunjungan
kehormatan Duta Besar Chile untuk Indonesia, Rodrigo Alvarez Mena, di Kantor Kementerian Pertahanan, Jakarta.

Kedua pejabat membahas peluang kerja sama di bidang industri pertahanan serta pertukaran pendidikan bagi perwira
muda angkatan laut. Menurut Herindra, Chile merupakan mitra penting Indonesia di kawasan Amerika Selatan.

Dubes Chile juga mengundang Indonesia untuk mengirim delegasi ke pameran pertahanan di Santiago pada Maret 2025.
"""

FRENCH = """Le ministre indonésien de la Défense a reçu l'ambassadeur du Chili à Jakarta mardi dernier. Les deux
responsables ont évoqué la coopération dans l'industrie de défense et des échanges de formation pour les officiers
de marine. L'ambassadeur a invité l'Indonésie à une exposition de défense à Santiago en mars prochain.
"""


def chile_meeting(**changes) -> dict:
    """The meeting of ENGLISH as the extractor's contract describes it."""
    meeting = {
        "date": "2024-05-14",
        "date_text": "Tuesday (14/5)",
        "status": "held",
        "host_country": "ID",
        "partner_countries": ["CL"],
        "place": "Ministry of Defence, Jakarta",
        "kind": "courtesy_call",
        "officials": [
            {"name": "Muhammad Herindra", "title": "Deputy Minister of Defence", "country": "ID", "role": "principal"},
            {"name": "Rodrigo Alvarez Mena", "title": "Ambassador of Chile", "country": "CL", "role": "principal"},
        ],
        "sectors": [
            {
                "slug": "defence_industry",
                "evidence": "The two officials talked about closer cooperation in the defence industry",
            }
        ],
        "events_mentioned": [{"name": "defence exhibition", "date": "2025-03", "place": "Santiago"}],
        "commitments": [
            {
                "kind": "invitation",
                "description": "Indonesia invited to send a delegation to a defence exhibition in Santiago",
                "evidence": "The ambassador invited Indonesia to send a delegation to a defence exhibition",
                "due": "2025-03",
            }
        ],
    }
    meeting.update(changes)
    return meeting


def proposal(*meetings: dict, language: str = "en") -> dict:
    return {"language": language, "published": "2024-05-15", "meetings": list(meetings)}


def review_form_data(*, with_commitment: bool = False, **changes) -> dict:
    """What the review page of the Chile meeting's article sends: the meeting included, one official, and
    (`with_commitment`) one commitment; the blank extra meeting left out."""
    data = {
        "m0-include": "on",
        "m0-date": "2024-05-14",
        "m0-date_precision": "day",
        "m0-status": "held",
        "m0-kind": "courtesy_call",
        "m0-place": "Ministry of Defence, Jakarta",
        "m0-host_country": "ID",
        "m0-partner_countries": ["CL"],
        "m0-sectors": ["defence_industry"],
        "m0-officials-TOTAL_FORMS": "1",
        "m0-officials-INITIAL_FORMS": "0",
        "m0-officials-0-name": "Muhammad Herindra",
        "m0-officials-0-title": "Wamenhan",
        "m0-officials-0-country": "ID",
        "m0-officials-0-role": "principal",
        "m0-commitments-TOTAL_FORMS": "0",
        "m0-commitments-INITIAL_FORMS": "0",
        "m1-date_precision": "day",
        "m1-status": "held",
        "m1-kind": "bilateral_meeting",
        "m1-officials-TOTAL_FORMS": "0",
        "m1-officials-INITIAL_FORMS": "0",
        "m1-commitments-TOTAL_FORMS": "0",
        "m1-commitments-INITIAL_FORMS": "0",
    }
    if with_commitment:
        data |= {
            "m0-commitments-TOTAL_FORMS": "1",
            "m0-commitments-0-kind": "invitation",
            "m0-commitments-0-description": "Indonesia invited to a defence exhibition",
            "m0-commitments-0-evidence": "The ambassador invited Indonesia",
            "m0-commitments-0-due": "2025-03",
        }
    return data | changes
