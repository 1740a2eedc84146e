"""Database triggers that freeze issued invoices, their lines and their archived PDF (SQLite and PostgreSQL).

Everything an issued invoice or credit note says is frozen at issue — every column of the row but the
operational ones listed in OPERATIONAL (what the customer has paid or been credited, when it was settled or
sent, the row's version and update time, and the link to a delivery address the document no longer reads: it
prints the address copied at issue, and deleting the address empties the link). Its lines and its Factur-X
file can be neither changed nor deleted, and no line can be added. A test checks that every column of the
invoice is either FROZEN or OPERATIONAL, so a new column is a decision, not an oversight. Installed by
migration 0002, re-installed with the full list by migration 0009, and again after every migrate (SQLite
drops triggers when it rebuilds a table).
"""

from __future__ import annotations

from pilote.core import integrity
from pilote.core.dbtriggers import TriggerSet, register

MESSAGE = "Facture émise : modification interdite (corrigez par un avoir)"
integrity.register_trigger_message(MESSAGE)  # shown as is when a write trips a trigger
# What may still change on an issued invoice: settlement (payments, lettering, credit notes), sending, bookkeeping.
# `is_open` is computed by the database from the others (a stored generated column, never written).
OPERATIONAL = (
    "amount_paid", "credited_amount", "paid_on", "sent_at", "version", "updated_at", "delivery_address_id", "is_open",
)  # fmt: skip
# Everything else, in the order of the table: header, parties copied at issue, dates, references, terms, mentions,
# totals, the entry — all that the PDF and the XML show, and what they are computed from.
FROZEN = (
    "id", "customer_id", "date", "notes", "total_net", "total_vat", "total_gross", "created_by_id", "created_at",
    "kind", "status", "number", "order_id", "credited_invoice_id", "customer_reference", "delivery_date",
    "payment_term", "due_date", "issued_at", "customer_snapshot", "seller_snapshot", "operation_nature",
    "vat_on_debits", "vat_on_receipts", "penalty_rate", "entry_id",
)  # fmt: skip
_changed_sqlite = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)
_changed_pg = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN)
_line_parent = "(SELECT status FROM sales_invoice WHERE id = {row}.invoice_id) = 'issued'"

SQLITE = {
    "sales_invoice_issued_no_update": f"""CREATE TRIGGER IF NOT EXISTS sales_invoice_issued_no_update
        BEFORE UPDATE ON sales_invoice WHEN OLD.status = 'issued' AND ({_changed_sqlite})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "sales_invoice_issued_no_delete": f"""CREATE TRIGGER IF NOT EXISTS sales_invoice_issued_no_delete
        BEFORE DELETE ON sales_invoice WHEN OLD.status = 'issued'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "sales_invoiceline_issued_no_insert": f"""CREATE TRIGGER IF NOT EXISTS sales_invoiceline_issued_no_insert
        BEFORE INSERT ON sales_invoiceline WHEN {_line_parent.format(row="NEW")}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "sales_invoiceline_issued_no_update": f"""CREATE TRIGGER IF NOT EXISTS sales_invoiceline_issued_no_update
        BEFORE UPDATE ON sales_invoiceline WHEN {_line_parent.format(row="OLD")} OR {_line_parent.format(row="NEW")}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "sales_invoiceline_issued_no_delete": f"""CREATE TRIGGER IF NOT EXISTS sales_invoiceline_issued_no_delete
        BEFORE DELETE ON sales_invoiceline WHEN {_line_parent.format(row="OLD")}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "sales_invoicefile_no_update": f"""CREATE TRIGGER IF NOT EXISTS sales_invoicefile_no_update
        BEFORE UPDATE ON sales_invoicefile BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "sales_invoicefile_no_delete": f"""CREATE TRIGGER IF NOT EXISTS sales_invoicefile_no_delete
        BEFORE DELETE ON sales_invoicefile BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
}

POSTGRES_FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION sales_refuse_issued_invoice() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR ({_changed_pg}) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION sales_refuse_issued_line() RETURNS trigger AS $$
    BEGIN
        IF (TG_OP IN ('UPDATE', 'DELETE') AND {_line_parent.format(row="OLD")})
           OR (TG_OP IN ('INSERT', 'UPDATE') AND {_line_parent.format(row="NEW")}) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION sales_refuse_file_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END; $$ LANGUAGE plpgsql""",
]
POSTGRES = {
    "sales_invoice_issued_frozen": """CREATE TRIGGER sales_invoice_issued_frozen
        BEFORE UPDATE OR DELETE ON sales_invoice FOR EACH ROW WHEN (OLD.status = 'issued')
        EXECUTE FUNCTION sales_refuse_issued_invoice()""",
    "sales_invoiceline_issued_frozen": """CREATE TRIGGER sales_invoiceline_issued_frozen
        BEFORE INSERT OR UPDATE OR DELETE ON sales_invoiceline FOR EACH ROW
        EXECUTE FUNCTION sales_refuse_issued_line()""",
    "sales_invoicefile_frozen": """CREATE TRIGGER sales_invoicefile_frozen
        BEFORE UPDATE OR DELETE ON sales_invoicefile FOR EACH ROW EXECUTE FUNCTION sales_refuse_file_change()""",
}


TRIGGERS = register(
    TriggerSet(
        prefix="sales_",
        sqlite=SQLITE,
        postgres=POSTGRES,
        postgres_functions=POSTGRES_FUNCTIONS,
        # PostgreSQL's TRUNCATE skips row triggers: refused while an issued invoice exists (core.dbtriggers).
        no_truncate=("sales_invoice", "sales_invoiceline", "sales_invoicefile"),
        protected_rows="EXISTS (SELECT 1 FROM sales_invoice WHERE status = 'issued')",
        message=MESSAGE,
    )
)
installed, expected, install, uninstall = TRIGGERS.installed, TRIGGERS.expected, TRIGGERS.install, TRIGGERS.uninstall

# The chain of issued invoices (sealing.py): links are only ever added, and its head only moves forward (no
# DELETE, no lower index, no other seal at the same index), as the ledger's.
SEAL_MESSAGE = "Sceau de facture émise : modification interdite"
integrity.register_trigger_message(SEAL_MESSAGE)
_HEAD_REWOUND = (
    "NEW.id <> OLD.id OR NEW.last_index < OLD.last_index "
    "OR (NEW.last_index = OLD.last_index AND NEW.last_seal <> OLD.last_seal)"
)
SEALS = register(
    TriggerSet(
        prefix="sales_invoiceseal_",
        sqlite={
            "sales_invoiceseal_no_update": f"""CREATE TRIGGER IF NOT EXISTS sales_invoiceseal_no_update
                BEFORE UPDATE ON sales_invoiceseal BEGIN SELECT RAISE(ABORT, '{SEAL_MESSAGE}'); END""",
            "sales_invoiceseal_no_delete": f"""CREATE TRIGGER IF NOT EXISTS sales_invoiceseal_no_delete
                BEFORE DELETE ON sales_invoiceseal BEGIN SELECT RAISE(ABORT, '{SEAL_MESSAGE}'); END""",
            "sales_invoiceseal_head_no_rewind": f"""CREATE TRIGGER IF NOT EXISTS sales_invoiceseal_head_no_rewind
                BEFORE UPDATE ON sales_invoicechainhead WHEN {_HEAD_REWOUND}
                BEGIN SELECT RAISE(ABORT, '{SEAL_MESSAGE}'); END""",
            "sales_invoiceseal_head_no_delete": f"""CREATE TRIGGER IF NOT EXISTS sales_invoiceseal_head_no_delete
                BEFORE DELETE ON sales_invoicechainhead WHEN OLD.last_index > 0
                BEGIN SELECT RAISE(ABORT, '{SEAL_MESSAGE}'); END""",
        },
        postgres={
            "sales_invoiceseal_frozen": """CREATE TRIGGER sales_invoiceseal_frozen
                BEFORE UPDATE OR DELETE ON sales_invoiceseal
                FOR EACH ROW EXECUTE FUNCTION sales_refuse_seal_change()""",
            "sales_invoiceseal_head_no_rewind": """CREATE TRIGGER sales_invoiceseal_head_no_rewind
                BEFORE UPDATE OR DELETE ON sales_invoicechainhead
                FOR EACH ROW EXECUTE FUNCTION sales_refuse_seal_head_rewind()""",
        },
        postgres_functions=[
            f"""CREATE OR REPLACE FUNCTION sales_refuse_seal_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{SEAL_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END; $$ LANGUAGE plpgsql""",
            f"""CREATE OR REPLACE FUNCTION sales_refuse_seal_head_rewind() RETURNS trigger AS $$
            BEGIN
                IF (TG_OP = 'DELETE' AND OLD.last_index > 0) OR (TG_OP = 'UPDATE' AND ({_HEAD_REWOUND})) THEN
                    RAISE EXCEPTION '{SEAL_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END; $$ LANGUAGE plpgsql""",
        ],
        no_truncate=("sales_invoiceseal",),  # the head (sales_invoicechainhead) wiped shows at verification
        protected_rows="EXISTS (SELECT 1 FROM sales_invoiceseal)",
        message=SEAL_MESSAGE,
    )
)
