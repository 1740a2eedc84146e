"""Database triggers that freeze issued tax receipts (SQLite and PostgreSQL).

A receipt says, once issued, what the donor will show the tax office: no service changes it, and these triggers
refuse any other writer too. Every column is frozen but the cancellation (an issued receipt may become cancelled,
once, with its date and reason — never back) and the time it was e-mailed. No receipt is ever deleted; on
PostgreSQL TRUNCATE is refused while one exists. Installed by migration 0002 and again after every migrate
(SQLite drops a table's triggers when a migration rebuilds it).
"""

from __future__ import annotations

from pilote.core import integrity
from pilote.core.dbtriggers import TriggerSet, register

MESSAGE = "Reçu fiscal émis : modification interdite (annulez-le et émettez un reçu rectificatif)"
integrity.register_trigger_message(MESSAGE)

FROZEN = (
    "id", "number", "donor_id", "donor_kind", "donor_name", "donor_address", "donor_siren", "issuer", "year",
    "first_gift_on", "last_gift_on", "total", "lines", "rate", "issued_on", "issued_at", "issued_by_id",
    "replaces_id",
)  # fmt: skip
CANCELLATION = ("status", "cancelled_on", "cancel_reason")
OPERATIONAL = ("sent_at",)

_frozen_sqlite = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)
_frozen_pg = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN)
_cancel_sqlite = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CANCELLATION)
_cancel_pg = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CANCELLATION)
# Refused: a frozen column changed; a cancelled receipt touched again; a status other than issued/cancelled.
_REFUSED_SQLITE = (
    f"({_frozen_sqlite}) OR (OLD.status = 'cancelled' AND ({_cancel_sqlite})) "
    "OR NEW.status NOT IN ('issued', 'cancelled')"
)
_REFUSED_PG = (
    f"({_frozen_pg}) OR (OLD.status = 'cancelled' AND ({_cancel_pg})) OR NEW.status NOT IN ('issued', 'cancelled')"
)

SQLITE = {
    "associations_taxreceipt_no_update": f"""CREATE TRIGGER IF NOT EXISTS associations_taxreceipt_no_update
        BEFORE UPDATE ON associations_taxreceipt WHEN {_REFUSED_SQLITE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "associations_taxreceipt_no_delete": f"""CREATE TRIGGER IF NOT EXISTS associations_taxreceipt_no_delete
        BEFORE DELETE ON associations_taxreceipt BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
}
POSTGRES_FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION associations_refuse_receipt_change() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR {_REFUSED_PG} THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql""",
]
POSTGRES = {
    "associations_taxreceipt_frozen": """CREATE TRIGGER associations_taxreceipt_frozen
        BEFORE UPDATE OR DELETE ON associations_taxreceipt FOR EACH ROW
        EXECUTE FUNCTION associations_refuse_receipt_change()""",
}

TRIGGERS = register(
    TriggerSet(
        prefix="associations_",
        sqlite=SQLITE,
        postgres=POSTGRES,
        postgres_functions=POSTGRES_FUNCTIONS,
        no_truncate=("associations_taxreceipt",),
        protected_rows="EXISTS (SELECT 1 FROM associations_taxreceipt)",
        message=MESSAGE,
    )
)
installed, expected, install, uninstall = TRIGGERS.installed, TRIGGERS.expected, TRIGGERS.install, TRIGGERS.uninstall
