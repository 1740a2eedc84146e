"""The EcritureNum numbers met per journal, kept as intervals in typed arrays (no object per entry): they tell
a gap in the numbering (§1) and an entry whose lines come back further down the file."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right

_TRAILING_DIGITS = re.compile(r"^(.*?)(\d{1,18})$", re.DOTALL)  # prefix, number (int64)


class NotContiguous(Exception):
    """An entry's lines come back after another entry's: the file is validated again, regrouped."""


class Numbers:
    """The EcritureNum numbers of one journal met so far, without one object per entry: per (prefix, digit
    count) — "VT2026-000123" is ("VT2026-", 6) and 123 —, the numbers as sorted disjoint intervals in two
    typed arrays; one interval when the numbering is continuous. Numbers without trailing digits (rare)
    are kept as they are."""

    __slots__ = ("intervals", "others")

    def __init__(self):
        self.intervals: dict[tuple[str, int], tuple[array, array]] = {}
        self.others: set[str] = set()

    def add(self, number: str) -> bool:
        """Note `number`; False when it had been met already."""
        match = _TRAILING_DIGITS.match(number)
        if match is None:
            if number in self.others:
                return False
            self.others.add(number)
            return True
        digits = match[2]
        group = (match[1], len(digits))
        pair = self.intervals.get(group)
        if pair is None:
            pair = self.intervals[group] = (array("q"), array("q"))
        return _add_to_intervals(*pair, int(digits))

    def span(self) -> list[tuple[int, int]]:
        """The numbers met, whatever their prefix, as merged intervals (the gap check of §1)."""
        merged: list[list[int]] = []
        for starts, ends in self.intervals.values():
            for start, end in zip(starts, ends, strict=True):
                merged.append([start, end])
        merged.sort()
        out: list[list[int]] = []
        for start, end in merged:
            if out and start <= out[-1][1] + 1:
                out[-1][1] = max(out[-1][1], end)
            else:
                out.append([start, end])
        return [(start, end) for start, end in out]


def _add_to_intervals(starts: array, ends: array, n: int) -> bool:
    """Add n to the sorted disjoint intervals [starts[i], ends[i]]; False when it was there already."""
    if not ends:
        starts.append(n)
        ends.append(n)
        return True
    last = ends[-1]
    if n == last + 1:  # the usual case: the next number
        ends[-1] = n
        return True
    if n > last:
        starts.append(n)
        ends.append(n)
        return True
    i = bisect_right(starts, n) - 1
    if i >= 0 and n <= ends[i]:
        return False
    joins_left = i >= 0 and ends[i] + 1 == n
    joins_right = starts[i + 1] == n + 1  # i + 1 exists: n < last
    if joins_left and joins_right:
        ends[i] = ends[i + 1]
        del starts[i + 1], ends[i + 1]
    elif joins_left:
        ends[i] = n
    elif joins_right:
        starts[i + 1] = n
    else:
        starts.insert(i + 1, n)
        ends.insert(i + 1, n)
    return True
