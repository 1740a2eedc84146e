"""Parsing XML that comes from outside (bank statements, received e-invoices) without the XML attacks.

No DTD, no entity expansion, no network, no huge trees: a file with a DOCTYPE or ENTITY declaration is
refused before parsing (the formats Pilote reads never use one).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # lxml is imported where XML is read or written, not at start-up (ledger/tests/test_startup.py)
    from lxml import etree


_DECLARATION = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def parser() -> etree.XMLParser:
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        collect_ids=False,
    )


def declares_entities(data: bytes) -> bool:
    """True when the document's prologue holds a DOCTYPE or ENTITY declaration."""
    return bool(_DECLARATION.search(data[:65536]))
