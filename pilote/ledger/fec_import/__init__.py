"""FEC import — take over the books kept in another software (FRENCH-RULES.md §1).

Two steps, and nothing is written unless both succeed:

1. `validate_fec` reads and checks the whole file (format, every field, every entry's balance, the
   fiscal year, and what the current books would refuse) and returns a `FecReport` whose `problems`
   name the line and the field in French;
2. `import_fec` then, in one transaction, opens the fiscal year if needed, creates the missing
   accounts, journals and auxiliary accounts, and creates and posts every entry through
   `batch.post_many` by batches of PROGRESS_EVERY entries, à-nouveaux first, then in file order: the
   same checks, gapless numbering, hash chain and aggregates as `services.post_entry`, with bulk writes
   (one entry at a time through `services.create_entry` posts ~70 entries/s on PostgreSQL, too slow
   for a year of books). Any failure rolls everything back.

Memory does not grow with the file: it is streamed (decoded record by record, never held whole), and
nothing is kept per entry. A FEC lists each entry's lines one after the other, so validation checks an
entry (balance, date, lines) when the next one begins and keeps only running totals, the references met
(accounts, journals, auxiliary accounts), the distinct dates, and per journal the EcritureNum numbers met
as intervals in typed arrays (one interval when the numbering has no gap): that also tells whether an
entry comes back further down. Such a file is valid but unusual: validation then starts again on the
file regrouped by entry through a temporary SQLite database on disk (entries in the order of their first
line, lines in file order; line numbers are those of the file), and the import reads it regrouped too.
The import reads the file again twice (à-nouveaux, then the others) and posts by batches of
PROGRESS_EVERY entries or BATCH_LINES lines, so its memory is bounded by the largest entry (plus a small
tuple per lettered line, to rebuild the lettering once every entry is posted). Amounts are
integer cents; dates and account numbers are checked once per distinct value. A line that fails the
fast checks is checked again by the detailed path, which words the problems.

A take-over is faithful: a re-export of the year (`ledger.fec`) gives back the file field by field. The
entries are numbered again by Pilote (gapless per journal, the hash chain's order) but keep the file's
EcritureNum and ValidDate (`Entry.source_number`, `source_valid_date`, both hashed); a line whose PieceRef
differs from its entry's keeps it (`EntryLine.reference`); the lettering is rebuilt as `Matching` rows
with the file's codes and DateLet. The à-nouveaux — journals AN, ANO, RAN, ANV, OUV… or labelled
« à-nouveaux », and entries of an ordinary journal labelled « à nouveau » on the file's first day (posted in
the opening journal) — are the year's opening (à-nouveaux aggregates, outside the CA3). A new fiscal year
ends on the closing date of the file name SIRENFECAAAAMMJJ and starts on the à-nouveaux' date; the user
confirms both on the upload page; the SIREN of the name must be the structure's. The documented
normalisations of a re-export are reported before the import: amounts written N,NN with 0,00 on the empty
side, Pilote's labels for accounts, journals and sub-accounts it had already, lines at zero left out,
Montantdevise/Idevise left empty (the books are kept in euros), one PieceDate and one ValidDate per entry,
one DateLet per lettering code (the latest of its lines).

Valid per the DGFiP format although unusual, and accepted: Idevise without Montantdevise, customer and
supplier lines without a sub-account (kept on the general account), a separator ending each line.
Problems are grouped by cause as they are found (`report.Problems`): each cause's count and first line
numbers over the whole file, the first messages of each in full.

The package follows those stages: `reading` (the file as records, regrouped if need be), `lines` (header,
line and entry checks), `numbering` (EcritureNum intervals), `validation` (`validate_fec`, checks against
the books), `importing` (`import_fec`), `report` (what both return or raise).
"""

from pilote.ledger.fec_import.importing import import_fec
from pilote.ledger.fec_import.report import MAX_PROBLEMS, FecImportError, FecReport, ImportResult
from pilote.ledger.fec_import.validation import guess_journal_kind, validate_fec

__all__ = [
    "MAX_PROBLEMS",
    "FecImportError",
    "FecReport",
    "ImportResult",
    "guess_journal_kind",
    "import_fec",
    "validate_fec",
]
