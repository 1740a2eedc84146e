"""Journeys of the load test (issue 18 point 3), run by `bench/load_test.py` with locust headless.

Three kinds of users, each logged in once with its own session (as people are: one sign-in opens a working
session, kept by its cookie), following what they do in a day, with « a think time of about 5 s between pages »
(issue 18; `PILOTE_THINK_S`, 0.8 to 1.2 times it; 0 for the throughput ceiling):
- the commercial: home page (to-do list), invoices list, a search, an invoice, the customer's account, quotes;
- the accountant: trial balance, a general-ledger page, the entries list (filtered), the aged balance, a search;
- direction: the dashboard, invoices to collect, an invoice, and a customer payment recorded (a write: a bank
  entry posted through the ledger's chain lock, the invoice's balance updated).
Every page of a journey is followed by one think time: `page()` thinks before each page but the first of a day,
and locust's `wait_time` thinks after the day's last page. (Until session 12 the think came only between days:
each day's 6 to 8 pages were fired back to back, so 50 users offered about 32 requests/s instead of about 9 and
the « 50 users with think time » run measured a saturated cluster, not the issue's journeys. The ceiling, with
no think time, is unchanged.)
And the sign-ins an office makes during the day (someone arriving, back from lunch, on another device): one
simulated person (`Arrival`, fixed count 1) signs out and in again about once a minute (`PILOTE_LOGIN_EVERY_S`),
which for 50 people is a new sign-in for each of them every 50 minutes. The sign-in (« connexion »: the password
checked with the project's hasher, unchanged) is measured alone, its redirect not followed; the home page it
leads to is fetched and counted as « accueil ». Users start at `bench/load_test.py`'s spawn rate and its figures
start once all have started (`--reset-stats`), so the morning's sign-ins are not in them.
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
LOGIN_EVERY_S = float(os.environ.get("PILOTE_LOGIN_EVERY_S", "60"))
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
        self.log_in()
        self.invoices: list[str] = []
        self.customers: list[str] = []
        self.pages_today = 0

    def think_before_page(self):
        """The think time between two pages of a day (the wait after the day's last page is locust's own)."""
        if self.pages_today:
            self.wait()  # interruptible: a user stopped while thinking ends there
        self.pages_today += 1

    def page(self, path: str, name: str):
        self.think_before_page()
        return self.client.get(path, name=name)

    def log_in(self):
        """The sign-in form and its POST (the redirect to the home page not followed: that page is its own figure)."""
        page = self.client.get("/connexion/", name="connexion (formulaire)")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/connexion/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/connexion/"},
            name="connexion",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/connexion/" in response.headers.get("Location", ""):
                response.failure(f"connexion refusée pour {self.username}")
                raise RuntimeError(f"login refused for {self.username}")

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
        self.pages_today = 0
        self.page("/", name="accueil")
        self._learn(self.page("/ventes/factures/", name="factures").text)
        self.page(f"/ventes/factures/?q={random.choice(SEARCHES)}", name="factures (recherche)")
        if self.invoices:
            self.page(f"/ventes/factures/{random.choice(self.invoices)}/", name="facture")
        self._learn(self.page("/recouvrement/encours/", name="encours clients").text)
        if self.customers:
            self.page(f"/recouvrement/clients/{random.choice(self.customers)}/", name="compte client")
        self.page("/ventes/devis/", name="devis")


class Comptable(PiloteUser):
    username = "comptable"
    weight = 2

    @task
    def day(self):
        self.pages_today = 0
        self.page("/comptabilite/balance/", name="balance")
        self.page(f"/comptabilite/grand-livre/?compte={random.choice(ACCOUNTS)}", name="grand livre")
        self.page("/comptabilite/ecritures/", name="écritures")
        self.page("/comptabilite/ecritures/?journal=VT", name="écritures (journal)")
        self.page("/comptabilite/balance-agee/?type=411", name="balance âgée")
        self.page(f"/recherche/?q={random.choice(SEARCHES)}", name="recherche")


class Direction(PiloteUser):
    username = "direction"
    weight = 1

    @task
    def day(self):
        self.pages_today = 0
        self.page("/tableau-de-bord/", name="tableau de bord")
        self._learn(self.page("/ventes/factures/?state=unpaid", name="factures à encaisser").text)
        if not self.invoices:
            return
        invoice = random.choice(self.invoices)
        page = self.page(f"/ventes/factures/{invoice}/", name="facture").text
        match = re.search(r'href="/ventes/reglements/client/(\d+)/', page)
        if not match:
            return
        customer = match.group(1)
        form = self.page(f"/ventes/reglements/client/{customer}/?facture={invoice}", name="règlement (saisie)")
        bank = re.search(r'name="bank_account"[^>]*>\s*<option value="(\d+)"', form.text)
        token = CSRF.search(form.text)
        if not (bank and token):
            return
        self.think_before_page()  # the form filled in
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


class Arrival(PiloteUser):
    """The office's sign-ins during the day: one person signing out and in again, then opening the home page."""

    username = "commercial"
    fixed_count = 1
    wait_time = constant(LOGIN_EVERY_S)  # think time or not (the ceiling): people sign in at their pace

    @task
    def sign_in_again(self):
        self.client.cookies.clear()  # a new browser session (its CSRF cookie included)
        self.log_in()
        self.client.get("/", name="accueil")
