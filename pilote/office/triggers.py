"""The database's own refusal of overlapping bookings, under the service's check.

PostgreSQL: the exclusion constraint `office_booking_no_overlap` (migration 0002, btree_gist): no two confirmed
bookings of a resource whose tstzrange(starts_at, ends_at, '[)') overlap — it also holds between two
transactions booking at the same instant, the second waiting for the first and then refused.
SQLite: triggers refusing the INSERT or UPDATE of a confirmed booking that overlaps another (SQLite runs one
writer at a time, so the check the trigger makes cannot race). Installed by migration 0002 and again after
every migrate (SQLite drops a table's triggers when a migration rebuilds it)."""

from __future__ import annotations

from pilote.core import integrity
from pilote.core.dbtriggers import TriggerSet, register

CONSTRAINT = "office_booking_no_overlap"
MESSAGE = "Cette ressource est déjà réservée sur ce créneau : la réservation est refusée."
integrity.register_trigger_message(MESSAGE)
integrity.register_constraint_message(CONSTRAINT, MESSAGE)

_OVERLAP = """NEW.status = 'confirmed' AND EXISTS (SELECT 1 FROM office_booking b WHERE b.resource_id = NEW.resource_id
    AND b.status = 'confirmed' AND b.id IS NOT NEW.id AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at)"""

SQLITE = {
    "office_booking_no_overlap_insert": f"""CREATE TRIGGER IF NOT EXISTS office_booking_no_overlap_insert
        BEFORE INSERT ON office_booking WHEN {_OVERLAP} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    "office_booking_no_overlap_update": f"""CREATE TRIGGER IF NOT EXISTS office_booking_no_overlap_update
        BEFORE UPDATE ON office_booking WHEN {_OVERLAP} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
}

POSTGRES_CONSTRAINT = f"""ALTER TABLE office_booking ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist (
    resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (status = 'confirmed')"""

TRIGGERS = register(TriggerSet(prefix="office_", sqlite=SQLITE, postgres={}))
installed, expected, install, uninstall = TRIGGERS.installed, TRIGGERS.expected, TRIGGERS.install, TRIGGERS.uninstall
