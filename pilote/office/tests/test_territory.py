"""The territorial needs study: the analysis (each area against the reference, the gaps that point to a need),
the service's rules (one reference, a validated study is read-only), the pages and the A4 PDF in French."""

from __future__ import annotations

import datetime as dt
import html
import io
from decimal import Decimal
from types import SimpleNamespace as NS

import pytest
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.office import territory
from pilote.office.models import StudyStatus
from pilote.office.services import territory as services


def test_relative_gap_rounded_half_up_and_need_direction():
    assert territory.relative_gap(Decimal("13.5"), Decimal("9")) == Decimal("50.0")
    assert territory.relative_gap(Decimal("10.05"), Decimal("10")) == Decimal("0.5")  # 0,5 % exactly: half up
    assert territory.relative_gap(Decimal("-3"), Decimal("-2")) == Decimal("-50.0")  # measured against |reference|
    assert territory.relative_gap(Decimal("5"), Decimal("0")) is None
    assert territory.relative_gap(None, Decimal("2")) is None
    assert territory.signals_need(Decimal("10.0"), True, Decimal("10"))
    assert not territory.signals_need(Decimal("9.9"), True, Decimal("10"))
    assert territory.signals_need(Decimal("-12"), False, Decimal("10"))  # lower income: a need
    assert not territory.signals_need(Decimal("12"), False, Decimal("10"))


def test_analysis_compares_each_area_with_the_reference():
    north, south, ref = NS(pk=1, is_reference=False), NS(pk=2, is_reference=False), NS(pk=3, is_reference=True)
    old = NS(pk=10, theme="Démographie", label="Part des 75 ans et plus", higher_means_need=True)
    income = NS(pk=11, theme="Revenus", label="Revenu médian", higher_means_need=False)
    values = {(10, 1): Decimal("14.2"), (10, 2): Decimal("9.8"), (10, 3): Decimal("10"),
              (11, 1): Decimal("19000"), (11, 3): Decimal("22000")}  # fmt: skip
    analysis = territory.analyse([north, south, ref], [old, income], values, Decimal("10"))
    assert analysis.reference is ref and analysis.areas == [north, south]
    (theme1, rows1), (theme2, rows2) = analysis.themes
    assert theme1 == "Démographie" and [c.gap for c in rows1[0].cells] == [Decimal("42.0"), Decimal("-2.0")]
    assert [c.need for c in rows1[0].cells] == [True, False]
    assert rows2[0].cells[0].gap == Decimal("-13.6") and rows2[0].cells[0].need
    assert rows2[0].cells[1].value is None and not analysis.complete
    assert [(s.indicator.label, s.gap) for s in analysis.signals] == [
        ("Part des 75 ans et plus", Decimal("42.0")), ("Revenu médian", Decimal("-13.6"))]  # fmt: skip


@pytest.fixture
def study(personas):
    actor = personas["assistant"]
    return services.create_study(
        actor=actor, title="Besoins des seniors", territory="Villeurbanne", population="Personnes de 75 ans et plus",
        carried_out_on=dt.date(2026, 10, 1), purpose="Projet de résidence autonomie.", method="INSEE, entretiens.",
    )  # fmt: skip


@pytest.mark.django_db
def test_one_reference_and_a_validated_study_is_read_only(personas, study):
    actor = personas["assistant"]
    services.add_area(actor=actor, study=study, name="Quartier Nord")
    services.add_area(actor=actor, study=study, name="Rhône", is_reference=True)
    with pytest.raises(DomainError, match="déjà une zone de référence"):
        services.add_area(actor=actor, study=study, name="France", is_reference=True)
    with pytest.raises(DomainError, match="figure déjà"):
        services.add_area(actor=actor, study=study, name="quartier nord")
    with pytest.raises(DomainError, match="au moins un constat"):
        services.set_status(actor=actor, study=study, status=StudyStatus.FINAL)
    services.add_indicator(actor=actor, study=study, theme="Démographie", label="Part des 75 ans et plus", unit="%")
    services.add_finding(actor=actor, study=study, theme="Logement", need="Logements adaptés", priority=1)
    services.set_status(actor=actor, study=study, status=StudyStatus.FINAL)
    with pytest.raises(DomainError, match="validée"):
        services.add_source(actor=actor, study=study, name="CAF 2025")
    services.set_status(actor=actor, study=study, status=StudyStatus.DRAFT)
    with pytest.raises(DomainError, match="1 à 3"):
        services.add_finding(actor=actor, study=study, theme="x", need="y", priority=4)
    with pytest.raises(DomainError, match="Indiquez le territoire"):
        services.create_study(actor=actor, title="x", territory=" ", carried_out_on=dt.date(2026, 1, 1))


@pytest.mark.django_db
def test_pages_gather_the_data_analyse_it_and_print_the_pdf(client_as, personas, study):
    from pypdf import PdfReader

    client = client_as("assistant")
    detail = reverse("office:study-detail", args=[study.pk])
    for name, ref in (("Quartier Nord", ""), ("Quartier Sud", ""), ("Métropole de Lyon", "on")):
        client.post(reverse("office:study-area-add", args=[study.pk]), {"name": name, "is_reference": ref})
    client.post(reverse("office:study-source-add", args=[study.pk]),
                {"name": "INSEE, recensement 2021", "producer": "INSEE", "year": "2024"})  # fmt: skip
    areas = {a.name: a for a in study.areas.all()}
    source = study.sources.get()
    response = client.post(reverse("office:study-indicator-add", args=[study.pk]), {
        "theme": "Démographie", "label": "Part des 75 ans et plus vivant seules", "unit": "%",
        "higher_means_need": "1", "source": source.pk, f"zone_{areas['Quartier Nord'].pk}": "48,5",
        f"zone_{areas['Quartier Sud'].pk}": "37", f"zone_{areas['Métropole de Lyon'].pk}": "40",
    }, follow=True)  # fmt: skip
    assert "Indicateur ajouté." in html.unescape(response.text)
    indicator = study.indicators.get()
    response = client.post(reverse("office:study-values", args=[indicator.pk]),
                           {f"zone_{areas['Quartier Sud'].pk}": "abc"}, follow=True)  # fmt: skip
    assert "Saisissez un nombre" in html.unescape(response.text)
    assert indicator.values.get(area=areas["Quartier Sud"]).value == Decimal("37")  # nothing written
    client.post(reverse("office:study-finding-add", args=[study.pk]), {
        "theme": "Isolement", "need": "Rompre l'isolement des 75 ans et plus", "priority": "1",
        "evidence": "48,5 % vivent seules au Nord.", "response": "Visites de convivialité",
    })  # fmt: skip
    page = html.unescape(client.get(detail).text)
    assert "+21,3 %" in page and "Part des 75 ans et plus vivant seules : 48,5 % contre 40 (+21,3 %)" in page
    assert "−7,5 %" in page or "-7,5 %" in page
    # Read by everyone, changed by the office roles only.
    salarie = client_as("salarie")
    assert salarie.get(detail).status_code == 200
    refused = salarie.post(reverse("office:study-finding-add", args=[study.pk]), {"theme": "x", "need": "y"})
    assert refused.status_code == 403
    client = client_as("assistant")
    client.post(reverse("office:study-status", args=[study.pk]), {"etat": "final"})
    study.refresh_from_db()
    assert study.status == StudyStatus.FINAL
    response = client_as("salarie").get(reverse("office:study-pdf", args=[study.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait
    text = " ".join(p.extract_text() for p in reader.pages)
    for words in (
        "Étude des besoins du territoire",
        "Villeurbanne",
        "INSEE, recensement 2021",
        "48,5",
        "Écarts à retenir",
        "Rompre l'isolement",
        "Visites de convivialité",
        "Métropole de Lyon",
    ):
        assert words in text, words
    client = client_as("assistant")
    listing = client.get(reverse("office:study-list"), {"q": "villeur"}).text
    assert "Besoins des seniors" in listing
    export = client.get(reverse("office:study-export", args=["csv"]))
    body = b"".join(export.streaming_content) if export.streaming else export.content
    assert export.status_code == 200 and "Villeurbanne" in body.decode("utf-8-sig")
