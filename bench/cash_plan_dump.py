"""The cash plans as figures, to compare before and after a change of their reads: `python bench/cash_plan_dump.py
[--today YYYY-MM-DD]` from a checkout's root (that checkout's code is used), with DATABASE_URL at the books. Prints one
JSON document: the customers' flows (day and amount), then for the 13-week and the 12-month plans, in both
scenarios, each period's opening, receipts, payments, closing and amounts by kind, what lies beyond the horizon, the
lowest point and its period. Two runs give the same text when the figures are the same to the cent:
`diff <(cd /work/main && … ) <(cd /work/wt-x && …)`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
    args = parser.parse_args()
    sys.path.insert(0, os.getcwd())  # the checkout run from, not this file's
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilote.settings")
    import django

    django.setup()
    from pilote.finance import queries
    from pilote.lib.dates import local_today

    today = args.today or local_today()
    inputs = queries.treasury_inputs(today)
    if inputs is None:
        raise SystemExit("no fiscal year contains the day")

    def plan(found) -> dict:
        return {
            "opening": str(found.opening),
            "periods": [
                [
                    str(p.start),
                    str(p.opening),
                    str(p.receipts),
                    str(p.payments),
                    str(p.closing),
                    {kind: str(amount) for kind, amount in sorted(p.by_kind.items())},
                ]
                for p in found.weeks
            ],  # fmt: skip
            "beyond": str(found.beyond),
            "lowest": [str(found.lowest.start), str(found.lowest.closing)],
        }

    out = {
        "today": str(today),
        "customers": [[str(f.day), str(f.amount)] for f in inputs.customers],
        "plans": {
            f"{horizon}-{scenario}": plan(inputs.monthly(scenario) if horizon == "mois" else inputs.plan(scenario))
            for horizon in ("semaines", "mois")
            for scenario in ("realiste", "pessimiste")
        },
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
