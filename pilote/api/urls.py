"""Mounts every domain router on the one API object (served under /api/v1/)."""

from pilote.api import (
    associations,
    catalog,
    complaints,
    contacts,
    documents,
    ereporting,
    finance,
    hr,
    ledger,
    office,
    operations,
    pipeline,
    projects,
    purchases,
    quality,
    receivables,
    sales,
)
from pilote.api.base import api

for module in (
    contacts,
    catalog,
    ledger,
    sales,
    purchases,
    projects,
    operations,
    hr,
    quality,
    documents,
    office,
    finance,
    associations,
):
    api.add_router("/", module.router)
for module in (receivables, pipeline, complaints, ereporting):  # apisales
    api.add_router("/", module.router)

# HR beyond employees and absences, quality beyond risks and non-conformities, settings and users.
from pilote.api import hr_people, quality_more  # noqa: E402
from pilote.api import settings as settings_api  # noqa: E402

for module in (hr_people, quality_more, settings_api):
    api.add_router("/", module.router)

from pilote.api import (  # noqa: E402  (apia)
    finance_more,
    ledger_more,
    operations_more,
    pipeline_more,
    purchases_more,
    receivables_more,
    sales_more,
)

for module in (purchases_more, receivables_more, pipeline_more, sales_more, finance_more, ledger_more, operations_more):
    api.add_router("/", module.router)  # apia

from pilote.api import associations_more, hr_cse, office_more, quality_events  # noqa: E402  (apic)

for module in (office_more, associations_more, quality_events, hr_cse):
    api.add_router("/", module.router)  # apic

from pilote.api import banking, finance_costing, hr_expense_lines  # noqa: E402  (apid)

for module in (banking, finance_costing, hr_expense_lines):
    api.add_router("/", module.router)  # apid

from pilote.api import analytic_sections, bank_accounts, office_calendars  # noqa: E402  (apix)

for module in (bank_accounts, analytic_sections, office_calendars):
    api.add_router("/", module.router)  # apix
from pilote.api import bank_reconciliation, purchases_buying  # noqa: E402  (apibuy)

for module in (bank_reconciliation, purchases_buying):
    api.add_router("/", module.router)  # apibuy

from pilote.api import contacts_more, quality_changes, settings_more  # noqa: E402  (apiqual)

for module in (quality_changes, contacts_more, settings_more):
    api.add_router("/", module.router)  # apiqual

from pilote.api import ledger_thirds, ledger_year  # noqa: E402  (apiledger)

for module in (ledger_thirds, ledger_year):
    api.add_router("/", module.router)  # apiledger

from pilote.api import hr_careers, hr_staff  # noqa: E402  (apihr)

for module in (hr_careers, hr_staff):
    api.add_router("/", module.router)  # apihr

from pilote.api import associations_ops  # noqa: E402  (apiops)

for module in (associations_ops,):
    api.add_router("/", module.router)  # apiops

from pilote.api import operations_ops  # noqa: E402  (apiops)

api.add_router("/", operations_ops.router)  # apiops

from pilote.api import office_ops, projects_ops  # noqa: E402  (apiops)

for module in (projects_ops, office_ops):
    api.add_router("/", module.router)  # apiops

from pilote.api import office_comms  # noqa: E402  (apioffice)

api.add_router("/", office_comms.router)  # apioffice

from pilote.api import personal_data  # noqa: E402  (GDPR)

api.add_router("/", personal_data.router)  # GDPR
