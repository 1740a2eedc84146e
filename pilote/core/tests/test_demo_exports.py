"""Every export of the demo (CSV, XLSX, PDF), as each role, found the way a user finds them: the export
links of the pages each role reaches. Text fields are first filled with values a spreadsheet would take for
formulas; no export may answer 500 and no CSV or XLSX cell may be live. PDFs are capped low here so that
each list gives either its PDF or the French page offering the XLSX, quickly.

The demo is loaded once for the module (conftest's demo_loaded), inside a transaction rolled back at the end."""

from __future__ import annotations

import inspect
import re
from io import StringIO
from itertools import cycle
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, models, transaction
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve

from pilote.core.models import User
from pilote.core.roles import Role
from pilote.core.tests.crawling import _shape, _walk, findings_in, start_urls
from pilote.core.tests.exports import HOSTILE, csv_cells, live_cells, xlsx_cells

pytestmark = pytest.mark.django_db

FORMATS = ("csv", "xlsx", "pdf")
# Pages of other structure types than the company demo's (associations; social establishments' adverse events).
ASSOCIATIONS_ONLY = ("associations:", "quality:event-")
# Identifiers, codes and technical values: not free text (and often checked or parsed where they are read).
NOT_FREE_TEXT = re.compile(
    r"code|number|numero|hash|password|token|key|digest|path|kind|format|status|state|username|email|"
    r"ip_|uuid|currency|country|language|iban|bic|siren|siret|vat|naf|unit|prefix|colou?r|file|mime|"
    r"content_type|action|object_type|object_id|session|method|sequence"
)


def _poison() -> list[str]:
    """A formula-like value in every free-text field (plain CharField or TextField, no choices, not unique)
    of every model, where the database lets the rows change (posted entries and issued invoices refuse)."""
    values = cycle(HOSTILE)
    changed = []
    for model in apps.get_models():
        if not model.__module__.startswith("pilote.") or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if type(field) not in (models.CharField, models.TextField) or field.choices or field.unique:
                continue
            if NOT_FREE_TEXT.search(field.name) or (field.max_length or 99) < 6:
                continue
            value = next(values)
            if field.max_length and len(value) > field.max_length:
                value = "=1+1"
            try:
                with transaction.atomic():
                    if model.objects.update(**{field.name: value}):
                        changed.append(f"{model._meta.label}.{field.name}")
            except DatabaseError:
                continue
    return changed


def _post_hostile_entry(actor) -> None:
    """Posted entries refuse changes: a new one brings formula-like labels to the journals and ledgers."""
    from decimal import Decimal

    from pilote.ledger.models import Account, Journal
    from pilote.ledger.services import LineInput, create_entry
    from pilote.lib.dates import local_today

    accounts = {a.code: a for a in Account.objects.filter(code__in=["512", "6226"])}
    debit, credit = accounts.get("6226") or Account.objects.filter(code__startswith="6").first(), accounts["512"]
    create_entry(
        actor=actor,
        journal=Journal.objects.get(code="OD"),
        date=local_today(),
        label=HOSTILE[0],
        piece_ref="-2+3",
        lines=[
            LineInput(account=debit, debit=Decimal("10.00"), label="@SUM(1;1)"),
            LineInput(account=credit, credit=Decimal("10.00"), label="+1+1"),
        ],
        post=True,
    )


def _is_export(url: str) -> bool:
    parts = urlsplit(url)
    if dict(parse_qsl(parts.query)).get("export") in FORMATS:
        return True
    try:
        return "export" in resolve(parts.path).url_name
    except Resolver404:
        return False


def _in_format(url: str, fmt: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if "export" in query:
        query["export"] = fmt
        return f"{parts.path}?{urlencode(query)}"
    path = re.sub(r"(?<=[/.])(csv|xlsx|pdf)(?=/|$)", fmt, parts.path)
    return f"{path}?{parts.query}" if parts.query else path


def _export_links(client, role: str, seen: set[str], follow: int = 30) -> set[str]:
    """The export links on the pages `role` reaches: its start pages, then links of shapes no role has
    visited yet (`seen` is shared: a page kind is read once, by the first role that reaches it)."""
    queue = [url for url in start_urls(role) if _shape(url) not in seen]
    seen |= {_shape(url) for url in queue}
    exports: dict[str, str] = {}
    while queue:
        page = queue.pop(0)
        response = client.get(page)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in findings_in(response.content.decode())[1]:
            link = urljoin(page, link.replace("&amp;", "&"))  # « ?export=csv » is relative to its page
            if not link.startswith("/") or link.startswith(("//", "/static/", "/media/", "/api/")):
                continue
            if _is_export(link):
                exports.setdefault(_shape(_in_format(link, "csv")), _in_format(link, "csv"))
                continue
            if re.search(r"(pdf|\.csv|\.xlsx|fec|deconnexion)", urlsplit(link).path) or _shape(link) in seen:
                continue
            if follow:
                seen.add(_shape(link))
                queue.append(link)
                follow -= 1
    return set(exports.values())


def _exporting_views() -> set[str]:
    """Every URL name whose view calls export_response (read from its source)."""
    names = set()
    for name, pattern in _walk(get_resolver().url_patterns):
        try:
            source = inspect.getsource(inspect.unwrap(pattern.callback))
        except (OSError, TypeError):
            continue
        if "export_response(" in source:
            names.add(name)
    return names


def test_every_export_of_the_demo_answers_every_role_with_inert_cells(demo_loaded, django_db_blocker, settings):
    settings.PILOTE_PDF_MAX_ROWS = 25
    with django_db_blocker.unblock():
        poisoned = _poison()
        _post_hostile_entry(User.objects.get(username="comptable"))
        assert {"contacts.Contact.name", "ledger.Account.label", "core.AuditEvent.object_repr"} <= set(poisoned)
        clients = {}
        for role in Role:
            clients[role.value] = Client()
            clients[role.value].force_login(User.objects.get(username=role.value))
        urls, seen = set(), set()
        for role, client in clients.items():
            urls |= _export_links(client, role, seen)
        names = {resolve(urlsplit(url).path).view_name for url in urls}
        # The walk found every view that exports — but those of pages offered to associations only, which the
        # company demo answers 404 (pilote/associations/tests check their exports in an association).
        assert {n for n in _exporting_views() - names if not n.startswith(ASSOCIATIONS_ONLY)} == set()
        failures, live, served = [], [], 0
        for url in sorted(urls):
            for fmt in FORMATS:
                target = _in_format(url, fmt)
                for role, client in clients.items():
                    response = client.get(target)
                    if response.status_code >= 500:
                        failures.append(f"[{role}] {target} ({response.status_code})")
                        continue
                    if response.status_code != 200:
                        continue
                    kind = response["Content-Type"]
                    if fmt == "pdf":
                        assert (
                            kind == "application/pdf"
                            or "export=xlsx" in response.content.decode()
                            or (".xlsx" in response.content.decode())
                        ), target
                        continue
                    served += 1
                    rows = csv_cells(response) if fmt == "csv" else xlsx_cells(response)
                    live += [f"[{role}] {target}: {value!r}" for value in live_cells(rows)]
        trial_balance = StringIO()
        year = apps.get_model("ledger.FiscalYear").objects.order_by("start_date").last()
        call_command("trial_balance", "--year", str(year.end_date.year), "--format", "csv", stdout=trial_balance)
    assert failures == []
    assert live == [], "\n".join(live[:40])
    assert served > 100, served
    balance = csv_cells(trial_balance.getvalue().encode())  # the command's CSV: the same inert cells
    assert live_cells(balance) == [] and any(row[1].startswith("'") for row in balance[1:])
