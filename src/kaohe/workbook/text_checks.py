"""Whitespace checks over millions of cells (ballot marks), exactly as ``str.strip_chars()``.

Whether a column needs trimming is decided from its distinct values: `unique()` for a column
of few (evaluation, group, option) or some (assessee codes, 20,000 in 5 million marks at
province scale), and for ballot ids (250,000) the first mark of each run, as a ballot's
marks are listed together. The regex's ``\\s`` and ``strip_chars()`` both mean Unicode
White_Space, so a match is exactly a value that trimming would change.

Blank cells (empty or whitespace only) are first ruled out from a column's least and greatest
values, which polars finds without hashing: a blank value starts with whitespace (or is empty),
and no value can start with a character that lies outside the column's range.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from kaohe.errors import Problem

# Mark columns whose distinct values are many: `has_blank` scans them rather than hashing.
MANY_DISTINCT = frozenset({"ballot", "assessee"})
# Mark columns whose equal values come together: a value equal to the one before is skipped.
IN_RUNS = frozenset({"ballot"})
TRIM_PATTERN = r"^\s|\s$|^$"  # empty, or leading or trailing whitespace

# Unicode White_Space: what Rust's char::is_whitespace, polars' strip_chars() and the regex
# ``\s`` mean (tests compare it with polars over every code point).
WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
WHITESPACE += "\u2028\u2029\u202f\u205f\u3000"


def trim_columns(frame: pl.DataFrame, columns: Sequence[str]) -> list[str]:
    """The columns with some (non-null) value that is empty or has leading or trailing
    whitespace, all checked in one pass (in parallel).

    >>> frame = pl.DataFrame({"ballot": ["a", "a", "b "], "option": ["", None, "x"]})
    >>> trim_columns(frame, ["ballot", "option"])
    ['ballot', 'option']
    >>> trim_columns(pl.DataFrame({"group": ["g", None, "\u3000g"]}), ["group"])
    ['group']
    """
    if not columns:
        return []
    checks = frame.select(
        _distinct(c).str.contains(TRIM_PATTERN).any().alias(c) for c in columns
    ).row(0, named=True)
    return [c for c in columns if checks[c]]


def _distinct(column: str) -> pl.Expr:
    """Every distinct value of the column (some more than once for an `IN_RUNS` column)."""
    values = pl.col(column).cast(pl.Utf8)
    if column in IN_RUNS:
        return values.filter(values.ne_missing(values.shift(1)))
    return values.unique()


def has_blank(values: pl.Series, *, many: bool) -> bool:
    """Whether some (non-null) value is empty or whitespace only.

    >>> [has_blank(pl.Series(["a", v]), many=m) for v in ("", "\u3000", " b") for m in (1, 0)]
    [True, True, True, True, False, False]
    """
    if many:
        return bool((~values.str.contains(r"\S")).any())
    return bool((values.unique().drop_nulls().str.strip_chars() == "").any())


def may_start_blank(low: str | None, high: str | None) -> bool:
    """Whether a column whose values lie between `low` and `high` may hold a blank value.

    Strings compare by code point (polars: UTF-8 bytes, the same order), and every string
    starting with the character w lies in [w, w+1).

    >>> may_start_blank("B0001", "B9999"), may_start_blank("不称职", "称职")
    (False, False)
    >>> may_start_blank(None, None)
    False
    >>> may_start_blank("", "x"), may_start_blank(" a", "b"), may_start_blank("a", "\u3000b")
    (True, True, True)
    """
    if low is None or high is None:
        return False  # no value at all
    return low == "" or any(not (high < w or low >= chr(ord(w) + 1)) for w in WHITESPACE)


def blank_columns(frame: pl.DataFrame, columns: Sequence[str]) -> list[str]:
    """The columns with some (non-null) value that is empty or whitespace only.

    One pass finds every column's least and greatest value; only a column whose range may
    hold a blank is then checked value by value (`has_blank`).

    >>> frame = pl.DataFrame({"a": ["x", None], "b": ["y", " "], "c": ["\u3000", "z"]})
    >>> blank_columns(frame, ["a", "b", "c"])
    ['b', 'c']
    """
    if not columns or frame.height == 0:
        return []
    ranges = frame.select(
        *(pl.col(c).min().alias(f"low {c}") for c in columns),
        *(pl.col(c).max().alias(f"high {c}") for c in columns),
    ).row(0, named=True)
    return [
        c
        for c in columns
        if may_start_blank(ranges[f"low {c}"], ranges[f"high {c}"])
        and has_blank(frame.get_column(c), many=c in MANY_DISTINCT)
    ]


def nul_problem(name: str, text: str) -> Problem | None:
    """The line of a NUL character (raw, or JSON's ``\\u0000`` escape), which no cell or name
    may hold: PostgreSQL cannot store it, so it is an input error, never a database failure.

    >>> nul_problem("a.json", '{"x": 1,\\n "y": "\\\\u0000"}')
    Problem(where='a.json 第 2 行', message='含有 NUL 控制字符（\\\\u0000），文本中不能有此字符')
    >>> nul_problem("a.csv", "a,b") is None
    True
    """
    at = text.find("\x00")
    if at < 0 and name.lower().endswith(".json"):
        at = text.find("\\u0000")
    if at < 0:
        return None
    line = text.count("\n", 0, at) + 1
    return Problem(f"{name} 第 {line} 行", "含有 NUL 控制字符（\\u0000），文本中不能有此字符")
