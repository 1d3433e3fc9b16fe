"""The light rule at boundary dates (docs/process.md, issue 5 item 4). Pure: no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kaohe.engine.process import light

DUE = date(2025, 6, 30)


def at(
    as_of: date,
    *,
    done: date | None = None,
    behind: bool = False,
    exempt: date | None = None,
    n: int = 7,
) -> tuple[str, str]:
    s = light(
        due_on=DUE, done_on=done, behind=behind, exempted_on=exempt, as_of=as_of, warning_days=n
    )
    return s.light, s.reason


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (DUE - timedelta(days=30), ("green", "on_schedule")),
        (DUE - timedelta(days=8), ("green", "on_schedule")),  # due in N + 1 days
        (DUE - timedelta(days=7), ("yellow", "due_soon")),  # due in N days
        (DUE - timedelta(days=1), ("yellow", "due_soon")),
        (DUE, ("yellow", "due_soon")),  # due today: not yet overdue
        (DUE + timedelta(days=1), ("red", "overdue")),  # one day overdue
        (DUE + timedelta(days=200), ("red", "overdue")),
    ],
)
def test_not_done(as_of: date, expected: tuple[str, str]) -> None:
    assert at(as_of) == expected


def test_n_is_a_setting() -> None:
    # With N = 3 (a county's setting), 4 days ahead is still green and 3 days ahead yellow.
    assert at(DUE - timedelta(days=4), n=3) == ("green", "on_schedule")
    assert at(DUE - timedelta(days=3), n=3) == ("yellow", "due_soon")
    # N = 0: only the due day itself is yellow.
    assert at(DUE - timedelta(days=1), n=0) == ("green", "on_schedule")
    assert at(DUE, n=0) == ("yellow", "due_soon")


def test_reported_behind_is_yellow_before_the_window() -> None:
    assert at(DUE - timedelta(days=60), behind=True) == ("yellow", "behind")
    # Inside the window the reason is the date; past the due date it is red whatever the report.
    assert at(DUE - timedelta(days=2), behind=True) == ("yellow", "due_soon")
    assert at(DUE + timedelta(days=1), behind=True) == ("red", "overdue")


def test_done_on_time() -> None:
    assert at(DUE - timedelta(days=20), done=DUE - timedelta(days=25)) == ("green", "done_on_time")
    assert at(DUE + timedelta(days=90), done=DUE) == ("green", "done_on_time")  # on the due day


def test_done_late() -> None:
    done = DUE + timedelta(days=1)
    assert at(DUE + timedelta(days=1), done=done) == ("yellow", "done_late")
    assert at(DUE + timedelta(days=100), done=done) == ("yellow", "done_late")
    # Before the completion date the milestone was still red: the rule looks at the as-of date.
    assert at(DUE + timedelta(days=1), done=DUE + timedelta(days=5)) == ("red", "overdue")


def test_exempted() -> None:
    exempt = DUE + timedelta(days=10)
    assert at(exempt, exempt=exempt) == ("exempt", "exempt")
    assert at(exempt - timedelta(days=1), exempt=exempt) == ("red", "overdue")
    # An exemption wins over a late completion (the milestone is left out altogether).
    assert at(exempt, done=DUE + timedelta(days=3), exempt=exempt) == ("exempt", "exempt")


def test_days_left() -> None:
    s = light(due_on=DUE, done_on=None, behind=False, exempted_on=None, as_of=DUE, warning_days=7)
    assert s.days_left == 0
    s = light(
        due_on=DUE, done_on=None, behind=False, exempted_on=None,
        as_of=DUE + timedelta(days=3), warning_days=7,
    )  # fmt: skip
    assert s.days_left == -3
