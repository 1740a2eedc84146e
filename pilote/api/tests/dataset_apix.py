"""The small data set's rows for the operations helper apix added (bank accounts created and changed, an analysis
section read and changed, calendars listed, created, changed and an .ics imported): `rows` adds them to the ids of
`dataset.small_dataset`; BODIES, IDS and MADE are merged into the data set's own."""

from __future__ import annotations

import base64

from pilote.api.tests.days import day


def ics_base64() -> str:
    """An iCalendar file of one event, dated this year."""
    when = day(3, 12)
    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//FR\r\nBEGIN:VEVENT\r\nUID:salon-apix@example.fr\r\n"
            f"DTSTART:{when:%Y%m%d}T090000Z\r\nDTEND:{when:%Y%m%d}T110000Z\r\nSUMMARY:Salon professionnel\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n")  # fmt: skip
    return base64.b64encode(text.encode()).decode()


def rows(structure, personas, ids: dict[str, int]) -> dict[str, int]:
    from pilote.ledger.models import AnalyticSection
    from pilote.office.models import Calendar

    section = AnalyticSection.objects.get(axis_id=ids["axis_id"], code="FORMATION")
    team = Calendar.objects.get(kind="team", name="Équipe")  # every persona is a member: each one writes in it
    return {"section_id": section.pk, "calendar_id": team.pk}


BODIES = {
    ("post", "/comptes-bancaires"): {"name": "Livret", "iban": "FR7620041000010001112223312", "account_code": "512"},
    ("patch", "/comptes-bancaires/{bank_account_id}"): {"name": "Compte courant", "bic": ""},
    ("patch", "/sections-analytiques/{section_id}"): {"label": "Formation continue", "is_active": True},
    ("post", "/agendas"): {"name": "Direction", "members": ["user_id"]},
    ("patch", "/agendas/{calendar_id}"): {"name": "Équipe élargie"},
    ("post", "/agendas/{calendar_id}/import"): {"file_name": "salon.ics", "content_base64": "ics"},
}

IDS: dict = {}

MADE = {"ics": ics_base64}

# The addresses of apix's operations: PILOTE_SCHEMA_ONLY=<this regex> runs the property test on them only.
PATHS_REGEX = r"comptes-bancaires(/\{bank_account_id\})?$|sections-analytiques|/agendas"
