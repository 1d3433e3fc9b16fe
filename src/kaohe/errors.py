"""Input errors: every problem of a document, each with the place it was found.

Readers (YAML/JSON/CSV/Excel) know places (file, sheet, row, column); the builder knows
paths in the document (``("plan", "categories", 0, "points")``). A reader hands the builder a
``Locate`` function that turns a path into a place a person can find, so one validator serves
every format and every message says where.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

PathPart = str | int
Path = tuple[PathPart, ...]
Locate = Callable[[Path], str]


def yaml_path(path: Path) -> str:
    """The dotted YAML path of a document path.

    >>> yaml_path(("plan", "categories", 0, "sections", 1, "points"))
    'plan.categories[0].sections[1].points'
    >>> yaml_path(())
    '(document)'
    """
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where it is and what was expected."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class InputError(Exception):
    """Invalid input (exit status 2). Carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
