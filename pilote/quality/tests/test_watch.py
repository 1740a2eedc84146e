"""The monitoring (veille): feeds served from files by a local http.server thread — never the network —, a
good RSS and Atom feed kept by keyword, a malformed, a huge and a slow feed reported on their source and
skipped; the relevé as a background job and a daily schedule; triage, sharing with roles, one click to a risk or
a non-conformity; the digest e-mail."""

import http.server
import threading
import time

import pytest
from django.core import mail
from django.urls import reverse

from pilote.core import schedule
from pilote.core.models import Job
from pilote.quality import watch
from pilote.quality.models import WatchItem, WatchStatus
from pilote.quality.services import watch as services

pytestmark = pytest.mark.django_db

GOOD = (watch.DEMO_FEEDS / "juridique.xml").read_bytes()
ATOM = (watch.DEMO_FEEDS / "secteur.xml").read_bytes()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        if self.path == "/lent.xml":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(GOOD[:100])
            self.wfile.flush()
            time.sleep(2)  # longer than the test's timeout
            return
        body = {"/bon.xml": GOOD, "/atom.xml": ATOM, "/casse.xml": b"<html><body>Pas un flux</body>",
                "/enorme.xml": b"<rss>" + b"x" * (3 * 1024 * 1024)}.get(self.path)  # fmt: skip
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setattr(watch, "TIMEOUT", 0.5)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _source(personas, url, keywords=""):
    return services.create_source(actor=personas["direction"], name=url.rsplit("/", 1)[-1], url=url,
                                  keywords=keywords)  # fmt: skip


def test_good_feeds_are_kept_by_keyword_once(server, personas):
    legal = _source(personas, f"{server}/bon.xml", keywords="DUERP, rgpd")
    assert services.fetch_source(legal) == 2
    titles = set(WatchItem.objects.values_list("title", flat=True))
    assert titles == {"DUERP : rappel des obligations de mise à jour annuelle",
                      "RGPD : la CNIL publie un guide pour les TPE"}  # fmt: skip
    assert WatchItem.objects.get(title__startswith="RGPD").matched == ["rgpd"]
    assert services.fetch_source(legal) == 0  # already relevés
    atom = _source(personas, f"{server}/atom.xml")
    assert services.fetch_source(atom) == 3
    legal.refresh_from_db()
    assert legal.last_fetched_at and legal.last_error == ""


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("casse.xml", "Flux illisible"),
        ("enorme.xml", "Flux trop volumineux (plus de 2 Mo)"),
        ("lent.xml", "ne répond pas"),
        ("absent.xml", "erreur 404"),
    ],
)
def test_a_broken_huge_or_slow_feed_is_reported_and_skipped(server, personas, path, reason):
    bad = _source(personas, f"{server}/{path}")
    good = _source(personas, f"{server}/bon.xml")
    started = time.monotonic()
    message = services.fetch_all(Job.objects.create(kind="quality.watch"), lambda done, total: None)
    assert time.monotonic() - started < 5
    bad.refresh_from_db()
    assert reason in bad.last_error and bad.items.count() == 0
    assert good.items.count() == 4 and "1 source(s) en erreur" in message


def test_the_releve_is_a_background_job_and_a_daily_schedule(server, personas, client_as):
    assert "quality.watch" in {s.name for s in schedule.registered()}
    _source(personas, f"{server}/bon.xml")
    personas["direction"].email = "direction@exemple.fr"
    personas["direction"].save(update_fields=["email"])
    client = client_as("direction")
    response = client.post(reverse("quality:watch-fetch"), follow=True)  # jobs run at once in tests
    assert "lancé en arrière-plan" in response.content.decode()
    job = Job.objects.get(kind="quality.watch")
    assert job.status == "done" and "4 nouvel(s) article(s)" in job.message
    [digest] = mail.outbox
    assert digest.to == ["direction@exemple.fr"]
    assert "4 article(s) à lire" in digest.subject and "DUERP" in digest.body


def test_sources_refuse_other_schemes_and_unknown_files(personas):
    from pilote.core.exceptions import DomainError

    for url in ("ftp://exemple.fr/flux", "file:///etc/passwd", "fichier:../../settings.py", "fichier:absent.xml"):
        with pytest.raises(DomainError):
            services.create_source(actor=personas["direction"], name="X", url=url)
    source = services.create_source(actor=personas["direction"], name="Démo", url="fichier:juridique.xml")
    assert services.fetch_source(source) == 4


def test_triage_share_and_one_click_to_a_risk_or_a_non_conformity(personas, client_as):
    source = services.create_source(actor=personas["direction"], name="Démo", url="fichier:juridique.xml")
    services.fetch_source(source)
    item = WatchItem.objects.get(title__startswith="RGPD")
    client = client_as("commercial")
    assert client.get(reverse("quality:watch-item", args=[item.pk])).status_code == 404  # not shared yet
    client = client_as("direction")
    triage = {"status": "relevant", "note": "Mettre à jour le registre", "shared_roles": ["commercial"]}
    client.post(reverse("quality:watch-triage", args=[item.pk]), triage)
    item.refresh_from_db()
    assert (item.status, item.note, item.shared_roles) == (WatchStatus.RELEVANT, "Mettre à jour le registre",
                                                           ["commercial"])  # fmt: skip
    page = client_as("commercial").get(reverse("quality:watch-list")).content.decode()
    assert "RGPD : la CNIL" in page and "rappel des obligations" not in page
    client = client_as("direction")
    response = client.post(reverse("quality:watch-convert", args=[item.pk]), {"vers": "risque"}, follow=True)
    item.refresh_from_db()
    assert item.risk is not None and item.risk.category == "legal" and "est créé" in response.content.decode()
    response = client.post(reverse("quality:watch-convert", args=[item.pk]), {"vers": "non-conformite"}, follow=True)
    item.refresh_from_db()
    assert item.nonconformity.origin == "internal" and "RGPD" in item.nonconformity.title
    response = client.post(reverse("quality:watch-convert", args=[item.pk]), {"vers": "risque"}, follow=True)
    assert "déjà donné un risque" in response.content.decode()
