"""The one door through which e-reporting leaves Pilote: a connector.

A platform (plateforme agréée, PA) transmits e-reporting to the administration (FRENCH-RULES §3). Pilote
prepares the files; a `Connector` hands them over. Only the file connector exists today: it writes the
files under PILOTE_PRIVATE_ROOT/ereporting/ for the comptable to upload on the platform's site, and its
receipt is the path written. A platform's API is plugged in later by writing one subclass (its `sender` is
the platform: schemeId 0238, role WK) and registering it; the setting PILOTE_EREPORTING_CONNECTOR chooses
the connector (default « fichier »). No network call happens here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings

from pilote.core.exceptions import DomainError
from pilote.core.storage import private_root


@dataclass(frozen=True)
class Receipt:
    reference: str  # what the connector answered: a path, a platform's deposit number…


class Connector(ABC):
    code: str = ""
    label: str = ""

    @abstractmethod
    def sender(self, structure) -> dict:
        """The Sender block (TG-3) of the report: id, scheme, name, role."""

    @abstractmethod
    def transmit(self, *, file_name: str, xml: bytes, csv: bytes) -> Receipt:
        """Hand the files over; raise DomainError (French) when it cannot be done."""


class FileExportConnector(Connector):
    code = "fichier"
    label = "Export de fichier (dépôt manuel sur la plateforme)"

    def sender(self, structure) -> dict:
        # The structure files its own report; a platform relays it under its own identity.
        return {"id": structure.siren, "scheme": "0002", "name": structure.legal_name, "role": "SE"}

    def transmit(self, *, file_name: str, xml: bytes, csv: bytes) -> Receipt:
        folder = private_root() / "ereporting"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / file_name  # a period is transmitted once (unique row): a file left here by an
        target.write_bytes(xml)  # attempt that rolled back is simply replaced
        target.with_suffix(".csv").write_bytes(csv)
        return Receipt(reference=f"ereporting/{file_name}")


_connectors: dict[str, Connector] = {}


def register_connector(connector: Connector) -> None:
    _connectors[connector.code] = connector


def connectors() -> list[Connector]:
    return list(_connectors.values())


def current_connector() -> Connector:
    code = getattr(settings, "PILOTE_EREPORTING_CONNECTOR", FileExportConnector.code)
    if code not in _connectors:
        raise DomainError(
            f"Aucun connecteur d'e-reporting « {code} » : vérifiez le réglage PILOTE_EREPORTING_CONNECTOR."
        )
    return _connectors[code]


register_connector(FileExportConnector())
