"""What business apps plug into the ledger, kept apart from the modules that call them (the demo, the bank
reconciliation, the VAT return) so that an app's ready() registers without importing those modules — with
`core.registry.lazy`, not even its own handler's module. The ledger never imports those apps."""

from __future__ import annotations

from collections.abc import Callable

# ledger.demo — handler(invoice, users) returns the dated actions [(date, action)] that replace the ledger's
# entries for a demo supplier invoice (purchases: the order, its receipt, the approved invoice, the payment
# run), or None to leave it to the ledger.
supplier_invoice_handlers: list[Callable] = []

# ledger.bank — (actor=, statement_line=, settle_line=) -> bank EntryLine | None: the first that recognises
# the settled line books the payment itself.
settlement_handlers: list[Callable] = []

# ledger.vat — (start, end) -> iterable of (EN 16931 VAT category, net base excl. VAT) for the operations
# dated in the period (credit notes negative).
operation_providers: list[Callable] = []

# ledger.analytics.update_section — (section) -> list of French plural nouns: what names the section by its code
# (the full costing's parameters, a grant's action), so its code may not change.
section_code_users: list[Callable] = []

# ledger.analytics.update_section — (section) -> None, or a DomainError when something relies on the section's
# nature (main or auxiliary centre) so that it may not change.
section_kind_users: list[Callable] = []


def register(hooks: list[Callable], handler: Callable) -> None:
    if handler not in hooks:
        hooks.append(handler)
