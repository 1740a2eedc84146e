"""No junk in a form field or a query parameter gives a 500: the pages of the core, contacts, catalogue,
pipeline, complaints, e-reporting and quality (the ledger's and the sales' pages have their own module, so that
xdist runs the three walks side by side). See core/tests/junk.py for the walk and the junk."""

import pytest
from django.urls import get_resolver

from pilote.core.tests.crawling import _walk
from pilote.core.tests.junk import GROUPS, FormParser, fuzz

pytestmark = pytest.mark.django_db


def test_the_walk_reads_every_field_of_a_form():
    html = """<form method="post" action="/x/"><input name="a" value="1"><input type="checkbox" name="b">
      <input type="checkbox" name="c" value="v" checked><select name="d"><option value="">—</option>
      <option value="7">Sept</option></select><textarea name="e">Texte</textarea><input type="file" name="f">
      <button name="g" value="go">Go</button></form><input name="h" form="other"><form id="other"></form>
      <a href="/liste/?tri=date&page=2">2</a>"""
    parser = FormParser("/page/")
    parser.feed(html)
    form = parser.forms[0]
    assert (form.method, form.action) == ("post", "/x/")
    assert form.fields == [("a", "text", "1"), ("c", "checkbox", "v"), ("d", "select", "7"),
                           ("e", "textarea", "Texte"), ("f", "file", ""), ("g", "submit", "go")]  # fmt: skip
    assert form.names == ["a", "c", "d", "e", "g"] and parser.links == ["/liste/?tri=date&page=2"]


def test_every_app_is_walked():
    covered = tuple(prefix for prefixes in GROUPS.values() for prefix in prefixes)
    names = [name for name, _ in _walk(get_resolver().url_patterns) if not name.startswith("api:")]
    # Not walked: the login page (a signed-in user is sent home), leaving, and the uploaded files.
    assert [name for name in names if not name.startswith(covered)] == ["login", "logout", "media"]


def test_junk_in_every_field_of_the_office_pages(demo_loaded, django_db_blocker):
    with django_db_blocker.unblock():
        failures, pages, sent = fuzz(GROUPS["office"])
    assert pages > 50 and sent > 500, (pages, sent)  # the walk reached the pages and their forms
    assert failures == [], "\n".join(map(str, failures))
