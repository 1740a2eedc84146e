"""Every model has a French name (singular and plural, never Django's « xxx object (4) » nor an English
name derived from the class) and a French __str__: they appear in messages, the audit log and forms."""

import datetime as dt
from decimal import Decimal

from django.apps import apps
from django.db import models

from pilote.lib.french import agree, de, elides, plural


def _project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("pilote.") and not m._meta.auto_created]


def test_every_model_has_french_names_and_its_own_str():
    missing = []
    for model in _project_models():
        options = model._meta.original_attrs
        for name in ("verbose_name", "verbose_name_plural"):
            if name not in options:
                missing.append(f"{model._meta.label}: {name}")
        if model.__str__ is models.Model.__str__:
            missing.append(f"{model._meta.label}: __str__")
    assert missing == []


def test_str_of_technical_rows_reads_as_french(structure):
    from pilote.ledger.models import StatementImport, StatementLine

    imported = StatementImport(filename="releve-novembre.xml", imported_at=dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC))
    assert str(imported) == "Relevé « releve-novembre.xml » importé le 30/11/2026"
    line = StatementLine(booking_date=dt.date(2026, 11, 3), label="VIR CLIENT", amount=Decimal("2995.20"))
    assert str(line) == "03/11/2026 VIR CLIENT 2\u202f995,20\u202f€"


def test_elision_agreement_and_plurals():
    assert de("Agence Lumière") == "d'Agence Lumière" and de("Boulangerie Martin") == "de Boulangerie Martin"
    assert de("Hélène Roux") == "d'Hélène Roux" and de("Hauts de Saône") == "de Hauts de Saône"
    assert de("Île-de-France Bureau") == "d'Île-de-France Bureau" and not elides("")
    assert agree("émis", feminine=True) == "émise" and agree("émis") == "émis"
    assert agree("comptabilisé", feminine=True, plural=True) == "comptabilisées"
    assert plural(0, "ligne") == "0 ligne" and plural(1, "ligne") == "1 ligne" and plural(3, "ligne") == "3 lignes"
