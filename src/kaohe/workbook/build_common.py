"""Shared checks of the document builder: a problem collector and value readers."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from kaohe.errors import Locate, Path, Problem, yaml_path


class Problems:
    """Collects every problem with its place; the builder raises them all at once."""

    def __init__(self, locate: Locate | None) -> None:
        self.locate: Locate = locate or yaml_path
        self.items: list[Problem] = []

    def add(self, path: Path, message: str) -> None:
        self.items.append(Problem(self.locate(path), message))

    # ---- readers: each returns the value or None after reporting what was expected ----

    def mapping(self, value: Any, path: Path, what: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.add(path, f"{what}应为映射（键: 值），实为 {_show(value)}")
        return None

    def items_list(self, value: Any, path: Path, what: str) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, list | tuple):
            return list(value)
        self.add(path, f"{what}应为列表，实为 {_show(value)}")
        return []

    def code(self, node: Mapping[str, Any], path: Path, key: str = "code") -> str | None:
        value = node.get(key)
        if (
            isinstance(value, bool)
            or value is None
            or (isinstance(value, str) and not value.strip())
        ):
            self.add((*path, key), f"缺少 {key}（编码）")
            return None
        if isinstance(value, int | float):
            return _number_text(value)
        if not isinstance(value, str):
            self.add((*path, key), f"{key} 应为文本编码，实为 {_show(value)}")
            return None
        return value.strip()

    def text(
        self, node: Mapping[str, Any], path: Path, key: str, default: str | None = None
    ) -> str | None:
        value = node.get(key)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _number_text(value)
        self.add((*path, key), f"{key} 应为文本，实为 {_show(value)}")
        return default

    def number(
        self,
        value: Any,
        path: Path,
        what: str,
        *,
        low: float | None = None,
        high: float | None = None,
        low_open: bool = False,
    ) -> float | None:
        """A finite number (numeric strings count); reports booleans, NaN, inf and ranges."""
        number = parse_number(value)
        if number is None:
            self.add(path, f"{what}应为数值，实为 {_show(value)}")
            return None
        if low is not None and (number < low or (low_open and number == low)):
            bound = f"大于 {_number_text(low)}" if low_open else f"不小于 {_number_text(low)}"
            self.add(path, f"{what}应{bound}，实为 {_number_text(number)}")
            return None
        if high is not None and number > high:
            self.add(path, f"{what}应不大于 {_number_text(high)}，实为 {_number_text(number)}")
            return None
        return number

    # The stored columns are 32-bit integers on PostgreSQL: a larger count is an input error,
    # never a database failure.
    INT_MAX = 2_147_483_647

    def integer(
        self, value: Any, path: Path, what: str, *, low: int, high: int = INT_MAX
    ) -> int | None:
        number = self.number(value, path, what, low=low, high=high)
        if number is None:
            return None
        if number != int(number):
            self.add(path, f"{what}应为整数，实为 {_number_text(number)}")
            return None
        return int(number)


def parse_number(value: Any) -> float | None:
    """A finite float from a number or a numeric string; None for anything else.

    >>> parse_number("12.5"), parse_number(3), parse_number(True), parse_number("nan")
    (12.5, 3.0, None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _number_text(value: float | int) -> str:
    """A number as a person wrote it: 100 not 100.0.

    >>> _number_text(100.0), _number_text(62.5), _number_text(95)
    ('100', '62.5', '95')
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


number_text = _number_text


def _show(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"布尔值 {value}"
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, Mapping):
        return "映射"
    if isinstance(value, list | tuple):
        return "列表"
    return repr(value)


show = _show
