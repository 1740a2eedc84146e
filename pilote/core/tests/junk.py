"""Send junk to every form field and query parameter of every page of a loaded demo; collect the 500s.

Each page is visited as the first role (in ROLES order) that may open it; its forms (inputs, selects,
textareas: names, defaults, method, action) and the query parameters of its links and GET forms are
collected, then every field is sent junk one at a time (the other fields keeping their defaults) and once
all together. Each request runs in a savepoint rolled back after it, so a write that succeeds leaves the
demo as it was for the next one. Used by test_junk_input_*.py (one file per group of apps, so xdist
spreads them)."""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from pilote.core.models import User
from pilote.core.permissions import role_can
from pilote.core.tests.crawling import SKIPPED_PATHS, _shape, _walk, start_urls

HUGE = "99999999999999999999"  # beyond a 64-bit integer
LONG = "x" * 10_000
# Every junk value is sent once in all the query parameters of each page at the same time, and every other
# one (alternately the odd and the even ones, so that over the forms each value is tried) in all the fields
# of each form; then each field alone gets one value chosen for its kind, rotating through the kind's
# list so that over the fields each value is tried (the others keep their defaults, so the junk reaches
# the services behind a form that is otherwise valid).
JUNK = ["abc", HUGE, "-" + HUGE, "NaN", "Infinity", "-0", "", LONG, "a\x00b", "31/02/2026", "1e400",
        "Ünïcödé 日本語 🙂 \u202e"]  # fmt: skip
BY_KIND = {
    "number": [HUGE, "NaN", "-Infinity", "1e400", "-0", "1,2,3", "-" + HUGE],
    "date": ["31/02/2026", "2026-02-31", "00/00/0000", "31/12/99999", HUGE],
    "text": [LONG, "Ünïcödé 日本語 🙂 \u202e", "a\x00b", HUGE, "NaN", "-1", "2026-02-31"],
    "select": ["abc", HUGE, "-1", "", "NaN", "²"],  # « ² » passes str.isdigit() and fails int()
}
KINDS = {"number": "number", "date": "date", "hidden": "select", "select": "select", "radio": "select",
         "checkbox": "select"}  # fmt: skip
# Pages whose forms the walk does not submit: leaving the session, the first-run wizard (a structure
# exists), and the files others' tests cover (downloads, exports). File inputs are never filled.
SKIPPED_ACTIONS = re.compile(r"^/(deconnexion|installation|static|media|api)/|(pdf|export|telecharger|\.csv|\.xlsx)")
# The walks, one per test module so that xdist runs them side by side; every URL namespace is in one.
GROUPS = {
    "office": (
        "core:",
        "contacts:",
        "catalog:",
        "pipeline:",
        "complaints:",
        "ereporting:",
        "quality:",
        "hr:",
        "associations:",
        "projects:",
        "operations:",
        "interventions:",
    ),
    "ledger": ("ledger:", "purchases:", "finance:", "dashboards:", "office:"),
    "sales": ("sales:", "receivables:", "takeover:"),
}
ROLES = ("direction", "comptable", "commercial", "assistant", "rh", "auditeur", "salarie")


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, kind, default value)

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(name for name, kind, _ in self.fields if kind != "file"))


class FormParser(HTMLParser):
    """The forms of a page (fields outside a form tag that name it with form="id" included) and its links."""

    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: tuple[Form, str, list[str], list[str]] | None = None
        self._textarea: tuple[Form, str] | None = None

    def _target(self, attrs) -> Form | None:
        return self.by_id.get(attrs.get("form") or "") or self._form

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            action = attrs.get("action") or attrs.get("hx-post") or attrs.get("hx-get") or self.url
            if attrs.get("hx-post"):
                method = "post"
            self._form = Form(method, action)
            self.forms.append(self._form)
            if attrs.get("id"):
                self.by_id[attrs["id"]] = self._form
        elif tag == "input" and (form := self._target(attrs)) and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                if kind == "radio" and not any(n == attrs["name"] for n, _, _ in form.fields):
                    form.fields.append((attrs["name"], kind, attrs.get("value", "on")))
                return
            if kind in {"submit", "image"}:
                self._submit(form, attrs)
            elif kind not in {"button", "reset"}:
                form.fields.append((attrs["name"], kind, attrs.get("value", "")))
        elif tag == "button" and (form := self._target(attrs)) and attrs.get("name"):
            if (attrs.get("type") or "submit").lower() == "submit":
                self._submit(form, attrs)
        elif tag == "select" and (form := self._target(attrs)) and attrs.get("name"):
            self._select = (form, attrs["name"], [], [])
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            self._select[2].append(value)
            if "selected" in attrs:
                self._select[3].append(value)
        elif tag == "textarea" and (form := self._target(attrs)) and attrs.get("name"):
            self._textarea = (form, attrs["name"])
            form.fields.append((attrs["name"], "textarea", ""))

    @staticmethod
    def _submit(form: Form, attrs: dict) -> None:
        """The first named submit button is the one pressed (others are other actions)."""
        if not any(kind == "submit" for _, kind, _ in form.fields):
            form.fields.append((attrs["name"], "submit", attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea:
            form, name = self._textarea
            form.fields[-1] = (name, "textarea", form.fields[-1][2] + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select:
            form, name, options, chosen = self._select
            form.fields.append((name, "select", (chosen or [v for v in options if v] or [""])[0]))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@dataclass
class Target:
    role: str
    url: str
    method: str
    names: list[str]
    defaults: list[tuple[str, str]]
    referer: str
    kinds: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Walk:
    """What one group of apps offers: the pages and their forms and query parameters, per role."""

    targets: list[Target] = field(default_factory=list)
    pages: int = 0


def _local(link: str) -> str | None:
    if not link.startswith("/") or link.startswith("//"):
        return None
    if urlsplit(link).path.startswith(SKIPPED_PATHS) or SKIPPED_ACTIONS.search(urlsplit(link).path):
        return None
    return link


def _role_for(path: str) -> str | None:
    """The first role of ROLES allowed by the view behind `path` (None: no permission needed)."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return None
    perm = getattr(match.func, "required_perm", None)
    return next((role for role in ROLES if perm is None or role_can(role, perm)), None)


def walk(prefixes: tuple[str, ...], clients: dict[str, Client], follow: int = 60) -> Walk:
    """Visit the pages whose URL name starts with one of `prefixes` (« sales: »…), each as the first role
    allowed, plus the links of new shapes found on them under the same prefixes' paths; collect the forms
    and the query parameters."""
    result = Walk()
    seen_pages: set[str] = set()
    queue: list[tuple[str, str]] = []
    paths = set()
    for role in ROLES:
        for url in start_urls(role):
            if url in seen_pages or not _belongs(url, prefixes):
                continue
            seen_pages.add(url)
            if _role_for(urlsplit(url).path) == role:
                queue.append((role, url))
                paths.add(url)
    shapes = {_shape(url) for _, url in queue}
    params: dict[str, tuple[str, str, set[str], dict[str, str]]] = {}  # path → role, referer, names, defaults
    seen_forms: set[tuple[str, str, tuple[str, ...]]] = set()
    followed = 0
    while queue:
        role, url = queue.pop(0)
        response = clients[role].get(url)
        result.pages += 1
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = FormParser(url)
        parser.feed(response.content.decode())
        for link in filter(None, map(_local, parser.links)):
            parts = urlsplit(link)
            if parts.query:
                entry = params.setdefault(parts.path, (role, url, set(), {}))
                for key, value in parse_qsl(parts.query, keep_blank_values=True):
                    entry[2].add(key)
                    if key != "export":  # an export at each request: slow, and another test's subject
                        entry[3].setdefault(key, value)
            shape = _shape(link)
            if shape not in shapes and followed < follow and _belongs(link, prefixes):
                link_role = _role_for(parts.path)
                if link_role:
                    shapes.add(shape)
                    queue.append((link_role, link))
                    followed += 1
        for form in parser.forms:
            action = _local(form.action) if not form.action.startswith("?") else urlsplit(url).path + form.action
            if not action or not form.names or not _belongs(action, prefixes):
                continue
            path = urlsplit(action).path
            key = (form.method, _shape(path), tuple(form.names))
            if key in seen_forms:
                continue
            seen_forms.add(key)
            action_role = _role_for(path) or role
            defaults = [(name, value) for name, kind, value in form.fields if kind != "file"]
            kinds = [(name, kind) for name, kind, _ in form.fields]
            if form.method == "get":
                entry = params.setdefault(path, (action_role, url, set(), {}))
                entry[2].update(form.names)
                for name, value in defaults:
                    entry[3].setdefault(name, value)
            else:
                result.targets.append(Target(action_role, action, "post", form.names, defaults, url, kinds))
    for path, (role, referer, names, defaults) in params.items():
        result.targets.append(Target(role, path, "get", sorted(names), sorted(defaults.items()), referer))
    return result


def _belongs(url: str, prefixes: tuple[str, ...]) -> bool:
    from django.urls import Resolver404, resolve

    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return match.view_name.startswith(prefixes)


def _variants(target: Target) -> Iterable[tuple[str, list[tuple[str, str]]]]:
    """(field, data): each field alone with one junk value of its kind, then each junk value everywhere."""
    kinds = dict(target.kinds)
    for index, name in enumerate(target.names):
        values = BY_KIND[KINDS.get(kinds.get(name, "text"), "text")]
        value = values[(index + len(target.url)) % len(values)]
        yield name, [(k, v) for k, v in target.defaults if k != name] + [(name, value)]
    everything = list(dict.fromkeys([k for k, _ in target.defaults] + target.names))
    for value in JUNK[len(target.url) % 2 :: 2] if target.method == "post" else JUNK:  # half each: time
        yield "*", [(k, value) for k in everything]


@dataclass(frozen=True)
class Failure:
    role: str
    method: str
    url: str
    field: str
    value: str
    error: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) < 30 else self.value[:10] + f"…({len(self.value)})"
        return f"[{self.role}] {self.method.upper()} {self.url} {self.field}={shown!r}: {self.error}"


def send(client: Client, target: Target, data: list[tuple[str, str]]) -> str | None:
    """One request inside a savepoint rolled back after it; the error if it answered 5xx or raised."""
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    try:
        with transaction.atomic():
            if target.method == "get":
                response = client.get(target.url, _multi(data), HTTP_REFERER=target.referer)
            else:
                response = client.post(target.url, _multi(data), HTTP_REFERER="http://testserver" + target.referer)
            transaction.set_rollback(True)
    except Exception as exc:  # noqa: BLE001 - the 500 we are looking for
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        return f"{type(exc).__name__}: {str(exc)[:120]} ({frame.filename.split('/pilote/')[-1]}:{frame.lineno})"
    finally:
        if session is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = session.value
    if response.status_code >= 500:
        return f"status {response.status_code}"
    if not response.streaming and "Traceback" in response.content.decode(errors="replace"):
        return "traceback shown"
    return None


def _multi(data: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in data:
        grouped.setdefault(key, []).append(value)
    return grouped


def fuzz(prefixes: tuple[str, ...]) -> tuple[list[Failure], int, int]:
    """Walk the pages of `prefixes`, send the junk; returns the failures, the pages visited and the
    requests sent."""
    import weasyprint

    clients = {}
    for role in ROLES:
        clients[role] = Client()
        clients[role].force_login(User.objects.get(username=role))
    # The documents a request renders (invoice issued, dunning letter…) are not what is under test: one
    # blank page stands for every PDF, so that a thousand requests stay within the suite's time.
    blank = weasyprint.HTML(string="<p>.</p>").write_pdf()
    with mock.patch.object(weasyprint.HTML, "write_pdf", return_value=blank):
        found = walk(prefixes, clients)
        failures, sent = [], 0
        for target in found.targets:
            for name, data in _variants(target):
                sent += 1
                value = dict(data).get(name, "") if name != "*" else data[0][1] if data else ""
                if error := send(clients[target.role], target, data):
                    failures.append(Failure(target.role, target.method, target.url, name, value, error))
        failures += _huge_ids(prefixes, clients)
    return failures, found.pages, sent


def _huge_ids(prefixes: tuple[str, ...], clients: dict[str, Client]) -> list[Failure]:
    """Every URL with an integer argument, given one beyond a 64-bit integer: a 404, never a 500."""
    failures = []
    for name, pattern in _walk(get_resolver().url_patterns):
        if not name.startswith(prefixes) or not isinstance(pattern, URLPattern):
            continue
        converters = pattern.pattern.converters
        if not converters or any(type(c).__name__ != "IntConverter" for c in converters.values()):
            continue
        url = reverse(name, kwargs=dict.fromkeys(converters, int(HUGE)))
        role = _role_for(url)
        if role is None:
            continue
        for method in ("get", "post"):
            target = Target(role, url, method, [], [], "/")
            if error := send(clients[role], target, []):
                failures.append(Failure(role, method, url, "id", HUGE, error))
    return failures
