"""Cell-level text conventions shared by the Excel and CSV readers and writers.

A spreadsheet cell holds one scalar, but some YAML fields are small lists or mappings
(indicator tiers and grade maps, evaluation options, dimensions and satisfied labels). They
are written in one cell as ``标签=数值;标签=数值`` (mappings), ``阈值:比例;阈值:比例`` (tiers) or
``标签;标签`` (lists). Readers accept full-width separators too, because that is what people
type in a Chinese input method.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

# A plain decimal number as people write it; "12,5", "1e", "nan" and "inf" are not numbers.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_ITEM_SEP = re.compile(r"[;；]")
_LIST_SEP = re.compile(r"[;；,，、]")
_PAIR_SEP = re.compile(r"[=＝]")
_TIER_SEP = re.compile(r"[:：]")


class CellFormatError(ValueError):
    """A compound cell that does not follow its pattern; the message says what was expected."""


def parse_number_text(text: str) -> int | float | None:
    """The number a text spells, or None if it is not a plain decimal number.

    >>> parse_number_text(" 12 "), parse_number_text("0.85"), parse_number_text("12,5")
    (12, 0.85, None)
    >>> parse_number_text("nan") is None
    True
    """
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    return float(text)


def number_or_text(text: str) -> Any:
    """A numeric text as a number; anything else unchanged (the builder judges it)."""
    number = parse_number_text(text)
    return text.strip() if number is None else number


def excel_scalar(value: Any) -> Any:
    """Normalise what python-calamine returns: integral floats become ints (so 20.0 reads
    as 20, as it was typed), dates become ISO text; text and booleans are kept as they are so
    the builder can reject them with the place."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return value.isoformat() if not isinstance(value, dt.timedelta) else str(value)
    if isinstance(value, str):
        return value.strip()
    return value


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def code_text(value: Any) -> Any:
    """A code or name cell: numbers typed in Excel (单位代码 1001) become their text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    return value.strip() if isinstance(value, str) else value


def format_number(value: float | int) -> str:
    """Shortest text of a number, without a trailing ``.0``.

    >>> format_number(1.0), format_number(0.85), format_number(7), format_number(1e-7)
    ('1', '0.85', '7', '1e-07')
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def format_scalar(value: Any) -> str:
    return format_number(value) if isinstance(value, int | float) else str(value)


def parse_pairs(text: str) -> dict[str, Any]:
    """``A=1;B=0.85`` → ``{"A": 1, "B": 0.85}`` (numbers parsed, other values kept as text).

    >>> parse_pairs("优秀=100；称职=80")
    {'优秀': 100, '称职': 80}
    """
    result: dict[str, Any] = {}
    for part in _ITEM_SEP.split(text):
        if not part.strip():
            continue
        pieces = _PAIR_SEP.split(part)
        if len(pieces) != 2 or not pieces[0].strip():
            raise CellFormatError(f"「{part.strip()}」应写成「标签=数值」，多项用分号隔开")
        label = pieces[0].strip()
        if label in result:
            raise CellFormatError(f"标签「{label}」重复")
        result[label] = number_or_text(pieces[1])
    return result


def format_pairs(mapping: Mapping[str, Any]) -> str:
    return ";".join(f"{label}={format_scalar(value)}" for label, value in mapping.items())


def parse_list(text: str) -> list[str]:
    """``优秀;称职`` → ``["优秀", "称职"]``.

    >>> parse_list("democratic, process；target")
    ['democratic', 'process', 'target']
    """
    return [part.strip() for part in _LIST_SEP.split(text) if part.strip()]


def format_list(items: Iterable[Any]) -> str:
    return ";".join(format_scalar(item) for item in items)


def parse_tiers(text: str) -> list[list[Any]]:
    """``1:1;0.9:0.8`` → ``[[1, 1], [0.9, 0.8]]`` (threshold, fraction).

    >>> parse_tiers("1.0:1.0；0.9：0.8")
    [[1.0, 1.0], [0.9, 0.8]]
    """
    tiers: list[list[Any]] = []
    for part in _ITEM_SEP.split(text):
        if not part.strip():
            continue
        pieces = _TIER_SEP.split(part)
        if len(pieces) != 2:
            raise CellFormatError(f"「{part.strip()}」应写成「阈值:比例」，多档用分号隔开")
        tiers.append([number_or_text(pieces[0]), number_or_text(pieces[1])])
    return tiers


def format_tiers(tiers: Iterable[Iterable[Any]]) -> str:
    return ";".join(":".join(format_scalar(x) for x in tier) for tier in tiers)


def mark_text(value: Any) -> str | None:
    """One YAML mark as the ``option`` text of the long ballot format.

    >>> mark_text(85.5), mark_text(100), mark_text("优秀"), mark_text({"德": "优秀", "能": "称职"})
    ('85.5', '100', '优秀', '德=优秀;能=称职')
    """
    if value is None:
        return None
    if isinstance(value, Mapping):
        return format_pairs(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    return str(value)
