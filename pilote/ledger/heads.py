"""Chain heads written down outside the database.

At each year-end closing and each FEC export (and, later, each backup) the chain's head — index, seal,
count of posted entries, time — is appended to `PILOTE_PRIVATE_ROOT/chaine/tetes.jsonl` and shown to the
user (closing report, export manifest) to keep away from the server. `verify_ledger --head INDEX:SEAL` and
the verification page then check that the chain still holds that seal at that index: a rewrite of the books
done afterwards — even by someone holding the chain key — is detected.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass

from django.utils import timezone

from pilote.core.storage import private_root
from pilote.ledger import chain
from pilote.lib.formats import format_number

CLOSING, FEC_EXPORT, BACKUP = "cloture", "export-fec", "sauvegarde"


@dataclass(frozen=True)
class RecordedHead:
    reason: str  # "cloture", "export-fec", "sauvegarde"
    subject: str  # the closed year, the exported file…
    index: int
    seal: str
    count: int
    at: str  # ISO time, UTC

    @property
    def head(self) -> chain.Head:
        return chain.Head(self.index, self.seal, self.count)

    @property
    def as_text(self) -> str:
        """What `verify_ledger --head` and the verification page take back."""
        return str(self.head)

    @property
    def recorded_at(self) -> dt.datetime:
        return timezone.localtime(dt.datetime.fromisoformat(self.at))

    @property
    def index_display(self) -> str:
        return format_number(self.index, 0)


def _path():
    return private_root() / "chaine" / "tetes.jsonl"


def record(reason: str, subject: str, head: chain.Head | None = None) -> RecordedHead:
    """Append the head (by default the current one) to the file of recorded heads and return it."""
    head = head or chain.current_head()
    recorded = RecordedHead(reason, subject, head.index, head.seal, head.count, timezone.now().isoformat())
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(recorded), ensure_ascii=False) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, line.encode())  # one write, appended whole
    finally:
        os.close(descriptor)
    return recorded


def recorded(reason: str | None = None, subject: str | None = None) -> list[RecordedHead]:
    """The recorded heads, oldest first (a damaged line is skipped)."""
    path = _path()
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            item = RecordedHead(**json.loads(line))
        except (ValueError, TypeError):
            continue
        if (reason is None or item.reason == reason) and (subject is None or item.subject == subject):
            found.append(item)
    return found


def fec_export(year, siren: str):
    """A year's FEC as the page and the API serve it: (its legal file name, its bytes streamed); the chain's head
    at each export is recorded, kept outside the database."""
    from pilote.ledger.fec import fec_filename, iter_fec_bytes

    name = fec_filename(siren, year.end_date)
    record(FEC_EXPORT, name)
    return name, iter_fec_bytes(year)


def fec_manifest(year, siren: str) -> tuple[str, str]:
    """The manifest offered beside a year's FEC: the file's name, size, line count and SHA-256 as exported
    now, and the chain head at that moment (recorded too). The FEC itself stays exactly the DGFiP file.
    Returns (file name, text)."""
    import hashlib

    from pilote.ledger.fec import fec_filename, iter_fec_bytes

    name = fec_filename(siren, year.end_date)
    digest, size, lines = hashlib.sha256(), 0, 0
    for chunk in iter_fec_bytes(year):
        digest.update(chunk)
        size += len(chunk)
        lines += chunk.count(b"\n")
    head = record(FEC_EXPORT, name)
    at = head.recorded_at
    text = "\r\n".join(
        [
            "Manifeste d'export du fichier des écritures comptables (FEC)",
            "",
            f"Fichier : {name}",
            f"Exercice : {year} (du {year.start_date:%d/%m/%Y} au {year.end_date:%d/%m/%Y})",
            f"Taille : {format_number(size, 0)} octets, {format_number(max(lines - 1, 0), 0)} lignes d'écriture",
            f"Empreinte SHA-256 du fichier : {digest.hexdigest()}",
            f"Exporté le : {at:%d/%m/%Y à %H:%M:%S}",
            "",
            "Tête de la chaîne d'inaltérabilité des écritures au moment de l'export :",
            f"  indice : {head.index_display}",
            f"  écritures validées : {format_number(head.count, 0)}",
            f"  empreinte : {head.seal}",
            "",
            "Conservez ce manifeste hors du serveur. Pour vérifier plus tard que les écritures n'ont pas été",
            "réécrites depuis cet export : page « Intégrité de la comptabilité » (coller la tête ci-dessous) ou",
            f"  manage.py verify_ledger --head {head.as_text}",
            "",
        ]
    )
    return f"{name.rsplit('.', 1)[0]}-manifeste.txt", text
