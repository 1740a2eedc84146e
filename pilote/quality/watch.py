"""Reading an RSS or Atom feed for the monitoring (veille), outside any page request: the bytes fetched with a
timeout and a size cap (urllib; an overall deadline too, against a server that trickles), parsed with feedparser,
reduced to plain items; a broken, huge or slow feed raises FeedError with the French reason shown on its source.
The demo's sources are files shipped with the app (`demo_feeds/`), read from there only."""

from __future__ import annotations

import datetime as dt
import html
import re
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 10.0  # seconds, per network operation and for the whole download
MAX_BYTES = 2 * 1024 * 1024
DEMO_FEEDS = Path(__file__).resolve().parent / "demo_feeds"
FILE_PREFIX = "fichier:"  # a feed shipped with the app: « fichier:juridique.xml »
TAGS = re.compile(r"<[^>]+>")


class FeedError(Exception):
    pass


@dataclass(frozen=True)
class Entry:
    guid: str
    title: str
    link: str
    summary: str
    published_at: dt.datetime | None


def check_url(url: str) -> str:
    url = (url or "").strip()
    if url.startswith(FILE_PREFIX):
        name = url.removeprefix(FILE_PREFIX)
        if not re.fullmatch(r"[\w.-]+\.xml", name) or not (DEMO_FEEDS / name).is_file():
            raise FeedError("Ce fichier de flux n'existe pas parmi ceux livrés avec Pilote.")
        return url
    if not re.match(r"https?://[^\s/]+", url):
        raise FeedError("L'adresse d'un flux commence par http:// ou https://.")
    return url


def fetch(url: str, *, timeout: float | None = None, max_bytes: int = MAX_BYTES) -> bytes:
    url = check_url(url)
    timeout = TIMEOUT if timeout is None else timeout
    if url.startswith(FILE_PREFIX):
        data = (DEMO_FEEDS / url.removeprefix(FILE_PREFIX)).read_bytes()
        if len(data) > max_bytes:
            raise FeedError(f"Flux trop volumineux (plus de {max_bytes // (1024 * 1024)} Mo) : ignoré.")
        return data
    accept = "application/rss+xml, application/atom+xml, */*"
    request = urllib.request.Request(url, headers={"User-Agent": "Pilote-veille/1.0", "Accept": accept})  # noqa: S310
    deadline = time.monotonic() + timeout
    chunks, size = [], 0
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            while True:
                if time.monotonic() > deadline:
                    raise FeedError(f"Le serveur du flux est trop lent (plus de {timeout:g} s) : ignoré.")
                chunk = response.read(64 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise FeedError(f"Flux trop volumineux (plus de {max_bytes // (1024 * 1024)} Mo) : ignoré.")
                chunks.append(chunk)
    except TimeoutError as exc:
        raise FeedError(f"Le serveur du flux ne répond pas (délai de {timeout:g} s dépassé) : ignoré.") from exc
    except urllib.error.HTTPError as exc:
        raise FeedError(f"Le serveur du flux répond par une erreur {exc.code} : ignoré.") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError | socket.timeout):
            raise FeedError(f"Le serveur du flux ne répond pas (délai de {timeout:g} s dépassé) : ignoré.") from exc
        raise FeedError("Le flux est injoignable (adresse ou réseau) : ignoré.") from exc
    return b"".join(chunks)


def _text(value: str, limit: int) -> str:
    return html.unescape(TAGS.sub(" ", value or "")).strip()[:limit]


def parse(data: bytes) -> list[Entry]:
    import feedparser  # loaded when a feed is read, not at start-up (ledger/tests/test_startup.py)

    feed = feedparser.parse(data)
    if feed.bozo and not feed.entries:
        raise FeedError("Flux illisible (ni RSS ni Atom valide) : ignoré.")
    entries = []
    for item in feed.entries[:500]:
        published = item.get("published_parsed") or item.get("updated_parsed")
        when = dt.datetime(*published[:6], tzinfo=dt.UTC) if published else None
        link = (item.get("link") or "")[:1000]
        guid = (item.get("id") or link or item.get("title") or "")[:500]
        title = _text(item.get("title", ""), 500)
        if guid and title:
            entries.append(Entry(guid, title, link if link.startswith(("http://", "https://")) else "",
                                 _text(item.get("summary", ""), 5000), when))  # fmt: skip
    return entries


def matches(entry: Entry, keywords: list[str]) -> list[str]:
    """The keywords found in the title or summary (case and accents as typed); all entries when none is set."""
    text = f"{entry.title} {entry.summary}".casefold()
    return [k for k in keywords if k.casefold() in text]
