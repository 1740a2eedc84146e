"""Members and dues: dues called on the member's 411 against 7561/7562 and received lettered; the register as of a
date; the general assembly's voters and quorum; the to-do items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pilote.associations.queries import members as queries
from pilote.associations.services import members as services
from pilote.contacts.models import Contact
from pilote.core.exceptions import DomainError


@pytest.fixture
def kinds(books):
    return {
        "plain": services.create_membership_type(actor=books["actor"], name="Adhérent", fee=Decimal("30")),
        "family": services.create_membership_type(
            actor=books["actor"], name="Famille", fee=Decimal("50"), with_return=True
        ),  # fmt: skip
    }


def _person(name):
    return Contact.objects.create(kind="person", name=name, first_name="A")


def _lines(entry):
    return sorted((line.account.code, line.debit, line.credit) for line in entry.lines.all())


def test_dues_called_and_received_post_the_right_accounts(books, kinds):
    one = services.enrol_member(actor=books["actor"], contact=_person("Un"), membership_type=kinds["plain"],
                                joined_on=dt.date(2026, 1, 10))  # fmt: skip
    two = services.enrol_member(actor=books["actor"], contact=_person("Deux"), membership_type=kinds["family"],
                                joined_on=dt.date(2026, 1, 10))  # fmt: skip
    assert (one.number, two.number) == (1, 2)
    called = services.call_dues(actor=books["actor"], year=2026, called_on=dt.date(2026, 2, 1))
    assert len(called) == 2
    assert _lines(called[0].call_entry) == [("411", Decimal("30.00"), Decimal("0.00")),
                                            ("7561", Decimal("0.00"), Decimal("30.00"))]  # fmt: skip
    assert _lines(called[1].call_entry)[1] == ("7562", Decimal("0.00"), Decimal("50.00"))
    assert services.call_dues(actor=books["actor"], year=2026, called_on=dt.date(2026, 2, 2)) == []
    paid = services.receive_due(actor=books["actor"], due=called[0], paid_on=dt.date(2026, 2, 5), method="cheque",
                                bank_account=books["bank"])  # fmt: skip
    assert _lines(paid.payment_entry) == [("411", Decimal("0.00"), Decimal("30.00")),
                                          ("512", Decimal("30.00"), Decimal("0.00"))]  # fmt: skip
    from pilote.ledger.models import MatchedLine

    assert MatchedLine.objects.filter(line__entry__in=[paid.call_entry, paid.payment_entry]).count() == 2
    with pytest.raises(DomainError, match="déjà payée"):
        services.receive_due(actor=books["actor"], due=called[0], paid_on=dt.date(2026, 2, 5), method="especes")


def test_register_and_general_assembly(books, kinds, structure):
    actor = books["actor"]
    members = [
        services.join_and_pay(actor=actor, contact=_person(f"Membre {n}"), membership_type=kinds["plain"],
                              joined_on=dt.date(2026, 1, 5 + n), method="especes")
        for n in range(7)
    ]  # fmt: skip
    late = services.enrol_member(actor=actor, contact=_person("Retard"), membership_type=kinds["plain"],
                                 joined_on=dt.date(2026, 1, 20))  # fmt: skip
    services.record_leaving(actor=actor, member=members[0], left_on=dt.date(2026, 3, 1))
    assert queries.register(dt.date(2026, 2, 1)).count() == 8
    assert queries.register(dt.date(2026, 3, 1)).count() == 7  # left on that day
    assert queries.register(dt.date(2026, 1, 8)).count() == 4
    meeting = queries.assembly(dt.date(2026, 4, 1), 25)
    assert len(meeting["voters"]) == 6 and meeting["behind"] == 1 and meeting["quorum"] == 2
    assert late.pk not in {m.pk for m in meeting["voters"]}


def test_todo_reminds_dues_to_call_and_unpaid(books, kinds, personas, monkeypatch):
    from pilote.associations import todo

    services.enrol_member(actor=books["actor"], contact=_person("Un"), membership_type=kinds["plain"],
                          joined_on=dt.date(2026, 1, 10))  # fmt: skip
    monkeypatch.setattr(todo, "local_today", lambda: dt.date(2026, 2, 1))
    assert [i.label for i in todo.dues_items(personas["comptable"])] == ["Appeler les cotisations 2026 : 1 adhérent(s)"]
    services.call_dues(actor=books["actor"], year=2026, called_on=dt.date(2026, 2, 1))
    monkeypatch.setattr(todo, "local_today", lambda: dt.date(2026, 3, 15))
    items = todo.dues_items(personas["comptable"])
    assert [i.label for i in items] == ["Relancer 1 cotisation(s) impayée(s)"] and items[0].due == dt.date(2026, 3, 3)


def test_member_pages(client_as, books, kinds):
    from pilote.lib.dates import local_today

    client = client_as("assistant")
    contact = _person("Nouveau")
    today = local_today()  # « à jour » means this year's dues paid: join today, whatever the year
    response = client.post("/associations/adherents/nouveau/", {
        "contact": contact.pk, "membership_type": kinds["plain"].pk, "joined_on": today.isoformat(), "method": "cheque",
        "bank_account": books["bank"].pk,
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get("/associations/adherents/?cotisation=a_jour").content.decode()
    assert "NOUVEAU A" in page
    assert "NOUVEAU A" in client.get(f"/associations/adherents/registre/?date={today}").content.decode()
    body = b"".join(client.get(f"/associations/adherents/assemblee-generale/export.csv?date={today}")
                    .streaming_content).decode("utf-8-sig")  # fmt: skip
    assert "NOUVEAU A" in body
    assert "30,00" in client.get(f"/associations/cotisations/?annee={today.year}").content.decode()
