"""Mounts every domain router on the one API object (served under /api/v1/)."""

from pilote.api.base import api
from pilote.api.catalog import router as catalog_router
from pilote.api.contacts import router as contacts_router
from pilote.api.documents import router as documents_router
from pilote.api.purchases import router as purchases_router
from pilote.api.sales import router as sales_router

api.add_router("/", contacts_router)
api.add_router("/", catalog_router)
api.add_router("/", sales_router)
api.add_router("/", purchases_router)
api.add_router("/", documents_router)
