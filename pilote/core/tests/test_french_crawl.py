"""Crawl the demo as each role: every page reachable from the URL patterns (first demo object of each
kind) and the links found on them, and fail on what a French user must never read: « object ( »,
amounts with a decimal dot, raw Decimals (« 1290,0000 », « 1,000 »), audit codes, English words, 5xx;
and on a page served without its Content-Security-Policy header.
The demo is loaded once for the module (conftest's demo_loaded), inside a transaction rolled back at the end."""

import pytest
from django.test import Client

from pilote.core import audit
from pilote.core.models import AuditEvent, User
from pilote.core.roles import Role
from pilote.core.tests.crawling import crawl, findings_in, unique

pytestmark = pytest.mark.django_db


def test_the_rules_catch_each_slip():
    html = """<html><head><style>.a{}</style><script>var x = 2995.20 + " €";</script></head><body>
      <p>StatementImport object (4)</p><p>Total 2995.20 €</p><p>TVA 5.5 %</p><td class="num">12.50</td>
      <input type="text" value="1290,0000"><input value="1,000"><li>ledger.bank.reconciled</li>
      <button>Submit</button><p>None</p>
      <p>Le 24.11.2026, version 1.2.3, 192.168.0.1, contact@lumen.fr, www.lumen-bureautique.fr</p>
      <p>1 290,00 € — 5,5 % — 1,5 — Go/No-go</p></body></html>"""
    rules = [rule for rule, _ in findings_in(html)[0]]
    assert rules.count("nombre avec un point décimal") == 3
    assert rules.count("décimal brut") == 2 and "représentation technique d'un objet" in rules
    assert "code technique d'événement" in rules and "mot anglais" in rules and "valeur Python" in rules
    assert len(rules) == 10, findings_in(html)[0]  # « object » is also an English word


def test_every_page_of_the_demo_reads_french_for_every_role(demo_loaded, django_db_blocker):
    findings, failures, visited = [], [], 0
    with django_db_blocker.unblock():
        for role in Role:
            client = Client()
            client.force_login(User.objects.get(username=role.value))
            found, pages, failed = crawl(client, role.value)
            findings += found
            failures += [f"[{role.value}] {page}" for page in failed]
            visited += len(pages)
        recorded = set(AuditEvent.objects.values_list("action", flat=True).distinct())
    assert visited > 300, visited  # the walk reached the pages, not only the home page
    assert failures == []
    assert unique(findings) == [], "\n".join(map(str, unique(findings)))
    assert recorded - set(audit.labels()) == set()  # every event of the demo has its label
