"""Mounts every domain router on the one API object (served under /api/v1/)."""

from pilote.api import catalog, contacts, documents, hr, ledger, operations, projects, purchases, quality, sales
from pilote.api.base import api

for module in (contacts, catalog, ledger, sales, purchases, projects, operations, hr, quality, documents):
    api.add_router("/", module.router)
