"""Crawl the pages of a loaded demo as one role and report technical or English text a user would see.

Used by test_french_crawl.py; also runnable by hand on a demo database to list the findings:
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 python -m pilote.core.tests.crawling
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pilote.core.permissions import role_can

# --- What a page must not show -------------------------------------------------------------------------
NUMBER = r"(?<![\w.,])-?(?:\d{1,3}(?:[\u202f\u00a0 ]\d{3})+|\d+)"
RULES: list[tuple[str, re.Pattern]] = [
    ("représentation technique d'un objet", re.compile(r"\bobject \(|<[A-Z]\w+: |\b\w+Line object\b")),
    # 2995.20 €, 5.5 %: a dot as decimal separator before a unit (dates, IPs, versions have no unit after).
    ("nombre avec un point décimal", re.compile(NUMBER + r"\.\d+(?![\d.])\s?(?:€|%|EUR\b)")),
    # 1290,0000 or 1,000: a raw Decimal (trailing zeros beyond the cents), instead of 1 290,00 or 1.
    ("décimal brut", re.compile(r"(?<![\w,])\d+,\d{1,2}0{2,}(?!\d)|(?<![\w,])\d+,0{3,}(?!\d)")),
    ("code technique d'événement", re.compile(r"(?<![\w@./-])[a-z]+\.[a-z_]+\.[a-z_]+(?![\w@./-])")),
    ("valeur Python", re.compile(r"\b(None|True|False|nan|Decimal\(|datetime\.)")),
    (
        "mot anglais",
        re.compile(
            r"\b(Submit|Save|Cancel|Delete|Search|Page not found|Server Error|Next|Previous|items|object|"
            r"Edit|Update|Create|Loading|This field is required|Enter a valid)\b"
        ),
    ),
]
# In a cell of numbers, a dot is a decimal separator whatever follows.
NUM_CELL = re.compile(r"^\s*[-+]?\d[\d\u202f\u00a0 ]*\.\d+\s*$")
SKIPPED_TAGS = {"script", "style", "template", "svg"}
SHOWN_INPUTS = {"text", "search", "number", "email", "tel", "url", "date", "submit", "button", ""}


class PageText(HTMLParser):
    """The text a user reads: text nodes (no scripts or styles), the values shown in inputs and buttons,
    placeholders and titles; and separately the text of numeric cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.num_cells: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in SKIPPED_TAGS:
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "input" and (attrs.get("type") or "").lower() in SHOWN_INPUTS and attrs.get("value"):
            self.parts.append(attrs["value"])
        for name in ("placeholder", "title", "aria-label"):
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag in {"td", "th"} and "num" in (attrs.get("class") or "").split():
            self._cell = []

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self._skip:
            self._skip -= 1
        if tag in {"td", "th"} and self._cell is not None:
            self.num_cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._skip:
            return
        self.parts.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def text(self) -> str:
        return "\n".join(part.strip() for part in self.parts if part.strip())


@dataclass(frozen=True)
class Finding:
    role: str
    url: str
    rule: str
    excerpt: str

    def __str__(self) -> str:
        return f"[{self.role}] {self.url} — {self.rule} : « {self.excerpt} »"


def findings_in(html: str) -> tuple[list[tuple[str, str]], list[str]]:
    page = PageText()
    page.feed(html)
    found = []
    for line in page.text.splitlines():
        for rule, pattern in RULES:
            if match := pattern.search(line):
                start = max(0, match.start() - 30)
                found.append((rule, line[start : match.end() + 30]))
    found += [("nombre avec un point décimal", cell.strip()) for cell in page.num_cells if NUM_CELL.match(cell)]
    return found, page.links


# --- Which pages, with which objects --------------------------------------------------------------------
SKIPPED_NAMES = re.compile(r"(pdf|export|fec-download|download|import-template|logout|setup$|health|^media$|"
                           r"general-ledger-export)")  # fmt: skip
SKIPPED_PATHS = ("/static/", "/media/", "/api/", "/deconnexion/", "/installation/")


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _first(label: str, **filters) -> Callable[[], list]:
    def pick():
        model = apps.get_model(label)
        return list(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)[:1])

    return pick


def _one_of_each(label: str, *fields: str) -> Callable[[], list]:
    """The first object of each value of `fields` (a draft, an issued invoice, a credit note…)."""

    def pick():
        model = apps.get_model(label)
        seen: dict = {}
        for row in model.objects.order_by("pk").values("pk", *fields).iterator():
            seen.setdefault(tuple(row[f] for f in fields), row["pk"])
        return list(seen.values())

    return pick


def _customers_with_invoices():
    invoice = apps.get_model("sales.Invoice")
    return list(invoice.objects.order_by("customer_id").values_list("customer_id", flat=True).distinct()[:2])


# URL name (or name prefix before the last dash) → the objects to show. Pages with parameters that are
# not listed here are still reached through the links of the list pages.
OBJECTS: dict[str, Callable[[], list]] = {
    "contacts:detail": _first("contacts.Contact"),
    "contacts:edit": _first("contacts.Contact"),
    "contacts:person-edit": _first("contacts.ContactPerson"),
    "contacts:address-edit": _first("contacts.Address"),
    "contacts:person-create": _first("contacts.Contact"),
    "contacts:address-create": _first("contacts.Contact"),
    "contacts:interaction-create": _first("contacts.Contact"),
    "catalog:edit": _first("catalog.Product"),
    "ledger:entry-detail": _one_of_each("ledger.Entry", "status", "journal_id"),
    "ledger:entry-edit": _first("ledger.Entry", status="draft"),
    "ledger:lettering": _one_of_each("ledger.AuxiliaryAccount", "control_account_id"),
    "ledger:closing": _first("ledger.FiscalYear"),
    "ledger:bank-detail": _first("ledger.BankAccount"),
    "ledger:bank-import": _first("ledger.BankAccount"),
    "ledger:bank-report": _first("ledger.BankAccount"),
    "ledger:statement-line": lambda: (
        _first("ledger.StatementLine", entry_line=None)() + _first("ledger.StatementLine", entry_line__isnull=False)()
    ),
    "ledger:asset-detail": _first("ledger.FixedAsset"),
    "ledger:asset-dispose": _first("ledger.FixedAsset"),
    "finance:budget-detail": _one_of_each("finance.Budget", "kind"),
    "finance:budget-variance": _one_of_each("finance.Budget", "kind"),
    "pipeline:detail": _one_of_each("pipeline.Opportunity", "stage"),
    "pipeline:edit": _first("pipeline.Opportunity"),
    "pipeline:tender-detail": _one_of_each("pipeline.Tender", "status"),
    "pipeline:tender-edit": _first("pipeline.Tender"),
    "pipeline:tender-grid": _first("pipeline.Tender"),
    "sales:quote-detail": _one_of_each("sales.Quote", "status"),
    "sales:quote-edit": _first("sales.Quote", status="draft"),
    "sales:order-detail": _one_of_each("sales.Order", "status"),
    "sales:order-deliver": _first("sales.Order", status="confirmed"),
    "sales:order-invoice": _first("sales.Order", status="confirmed"),
    "sales:order-deposit": _first("sales.Order", status="confirmed"),
    "sales:delivery-detail": _first("sales.Delivery"),
    "sales:invoice-detail": _one_of_each("sales.Invoice", "kind", "status"),
    "sales:invoice-edit": _first("sales.Invoice", status="draft"),
    "sales:payment-create": _customers_with_invoices,
    "receivables:preview": _customers_with_invoices,
    "receivables:customer": _customers_with_invoices,
    "receivables:statement": _customers_with_invoices,
    "receivables:credit-limit": _customers_with_invoices,
    "receivables:level-edit": _first("receivables.DunningLevel"),
    "complaints:detail": _one_of_each("complaints.Complaint", "status"),
    "complaints:edit": _first("complaints.Complaint"),
    "quality:risk-detail": _one_of_each("quality.Risk", "status"),
    "quality:risk-edit": _first("quality.Risk"),
    "quality:unit-edit": _first("quality.WorkUnit"),
    "quality:hazard-edit": _first("quality.Hazard"),
    "quality:duerp-version": _first("quality.DuerpVersion"),
    "quality:nc-detail": _one_of_each("quality.NonConformity", "status"),
    "quality:procedure-detail": _first("quality.Procedure"),
    "quality:procedure-edit": _first("quality.Procedure"),
    "quality:procedure-draft": _first("quality.Procedure"),
    "quality:procedure-version": _one_of_each("quality.ProcedureVersion", "status"),
    "quality:audit-detail": _one_of_each("quality.Audit", "status"),
    "quality:audit-edit": _first("quality.Audit", status="planned"),
    "quality:survey-detail": _first("quality.Survey"),
    "quality:watch-item": _one_of_each("quality.WatchItem", "status"),
    "quality:survey-results": _first("quality.Survey"),
    "quality:survey-invite": _first("quality.Survey", status="open"),
    "hr:cse-election": _first("hr.CseElection"),
    "hr:cse-voters": _first("hr.CseElection"),
    "hr:contract-edit": _first("hr.Employee", contract_type="cdd"),
    "hr:payroll-month": _first("hr.PayrollMonth"),
    "hr:payroll-variable": _first("hr.PayrollVariable"),
    "hr:expense-detail": _one_of_each("hr.ExpenseReport", "status"),
    "hr:absence-detail": _one_of_each("hr.Absence", "kind"),
    "core:user-edit": _first("core.User"),
    "core:user-password": _first("core.User"),
    "operations:count": _first("operations.InventoryCount"),
    "office:document-detail": _one_of_each("office.Document", "confidentiality", "doc_type"),
    "office:document-edit": _first("office.Document"),
    "office:assembly-detail": _one_of_each("office.Assembly", "status"),
    "office:mailing-detail": _one_of_each("office.Mailing", "status"),
    "office:comm-action-edit": _first("office.CommAction"),
}


def start_urls(role: str) -> list[str]:
    """Every page without parameters, and each listed page for its demo objects, that `role` may open."""
    urls = []
    for name, pattern in _walk(get_resolver().url_patterns):
        perm = getattr(pattern.callback, "required_perm", None)
        if name.startswith("api:") or SKIPPED_NAMES.search(name) or (perm and not role_can(role, perm)):
            continue
        params = list(pattern.pattern.regex.groupindex)
        if not params:
            urls.append(reverse(name))
        elif name in OBJECTS and len(params) == 1:
            urls.extend(reverse(name, kwargs={params[0]: pk}) for pk in OBJECTS[name]())
    return urls


def _shape(url: str) -> str:
    """Pages of the same kind share a shape: /ventes/factures/12/?tri=date → /ventes/factures/N/?tri."""
    parts = urlsplit(url)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def crawl(client, role: str, follow: int = 80) -> tuple[list[Finding], list[str], list[str]]:
    """Visit the start pages, then up to `follow` links of new shapes found on them. Returns the findings,
    the pages visited and the pages that failed (5xx)."""
    queue = start_urls(role)
    seen_shapes = {_shape(url) for url in queue}
    visited, failed, findings = [], [], []
    followed = 0
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        visited.append(url)
        if response.status_code >= 500:
            failed.append(f"{url} ({response.status_code})")
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        found, links = findings_in(response.content.decode())
        findings += [Finding(role, url, rule, excerpt) for rule, excerpt in found]
        if "script-src 'self'" not in response.get("Content-Security-Policy", ""):  # settings.CONTENT_SECURITY_POLICY
            findings.append(Finding(role, url, "page sans Content-Security-Policy", ""))
        for link in links:
            path = urlsplit(link)
            if link.startswith(("http", "//", "#", "mailto:", "tel:", "javascript:")) or not link.startswith("/"):
                continue
            if path.path.startswith(SKIPPED_PATHS) or re.search(r"(pdf|export|\.csv|\.xlsx|fec)", path.path):
                continue
            shape = _shape(link)
            if shape in seen_shapes or followed >= follow:
                continue
            seen_shapes.add(shape)
            queue.append(link)
            followed += 1
    return findings, visited, failed


def unique(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per (page shape, rule, excerpt): the same slip on 7 roles' pages is one slip."""
    kept: dict = {}
    for finding in findings:
        kept.setdefault((_shape(finding.url), finding.rule, finding.excerpt), finding)
    return list(kept.values())


if __name__ == "__main__":  # pragma: no cover - a manual run on a demo database
    import os
    import sys
    import time

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilote.settings")
    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from pilote.core.models import User

    roles = sys.argv[1:] or [u.username for u in User.objects.order_by("pk")]
    everything = []
    for role in roles:
        client = Client()
        client.force_login(User.objects.get(username=role))
        began = time.monotonic()
        found, visited, failed = crawl(client, role)
        print(
            f"{role}: {len(visited)} pages in {time.monotonic() - began:.1f} s, {len(failed)} failed", file=sys.stderr
        )
        for page in failed:
            print("  FAILED", page, file=sys.stderr)
        everything += found
    for finding in unique(everything):
        print(finding)
