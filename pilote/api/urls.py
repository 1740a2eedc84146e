"""Mounts every domain router on the one API object (served under /api/v1/)."""

from pilote.api import catalog, contacts, documents, ledger, projects, purchases, sales
from pilote.api.base import api

for module in (contacts, catalog, ledger, sales, purchases, projects, documents):
    api.add_router("/", module.router)
