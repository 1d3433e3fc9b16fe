"""The shortcuts of the marks checks agree with the full checks they stand in for."""

from __future__ import annotations

import random

import polars as pl
import pytest

from kaohe.workbook.build_marks import _one_run_per_ballot, _split_ballots
from kaohe.workbook.text_checks import (
    MANY_DISTINCT,
    WHITESPACE,
    blank_columns,
    has_blank,
    may_start_blank,
    trim_columns,
)


def test_whitespace_is_what_polars_strips() -> None:
    """Every code point (surrogates aside): the ones strip_chars() removes and ``\\s`` matches."""
    chars = pl.Series([chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF], dtype=pl.Utf8)
    stripped = chars.filter(chars.str.strip_chars() == "").to_list()
    matched = chars.filter(chars.str.contains(r"^\s$")).to_list()
    assert sorted(stripped) == sorted(matched) == sorted(WHITESPACE)


@pytest.mark.parametrize("seed", range(40))
def test_blank_and_trim_columns_agree_with_the_full_checks(seed: int) -> None:
    rng = random.Random(seed)
    pool = ["a", "B1", "称职", "", " ", "\u3000", " x", "x\t", "\xa0", "\x85y", "z\u2003", "!"]
    pool += ["\x1f", "\u2060", "\u3001", "~", "\U0001f600", "\u1680", "\u205f", None]
    columns = ["evaluation", "group", "ballot", "assessee", "option"]
    picks = {c: rng.sample(pool, rng.randint(1, 4)) for c in columns}
    frame = pl.DataFrame(
        {c: [rng.choice(picks[c]) for _ in range(30)] for c in columns},
        schema=dict.fromkeys(columns, pl.Utf8),
    )
    codes = columns[:4]
    expected = [c for c in codes if has_blank(frame.get_column(c), many=c in MANY_DISTINCT)]
    assert blank_columns(frame, codes) == expected
    trimmed = [c for c in columns if _changed_by_trimming(frame.get_column(c))]
    assert trim_columns(frame, columns) == trimmed


def _changed_by_trimming(values: pl.Series) -> bool:
    """Some value is empty or not what strip_chars() makes of it (nulls aside)."""
    values = values.drop_nulls()
    return bool(((values.str.strip_chars() != values) | (values == "")).any())


def test_a_range_holding_a_whitespace_start_may_be_blank() -> None:
    for w in WHITESPACE:
        assert may_start_blank(w, w)
        assert may_start_blank(f"{w}z", f"{w}z")
        after = chr(ord(w) + 1)
        assert may_start_blank(after, after) == (after in WHITESPACE)
    assert may_start_blank("a", "\u4e00")  # U+3000 lies between
    assert not may_start_blank("\u4e00", "\u9fff")


def _exact_split(frame: pl.DataFrame) -> bool:
    groups = frame.group_by("evaluation", "ballot").agg(pl.col("group").n_unique())
    return bool((groups.get_column("group") > 1).any())


@pytest.mark.parametrize("seed", range(60))
def test_split_ballots_is_exact_in_either_order(seed: int) -> None:
    rng = random.Random(seed)
    rows = []
    for ballot in range(rng.randint(1, 12)):
        evaluation = rng.choice(["e", "f"])
        group = rng.choice(["g", "h", None])
        for _ in range(rng.randint(1, 4)):
            # now and then a mark names another group: a split ballot id
            rows.append((evaluation, rng.choice(["g", "h"]) if rng.random() < 0.05 else group,
                         f"B{ballot % 7}"))  # fmt: skip
    if rng.random() < 0.5:
        rng.shuffle(rows)
    frame = pl.DataFrame(
        rows, schema={"evaluation": pl.Utf8, "group": pl.Utf8, "ballot": pl.Utf8}, orient="row"
    )
    split = _exact_split(frame)
    assert _split_ballots(frame) == split
    if _one_run_per_ballot(frame):
        assert not split
