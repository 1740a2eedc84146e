"""Supplier selection files: the weighted ranking (pure), the grid, the choice with its justification, the past
scorecard beside the candidates, the request for quotes made from the file (need → RFQ)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.contacts import services as contacts
from pilote.core.exceptions import DomainError
from pilote.purchases import evaluation, selection
from pilote.purchases.models import QuoteRequest

D = Decimal
DAY = dt.date(2026, 4, 1)


def test_rank_weights_the_scores_and_shares_ties():
    weights = {1: 40, 2: 35, 3: 25}  # price, quality, delay
    scores = {
        (10, 1): 5, (10, 2): 3, (10, 3): 2,  # (200 + 105 + 50) / 100 = 3,55
        (20, 1): 3, (20, 2): 5, (20, 3): 4,  # (120 + 175 + 100) / 100 = 3,95
        (30, 1): 4, (30, 2): 4, (30, 3): 3,  # (160 + 140 + 75) / 100 = 3,75
        (40, 1): 5, (40, 2): 3,  # delay missing: (200 + 105) / 100 = 3,05, incomplete
        (50, 1): 3, (50, 2): 5, (50, 3): 4,  # same as 20
    }  # fmt: skip
    ranked = selection.rank(weights, scores, [10, 20, 30, 40, 50])
    assert [(r.candidate, r.score, r.rank, r.complete) for r in ranked] == [
        (20, D("3.95"), 1, True),
        (50, D("3.95"), 1, True),
        (30, D("3.75"), 3, True),
        (10, D("3.55"), 4, True),
        (40, D("3.05"), 5, False),
    ]
    assert selection.rank({}, {}, [1]) == [selection.Ranked(1, D("0.00"), 1, True)]


@pytest.fixture
def file(buy):
    others = [contacts.create_contact(actor=buy["assistant"], kind="organisation", name=name, is_supplier=True)
              for name in ("Bureau Plus", "Papeterie Centrale")]  # fmt: skip
    return selection.create_file(actor=buy["assistant"], title="Papier pour l'année", date=DAY,
                                 criteria=[("Prix", 50), ("Qualité", 30), ("Délai", 20)],
                                 suppliers=[buy["supplier"], *others])  # fmt: skip


def _grid(file, table: dict[str, tuple]) -> dict:
    criteria = list(file.criteria.order_by("position"))
    scores = {}
    for candidate in file.candidates.select_related("supplier"):
        for criterion, value in zip(criteria, table[candidate.supplier.name], strict=True):
            scores[(candidate.pk, criterion.pk)] = value
    return scores


def test_a_file_is_scored_ranked_and_decided_with_a_justification(file, buy):
    assert file.number == "DS-2026-0001" and file.candidates.count() == 3
    scores = _grid(file, {"Atelier Pilote": (3, 5, 4), "Bureau Plus": (5, 3, 3), "Papeterie Centrale": (4, 4, None)})
    file = selection.set_scores(actor=buy["assistant"], file=file, scores=scores, version=file.version)
    by_name = {c.pk: c.supplier.name for c in file.candidates.select_related("supplier")}
    ranked = [(by_name[r.candidate], r.score, r.complete) for r in selection.ranking(file)]
    # Atelier 1,5 + 1,5 + 0,8 = 3,8 · Bureau 2,5 + 0,9 + 0,6 = 4,0 · Papeterie 2 + 1,2 + 0 = 3,2 (delay missing)
    assert ranked == [("Bureau Plus", D("4.00"), True), ("Atelier Pilote", D("3.80"), True),
                      ("Papeterie Centrale", D("3.20"), False)]  # fmt: skip
    chosen = file.candidates.get(supplier=buy["supplier"])
    with pytest.raises(DomainError, match="Justifiez"):
        selection.decide(actor=buy["assistant"], file=file, candidate=chosen, justification=" ")
    reason = "Qualité constatée sur les essais, délai tenu"
    file = selection.decide(actor=buy["assistant"], file=file, candidate=chosen, justification=reason,
                            version=file.version)  # fmt: skip
    assert file.status == "decided" and file.chosen == buy["supplier"]
    with pytest.raises(DomainError, match="Fournisseur retenu"):
        selection.set_scores(actor=buy["assistant"], file=file, scores={})
    other = selection.create_file(actor=buy["assistant"], title="Toner", date=DAY, criteria=[("Prix", 1)],
                                  suppliers=[buy["supplier"]])  # fmt: skip
    key = (other.candidates.get().pk, other.criteria.get().pk)
    with pytest.raises(DomainError, match="de 0 à 5"):
        selection.set_scores(actor=buy["assistant"], file=other, scores={key: 9})
    with pytest.raises(DomainError, match="ne correspond pas"):
        selection.set_scores(actor=buy["assistant"], file=other, scores={(chosen.pk, key[1]): 3})


def test_the_file_pages_grid_choice_and_scorecard_beside(file, buy, client_as):
    evaluation.rate_supplier(actor=buy["assistant"], supplier=buy["supplier"], score=4, rated_on=DAY)
    client = client_as("assistant")
    url = reverse("purchases:selection-detail", args=[file.pk])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "data-ranking" in page and "4,0 / 5" in page  # Atelier Pilote's past rating beside it
    assert len(queries) < 40
    scores = _grid(file, {"Atelier Pilote": (3, 5, 4), "Bureau Plus": (5, 3, 3), "Papeterie Centrale": (4, 4, 4)})
    data = {"version": file.version, **{f"note-{c}-{k}": str(v) for (c, k), v in scores.items()}}
    assert client.post(reverse("purchases:selection-grid", args=[file.pk]), data).status_code == 302
    page = client.get(url).content.decode()
    assert "4,00 / 5" in page  # Bureau Plus's weighted score
    file.refresh_from_db()
    bureau = file.candidates.get(supplier__name="Bureau Plus")
    response = client.post(reverse("purchases:selection-decide", args=[file.pk]),
                           {"candidate": bureau.pk, "justification": "Meilleure note", "version": file.version},
                           follow=True)  # fmt: skip
    assert "data-chosen" in response.content.decode() and "Meilleure note" in response.content.decode()
    assert client_as("auditeur").post(reverse("purchases:selection-grid", args=[file.pk]), data).status_code == 403
    listing = client.get(reverse("purchases:selection-list"), {"statut": "decided", "export": "csv"})
    body = b"".join(listing.streaming_content).decode("utf-8-sig")
    assert "DS-2026-0001" in body and "Bureau Plus" in body and "Meilleure note" in body


def test_a_request_for_quotes_is_made_from_the_file(file, client_as):
    client = client_as("assistant")
    page = client.get(reverse("purchases:rfq-create"), {"dossier": file.pk})
    initial = page.context["form"].initial
    assert initial["title"] == "Papier pour l'année" and initial["dossier"] == file.pk
    candidates = list(file.candidates.values_list("supplier_id", flat=True))
    data = {"title": "Papier pour l'année", "date": "2026-04-02", "dossier": str(file.pk),
            **{f"supplier_{i}": str(pk) for i, pk in enumerate(candidates, start=1)},
            "lignes-TOTAL_FORMS": "1", "lignes-INITIAL_FORMS": "0", "lignes-0-description": "Ramettes A4",
            "lignes-0-quantity": "200", "lignes-0-unit": "u"}  # fmt: skip
    response = client.post(reverse("purchases:rfq-create"), data, follow=True)
    request = QuoteRequest.objects.get()
    file.refresh_from_db()
    assert file.quote_request == request and request.answers.count() == 3
    assert file.number in response.content.decode()  # the RFQ page links back to the file
