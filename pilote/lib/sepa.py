"""SEPA files (ISO 20022 pain.001 credit transfers, pain.008 direct debits) written by sepaxml: the run's own
message id, and the check against the official XSD sepaxml ships. Pure: no models."""

from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING

from pilote.lib import safe_xml

if TYPE_CHECKING:  # lxml is imported where XML is read or written, not at start-up (ledger/tests/test_startup.py)
    from lxml import etree


class FixedMessageId:
    """Mixed into a sepaxml writer (SepaTransfer, SepaDD): the file carries the caller's MsgId, stable for a run, so
    the bank refuses the same file sent twice."""

    def __init__(self, config, schema: str, message_id: str):
        self._message_id = message_id
        super().__init__(config, schema=schema, clean=True)

    def _create_header(self):
        self.msg_id = self._message_id
        super()._create_header()


@functools.cache
def _schema(message: str) -> etree.XMLSchema:
    from lxml import etree

    return etree.XMLSchema(file=str(resources.files("sepaxml") / "schemas" / f"{message}.xsd"))


def xsd_errors(xml: bytes, message: str) -> list[str]:
    """The errors of `xml` against the official XSD of `message` (e.g. pain.008.001.08), in French, empty when
    valid."""
    from lxml import etree

    schema = _schema(message)
    if schema.validate(etree.fromstring(xml, safe_xml.parser())):
        return []
    return [f"ligne {error.line} : {error.message}" for error in schema.error_log]
