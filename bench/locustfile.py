"""Journeys of the load test (issue 18 point 3), run by `bench/load_test.py` with locust headless.

Three kinds of users, each logged in once with its own session (as people are), following what they do in a
day, with a think time between pages (`PILOTE_THINK_S`, about 5 s; 0 for the throughput ceiling):
- the commercial: home page (to-do list), invoices list, a search, an invoice, the customer's account, quotes;
- the accountant: trial balance, a general-ledger page, the entries list (filtered), the aged balance, a search;
- direction: the dashboard, invoices to collect, an invoice, and a customer payment recorded (a write: a bank
  entry posted through the ledger's chain lock, the invoice's balance updated).
Identifiers come from the pages themselves (links of the lists), as a user would click them.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re

from load_common import CSRF, PASSWORD  # locust puts the locustfile's folder on the path
from locust import HttpUser, between, constant, task

THINK_S = float(os.environ.get("PILOTE_THINK_S", "5"))
INVOICE_LINK = re.compile(r'href="/ventes/factures/(\d+)/"')
CUSTOMER_LINK = re.compile(r'href="/recouvrement/clients/(\d+)/"')
SEARCHES = ("boulangerie", "lyon", "martin", "garage", "nantes", "conseil")
ACCOUNTS = ("411", "401", "512", "706", "607", "44571", "641")


def think():
    return between(THINK_S * 0.8, THINK_S * 1.2) if THINK_S else constant(0)


class PiloteUser(HttpUser):
    abstract = True
    username = ""
    wait_time = think()

    def on_start(self):
        page = self.client.get("/connexion/", name="connexion")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/connexion/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/connexion/"},
            name="connexion",
        )
        if "/connexion/" in response.url:
            raise RuntimeError(f"login refused for {self.username}")
        self.invoices: list[str] = []
        self.customers: list[str] = []

    def _learn(self, html: str):
        self.invoices = INVOICE_LINK.findall(html) or self.invoices
        self.customers = CUSTOMER_LINK.findall(html) or self.customers

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")


class Commercial(PiloteUser):
    username = "commercial"
    weight = 2

    @task
    def day(self):
        self.client.get("/", name="accueil")
        self._learn(self.client.get("/ventes/factures/", name="factures").text)
        self.client.get(f"/ventes/factures/?q={random.choice(SEARCHES)}", name="factures (recherche)")
        if self.invoices:
            self.client.get(f"/ventes/factures/{random.choice(self.invoices)}/", name="facture")
        self._learn(self.client.get("/recouvrement/encours/", name="encours clients").text)
        if self.customers:
            self.client.get(f"/recouvrement/clients/{random.choice(self.customers)}/", name="compte client")
        self.client.get("/ventes/devis/", name="devis")


class Comptable(PiloteUser):
    username = "comptable"
    weight = 2

    @task
    def day(self):
        self.client.get("/comptabilite/balance/", name="balance")
        self.client.get(f"/comptabilite/grand-livre/?compte={random.choice(ACCOUNTS)}", name="grand livre")
        self.client.get("/comptabilite/ecritures/", name="écritures")
        self.client.get("/comptabilite/ecritures/?journal=VT", name="écritures (journal)")
        self.client.get("/comptabilite/balance-agee/?type=411", name="balance âgée")
        self.client.get(f"/recherche/?q={random.choice(SEARCHES)}", name="recherche")


class Direction(PiloteUser):
    username = "direction"
    weight = 1

    @task
    def day(self):
        self.client.get("/tableau-de-bord/", name="tableau de bord")
        self._learn(self.client.get("/ventes/factures/?state=unpaid", name="factures à encaisser").text)
        if not self.invoices:
            return
        invoice = random.choice(self.invoices)
        page = self.client.get(f"/ventes/factures/{invoice}/", name="facture").text
        match = re.search(r'href="/ventes/reglements/client/(\d+)/', page)
        if not match:
            return
        customer = match.group(1)
        form = self.client.get(f"/ventes/reglements/client/{customer}/?facture={invoice}", name="règlement (saisie)")
        bank = re.search(r'name="bank_account"[^>]*>\s*<option value="(\d+)"', form.text)
        token = CSRF.search(form.text)
        if not (bank and token):
            return
        with self.client.post(
            f"/ventes/reglements/client/{customer}/?facture={invoice}",
            {
                "csrfmiddlewaretoken": token.group(1),
                "date": dt.date.today().strftime("%d/%m/%Y"),
                "amount": "10,00",
                "method": "transfer",
                "bank_account": bank.group(1),
                "reference": "Charge",
                f"a-{invoice}": "10,00",
            },
            headers={"Referer": f"{self.host}/ventes/reglements/client/{customer}/"},
            name="règlement (enregistré)",
            catch_response=True,
        ) as response:
            if "/ventes/reglements/" not in response.url or "client/" in response.url:
                response.failure("règlement refusé (le formulaire est revenu)")
