"""General assemblies: quorum, proxies (at most N per member present), votes per resolution with simple and
qualified majorities of the votes cast, the convocation e-mailed, the minutes' PDF; an association's members come
through the registry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.office import assemblies as rules
from pilote.office.services import assemblies as services

START = dt.datetime(2026, 6, 20, 15, tzinfo=dt.UTC)


def test_quorum_is_rounded_up():
    assert rules.quorum(10, 2, 0, Decimal("25")) == rules.Quorum(10, 2, 0, 3, False)
    assert rules.quorum(10, 2, 1, Decimal("25")).reached
    assert rules.quorum(7, 0, 0, Decimal("0")).reached  # no quorum required


@pytest.mark.parametrize(
    ("majority", "yes", "no", "expected"),
    [
        ("simple", 5, 5, False),  # a tie is not a majority
        ("simple", 6, 5, True),
        ("simple", 1, 0, True),  # abstentions are not votes against
        ("two_thirds", 20, 10, True),
        ("two_thirds", 19, 10, False),
        ("three_quarters", 30, 10, True),
        ("three_quarters", 29, 10, False),
        ("simple", 0, 0, False),
    ],
)
def test_majorities_of_the_votes_cast(majority, yes, no, expected):
    assert rules.adopted(majority, yes, no) is expected


@pytest.fixture
def assembly(personas):
    actor = personas["assistant"]
    assembly = services.create_assembly(actor=actor, title="AG", starts_at=START, quorum_percent=50, max_proxies=1)
    for name in ("Anne", "Bruno", "Chloé", "David"):
        services.add_member(actor=actor, assembly=assembly, name=name, email=f"{name.lower()}@example.org")
    return assembly


def _m(assembly, name):
    return assembly.members.get(name=name)


@pytest.mark.django_db
def test_proxies_quorum_and_votes(personas, assembly):
    actor = personas["assistant"]
    resolution = services.add_resolution(actor=actor, assembly=assembly, title="Comptes", majority="two_thirds")
    with pytest.raises(DomainError, match="Quorum non atteint"):
        services.record_vote(actor=actor, resolution=resolution, votes_for=1, votes_against=0)
    services.set_presence(actor=actor, member=_m(assembly, "Anne"), presence="present")
    with pytest.raises(DomainError, match="n'est pas présent"):
        services.set_presence(actor=actor, member=_m(assembly, "Bruno"), presence="represented",
                              proxy_holder=_m(assembly, "Chloé"))  # fmt: skip
    services.set_presence(actor=actor, member=_m(assembly, "Bruno"), presence="represented",
                          proxy_holder=_m(assembly, "Anne"))  # fmt: skip
    with pytest.raises(DomainError, match="maximum"):  # one proxy per member present in this assembly
        services.set_presence(actor=actor, member=_m(assembly, "Chloé"), presence="represented",
                              proxy_holder=_m(assembly, "Anne"))  # fmt: skip
    with pytest.raises(DomainError, match="détient des pouvoirs"):
        services.set_presence(actor=actor, member=_m(assembly, "Anne"), presence="absent")
    quorum = services.quorum(assembly)
    assert (quorum.counted, quorum.required, quorum.reached) == (2, 2, True)
    with pytest.raises(DomainError, match="3 voix saisies pour 2"):
        services.record_vote(actor=actor, resolution=resolution, votes_for=2, votes_against=1)
    voted = services.record_vote(actor=actor, resolution=resolution, votes_for=1, votes_against=0, abstentions=1)
    assert voted.adopted is True
    assembly.refresh_from_db()
    assert assembly.status == "held"


@pytest.mark.django_db
def test_convocation_and_minutes_pdf(client_as, personas, assembly):
    services.add_resolution(actor=personas["assistant"], assembly=assembly, title="Approbation des comptes")
    assert services.convene(actor=personas["assistant"], assembly=assembly) == 4
    assert len(mail.outbox) == 4 and "Approbation des comptes" in mail.outbox[0].body
    assembly.refresh_from_db()
    assert assembly.status == "convened" and assembly.convened_at
    response = client_as("salarie").get(reverse("office:assembly-pdf", args=[assembly.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    page = client_as("assistant").get(reverse("office:assembly-detail", args=[assembly.pk])).text
    assert "Feuille de présence" in page and "non atteint" in page


@pytest.mark.django_db
def test_the_pages_record_presence_and_vote(client_as, personas, assembly):
    client = client_as("assistant")
    for name in ("Anne", "Bruno", "Chloé"):
        client.post(reverse("office:assembly-presence", args=[_m(assembly, name).pk]), {"presence": "present"})
    resolution = services.add_resolution(actor=personas["assistant"], assembly=assembly, title="Budget")
    response = client.post(reverse("office:resolution-vote", args=[resolution.pk]),
                           {"votes_for": "2", "votes_against": "1", "abstentions": "0"}, follow=True)  # fmt: skip
    resolution.refresh_from_db()
    assert resolution.adopted is True and "adoptée" in response.text
    response = client.post(reverse("office:resolution-vote", args=[resolution.pk]),
                           {"votes_for": "9", "votes_against": "1", "abstentions": "0"}, follow=True)  # fmt: skip
    resolution.refresh_from_db()
    assert resolution.votes_for == 2 and "corrigez le décompte" in response.text
    assert client_as("salarie").post(reverse("office:resolution-vote", args=[resolution.pk]), {}).status_code == 403


@pytest.mark.django_db
def test_an_association_s_members_are_convened_through_the_registry(personas):
    from pilote.associations.models import Member, MembershipType
    from pilote.contacts.models import Contact

    kind = MembershipType.objects.create(name="Adhérent", fee=Decimal("20"))
    for number, (name, left) in enumerate([("Amadou", None), ("Berthe", dt.date(2025, 1, 1))], start=1):
        contact = Contact.objects.create(name=name, email=f"{name.lower()}@example.org")
        Member.objects.create(contact=contact, number=number, membership_type=kind, joined_on=dt.date(2020, 1, 1),
                              left_on=left)  # fmt: skip
    assembly = services.create_assembly(actor=personas["direction"], title="AG", starts_at=START,
                                        source="associations.members")  # fmt: skip
    assert list(assembly.members.values_list("name", "email")) == [("Amadou", "amadou@example.org")]
