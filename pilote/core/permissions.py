"""The permission matrix: which role may do what. Every view and API endpoint names one permission.

Views declare their permission with `require_perm` (pilote.core.access); the permission test walks
every URL for every role and checks the answer against this matrix, so a view without a declared
permission, or a role seeing more than it may, fails the suite.
"""

from pilote.core.roles import Role

D, C, CO, RH, A, S, AU = (
    Role.DIRECTION,
    Role.COMPTABLE,
    Role.COMMERCIAL,
    Role.RH,
    Role.ASSISTANT,
    Role.SALARIE,
    Role.AUDITEUR,
)
EVERYONE = frozenset(Role)

MATRIX: dict[str, frozenset[Role]] = {
    # Everyone signed in: their home page, their own profile and password.
    "core.home": EVERYONE,
    "core.profile": EVERYONE,
    # The structure's identity: read by staff who produce documents, changed by direction.
    "core.settings.view": frozenset({D, C, A, AU}),
    "core.settings.edit": frozenset({D}),
    "core.users.manage": frozenset({D}),
    "core.audit.view": frozenset({D, AU}),
    "core.backups": frozenset({D}),
    # Projects: planned by direction, sales and the assistant; read by the auditor.
    "projects.view": frozenset({D, CO, A, AU}),
    "projects.edit": frozenset({D, CO, A}),
    # Stock and production: the assistant and sales staff receive, issue and count; the accountant reads the
    # values and, with direction, posts the year-end stock change; the auditor reads.
    "operations.view": frozenset({D, C, CO, A, AU}),
    "operations.edit": frozenset({D, CO, A}),
    "operations.post": frozenset({D, C}),
    # Interventions: planned by direction, sales staff and the assistant; each technician (salarié) sees their day,
    # records arrival, departure and the signed report.
    "operations.plan": frozenset({D, CO, A}),
    "operations.my_day": frozenset({D, CO, A, S}),
    "core.jobs": frozenset({D}),
    # GDPR: export what Pilote holds about a person, anonymise them once no law requires keeping it.
    "core.personal_data": frozenset({D}),
    "core.search": frozenset({D, C, CO, RH, A, AU}),
    # Contacts: every office role reads them; the auditor reads; the employee (self-service) does not.
    "contacts.view": frozenset({D, C, CO, RH, A, AU}),
    "contacts.edit": frozenset({D, C, CO, A}),
    "contacts.import": frozenset({D, CO, A}),
    "contacts.export": frozenset({D, C, CO, A, AU}),
    "contacts.log_interaction": frozenset({D, C, CO, RH, A}),
    # Catalogue: sales staff maintain it; accounting and the auditor read it.
    "catalog.view": frozenset({D, C, CO, A, AU}),
    "catalog.edit": frozenset({D, CO, A}),
    # Pipeline and tenders: sales staff and direction work them; the auditor reads; accounting does not.
    "pipeline.view": frozenset({D, CO, A, AU}),
    "pipeline.edit": frozenset({D, CO, A}),
    # Sales: sales staff and the assistant run the cycle; the accountant issues, records payments and
    # chases late payers; the auditor reads.
    "sales.view": frozenset({D, C, CO, A, AU}),
    "sales.edit": frozenset({D, CO, A}),
    "sales.issue": frozenset({D, C, CO, A}),
    "sales.payments": frozenset({D, C, A}),
    "sales.dunning": frozenset({D, C, CO, A}),
    "sales.analysis": frozenset({D, C, CO, AU}),
    # Doubtful and irrecoverable debts (416, write-downs, losses): entries only the accountant and direction
    # decide; everyone who reads the customer's account sees the steps.
    "receivables.bad_debts": frozenset({D, C}),
    # Purchases: the assistant and sales staff receive supplier invoices; the accountant and direction decide
    # (« bon à payer » posts the invoice); the auditor reads.
    "purchases.view": frozenset({D, C, CO, A, AU}),
    "purchases.receive": frozenset({D, C, CO, A}),
    "purchases.approve": frozenset({D, C}),
    # Purchase orders and receipts: sales staff, the assistant and the accountant prepare, send and receive them,
    # each approving by itself up to its role's limit (purchases.ApprovalLimit), direction above; direction sets
    # the limits and the match tolerances and alone accepts a three-way match difference before « bon à payer ».
    "purchases.order": frozenset({D, C, CO, A}),
    "purchases.settings": frozenset({D}),
    "purchases.override": frozenset({D}),
    "complaints.view": frozenset({D, C, CO, A, AU}),
    "complaints.edit": frozenset({D, CO, A}),
    # Bookkeeping: the accountant keeps the books; direction and the auditor read them.
    "ledger.view": frozenset({D, C, AU}),
    "ledger.edit": frozenset({C}),
    "ledger.admin": frozenset({C}),
    # Taking over books kept in another software (FEC import): the accountant, who then keeps them.
    "ledger.import": frozenset({C}),
    # Taking over a structure's data from spreadsheets (pilote/takeover): the assistant's page for whoever may
    # import one of its datasets (each dataset keeps its app's own right: catalog.edit, contacts.import,
    # hr.edit); open invoices and opening balances, which write the books' opening entry, for direction and
    # the accountant.
    "takeover.view": frozenset({D, C, CO, RH, A}),
    "takeover.accounting": frozenset({D, C}),
    # E-reporting (flux 10): the accountant and direction prepare and transmit it; the auditor reads it.
    "ereporting.view": frozenset({D, C, AU}),
    "ereporting.transmit": frozenset({D, C}),
    # Risks and quality. Direction keeps the risk register; the accountant and HR, who own risks of their field
    # (financial, social), read it and update the treatment actions they own; the auditor reads it.
    "quality.risks.view": frozenset({D, C, RH, AU}),
    "quality.risks.edit": frozenset({D}),
    "quality.risks.actions": frozenset({D, C, RH}),
    "quality.settings": frozenset({D}),
    # People (hr): employee files, the register and personal data (social security number, birth date,
    # address, health-related absences) are for rh and direction only. Everyone employed (not the external
    # auditor) opens their own file through self-service, which only ever reads the signed-in user's record.
    "hr.view": frozenset({D, RH}),
    "hr.edit": frozenset({D, RH}),
    "hr.self": frozenset({D, C, CO, RH, A, S}),
    # Expense reports: each employee keeps their own (hr.self), their manager or rh approves; every report is
    # listed for rh, direction and the accountant, who posts them in the books and pays them back.
    "hr.expenses.view": frozenset({D, RH, C}),
    "hr.expenses.post": frozenset({D, C}),
    # Financial diagnosis (SIG, CAF, functional balance sheet, ratios): read from the books by direction and
    # the accountant; the auditor reads.
    "finance.view": frozenset({D, C, AU}),
    # Which charges vary with the activity (break-even): direction and the accountant decide.
    "finance.edit": frozenset({D, C}),
    # Budgets (versions, lines, XLSX import): direction and the accountant prepare them; readers of finance read.
    "finance.budget": frozenset({D, C}),
    # Dashboards: the indicators page shows each role the tiles of what it may read (sales staff: sales only;
    # rh: the staff and DUERP tiles); direction sets the thresholds that turn a tile red and put an alert in its
    # to-do list.
    "dashboards.view": frozenset({D, C, CO, RH, AU}),
    "dashboards.thresholds": frozenset({D}),
    # The DUERP is available to every worker (Code du travail R4121-4); HR and direction assess the risks and
    # keep the action plan; the employer (direction) validates each version.
    "quality.duerp.view": EVERYONE,
    "quality.duerp.edit": frozenset({D, RH}),
    "quality.duerp.publish": frozenset({D}),
    # Non-conformities and CAPA: those who handle complaints and direction open and follow them; the accountant,
    # HR and the auditor read them; direction judges the effectiveness that closes one.
    "quality.nc.view": frozenset({D, C, CO, RH, A, AU}),
    "quality.nc.edit": frozenset({D, CO, A}),
    "quality.nc.close": frozenset({D}),
    # Procedures: every worker reads them (and those they concern acknowledge them); direction, HR and the assistant
    # write them; each procedure names the role that approves its versions (any staff role but the employee).
    "quality.procedures.view": EVERYONE,
    "quality.procedures.edit": frozenset({D, RH, A}),
    "quality.procedures.approve": frozenset({D, C, CO, RH, A}),
    "quality.procedures.read": frozenset({D, C, CO, RH, A, S}),
    # Audits: direction, HR and the assistant (the internal auditors) plan and run them; the staff who follow
    # non-conformities and the auditor read the programme and the reports.
    "quality.audits.view": frozenset({D, C, CO, RH, A, AU}),
    "quality.audits.edit": frozenset({D, RH, A}),
    # Satisfaction surveys: direction, sales, HR and the assistant build them and send the links; the accountant
    # and the auditor read the results. Respondents answer through their tokened link, without an account.
    "quality.surveys.view": frozenset({D, C, CO, RH, A, AU}),
    "quality.surveys.edit": frozenset({D, CO, RH, A}),
    # Adverse events (social establishments): every member of staff who supports people declares one; the register,
    # with its facts about the people supported, is for direction and HR (who handle care and report to the
    # authority) and the auditor (external evaluation).
    "quality.events.declare": frozenset({D, RH, A, S}),
    "quality.events.view": frozenset({D, RH, AU}),
    "quality.events.edit": frozenset({D, RH}),
    # Monitoring (veille): direction and the assistant keep the sources, triage, annotate and share the items, turn
    # them into a risk or a non-conformity; every other role reads the items shared with it.
    "quality.watch.view": frozenset({D, C, CO, RH, A, S, AU}),
    "quality.watch.edit": frozenset({D, A}),
    # Associations (members, donations, tax receipts, grants): direction, the accountant and the assistant record
    # them; direction and the accountant issue and cancel tax receipts; direction sets what the receipts print;
    # the auditor reads.
    "associations.view": frozenset({D, C, A, AU}),
    "associations.edit": frozenset({D, C, A}),
    "associations.receipts": frozenset({D, C}),
    "associations.settings": frozenset({D}),
    # The office (issue 15). Everyone sees the resources' plannings and their own agenda and tasks; everyone
    # employed books rooms, vehicles and equipment and keeps their own agenda and tasks; the management assistant
    # and direction keep the resources, cancel anyone's booking, and see everyone's tasks; the auditor reads.
    "office.view": EVERYONE,
    "office.book": frozenset({D, C, CO, RH, A, S}),
    "office.resources": frozenset({D, A}),
    "office.manage": frozenset({D, A}),
    # Meetings: every worker reads the minutes and decisions (staff meetings concern them); the office roles
    # organise meetings and write the minutes. Tasks: everyone employed keeps their own (and those they
    # delegated); the assistant, direction and the auditor see everyone's matrix.
    "office.meetings.view": EVERYONE,
    "office.meetings.edit": frozenset({D, C, CO, RH, A}),
    "office.tasks": frozenset({D, C, CO, RH, A, S}),
    "office.tasks.all": frozenset({D, A, AU}),
    # Documents: everyone reads what their role may see (confidentiality is decided per document by
    # office.queries.documents.visible_documents); the office roles file and version them; direction and the
    # assistant confirm the purge of what is past its retention.
    "office.documents.view": EVERYONE,
    "office.documents.edit": frozenset({D, C, CO, RH, A}),
    "office.documents.purge": frozenset({D, A}),
}


def role_can(role: str, perm: str) -> bool:
    try:
        allowed = MATRIX[perm]
    except KeyError as exc:
        raise KeyError(f"Unknown permission {perm!r}: add it to pilote.core.permissions.MATRIX") from exc
    return role in allowed


def user_can(user, perm: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return role_can(user.role, perm)
