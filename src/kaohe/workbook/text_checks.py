"""Whitespace checks over millions of cells (ballot marks), exactly as ``str.strip_chars()``.

A column of few distinct values (evaluation, group, option) is checked through them; one of
many (ballot ids, assessee codes: 250,000 and 20,000 of 5 million marks at province scale) is
checked row by row with a regex that usually decides at the first or last character, which
costs a third of hashing every value. The regex's ``\\s`` and ``strip_chars()`` both mean
Unicode White_Space, so both routes give the same answer.
"""

from __future__ import annotations

import polars as pl

from kaohe.errors import Problem

# Mark columns whose distinct values are many: scanned rather than made unique.
MANY_DISTINCT = frozenset({"ballot", "assessee"})


def needs_trim(values: pl.Series, *, many: bool) -> bool:
    """Whether some (non-null) value is empty or has leading or trailing whitespace.

    >>> needs_trim(pl.Series(["a", None, "b"]), many=True)
    False
    >>> [needs_trim(pl.Series(["a", v]), many=m) for v in ("", " b", "b\u3000") for m in (1, 0)]
    [True, True, True, True, True, True]
    """
    if many:
        return bool(values.str.contains(r"^\s|\s$|^$").any())
    distinct = values.unique().drop_nulls()
    return bool((distinct.str.strip_chars() != distinct).any() or (distinct == "").any())


def has_blank(values: pl.Series, *, many: bool) -> bool:
    """Whether some (non-null) value is empty or whitespace only.

    >>> [has_blank(pl.Series(["a", v]), many=m) for v in ("", "\u3000", " b") for m in (1, 0)]
    [True, True, True, True, False, False]
    """
    if many:
        return bool((~values.str.contains(r"\S")).any())
    return bool((values.unique().drop_nulls().str.strip_chars() == "").any())


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
