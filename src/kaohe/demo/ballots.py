"""Ballot marks in the CSV long format, and how a rater turns an opinion into a mark.

The demo writes ballots as `data.ballot_marks` (one row per mark, workbook.md's ballots.csv)
rather than YAML ballots: a county year has thousands of ballots. `_row` numbers the rows
from 0, as the workbook readers number marks, so a problem in a mark can be located.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import polars as pl

# Labels voters write on paper ballots that are not options of the form (void marks).
STRAY_LABELS: tuple[str, ...] = ("很满意", "好", "√", "同意", "较满意")


class MarkTable:
    """Rows of ballot marks, added ballot by ballot, turned into a polars DataFrame once."""

    def __init__(self) -> None:
        self._columns: dict[str, list[str | None]] = {
            "evaluation": [],
            "group": [],
            "ballot": [],
            "assessee": [],
            "option": [],
        }
        self.ballots = 0

    def add(
        self,
        evaluation: str,
        group: str,
        ballot: str,
        marks: Sequence[tuple[str | None, str | None]],
    ) -> None:
        """One ballot: its (assessee, option) marks; `[(None, None)]` is an empty ballot."""
        self.ballots += 1
        for assessee, option in marks:
            self._columns["evaluation"].append(evaluation)
            self._columns["group"].append(group)
            self._columns["ballot"].append(ballot)
            self._columns["assessee"].append(assessee)
            self._columns["option"].append(option)

    def frame(self) -> pl.DataFrame:
        n = len(self._columns["ballot"])
        frame = pl.DataFrame(self._columns, schema={name: pl.Utf8 for name in self._columns})
        return frame.with_columns(pl.Series("_row", range(n), dtype=pl.Int64))


def pick_option(rng: random.Random, level: float, labels: Sequence[str], spread: float) -> str:
    """The option a rater gives an assessee whose standing is `level` (0..1), best label first.

    The rater's impression is the level plus personal noise; the scale is cut in equal bands
    from the top, so a strong unit mostly gets the best label and a weak one the lower ones.
    """
    impression = level + rng.gauss(0.0, spread)
    bands = len(labels)
    # The best label takes impressions above 0.75; the rest share the range below evenly.
    if impression >= 0.75:
        return labels[0]
    step = 0.75 / (bands - 1)
    index = 1 + int((0.75 - impression) / step)
    return labels[min(bands - 1, index)]


def limit_top(
    marks: list[tuple[str, str]], top: str, second: str, allowed: int
) -> list[tuple[str, str]]:
    """Keep at most `allowed` top marks, downgrading the last ones, as a careful voter does."""
    kept = 0
    out = []
    for assessee, option in marks:
        if option == top:
            kept += 1
            if kept > allowed:
                option = second
        out.append((assessee, option))
    return out


def top_allowed(k: int, max_top_share: float) -> int:
    """scoring.md §4: at most max(1, floor(k * share)) top marks on a ballot of k marks."""
    return max(1, int(k * max_top_share + 1e-9))
