"""The voting benchmark's own pieces: the simulated ballot, the figures, the verdict."""

from __future__ import annotations

import random

import voting
import voting_figures
from voting_figures import marks_for, summarise

FORM = {
    "assessees": [f"U{i:02d}" for i in range(52)],
    "options": ["满意", "比较满意", "基本满意", "不满意"],
    "top": "满意",
    "top_limit": 15,
}


def test_simulated_ballots_are_never_void() -> None:
    rng = random.Random(1)
    for _ in range(200):
        marks = marks_for(FORM, rng)
        assert list(marks) == FORM["assessees"]  # every assessee in scope, once
        assert set(marks.values()) <= set(FORM["options"])
        assert sum(option == "满意" for option in marks.values()) <= 15


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert voting_figures._percentile(values, 0.95) == 95.0
    assert voting_figures._percentile(values, 0.99) == 99.0
    assert voting_figures._percentile(values, 0.5) == 50.0
    assert voting_figures._percentile([7.0], 0.99) == 7.0
    assert voting_figures._percentile([], 0.95) is None


def test_summary_counts_errors_and_throughput() -> None:
    # 10 requests over 2 s (first starts at 100.0, last ends at 102.0), one failed
    samples = [("code", 100.0 + i * 0.2, 10.0 * (i + 1), True, "") for i in range(9)]
    samples.append(("confirm", 101.9, 100.0, False, "HTTP 409"))
    figures = summarise(samples)
    assert figures["all"]["requests"] == 10
    assert figures["all"]["errors"] == 1
    assert figures["all"]["error_kinds"] == {"HTTP 409": 1}
    assert abs(figures["all"]["seconds"] - 2.0) < 1e-9
    assert abs(figures["all"]["per_second"] - 5.0) < 1e-9
    assert figures["by_name"]["code"]["max_ms"] == 90.0
    assert figures["by_name"]["confirm"]["errors"] == 1


def _phase(name: str, per_second: float, p95: float, errors: int = 0) -> voting.Phase:
    figures = {"requests": 100, "errors": errors, "per_second": per_second, "p95_ms": p95}
    return voting.Phase(name, {"all": figures, "by_name": {"ballot": {"per_second": 3.0}}})


def test_verdict_against_the_goals() -> None:
    phases = {
        "trivial": _phase("trivial", 400.0, 900.0),
        "capacity": _phase("capacity", 130.0, 2000.0),
        "meeting": _phase("meeting", 50.0, 120.0),
    }
    verdict = voting.verdict(phases)
    assert abs(verdict["ratio"] - 0.325) < 1e-9
    assert verdict["ratio_met"] and verdict["p95_met"] and verdict["errors_met"]
    assert verdict["ballots_per_second"] == 3.0
    phases["meeting"] = _phase("meeting", 50.0, 300.0, errors=1)
    phases["capacity"] = _phase("capacity", 110.0, 2000.0)
    verdict = voting.verdict(phases)
    assert not verdict["p95_met"]  # 300 ms is not under 300 ms
    assert not verdict["errors_met"] and verdict["errors"] == 1
    assert not verdict["ratio_met"]


def test_verdict_reports_the_page_reference_and_the_cpu_ratio() -> None:
    phases = {
        "trivial": _phase("trivial", 1000.0, 50.0),
        "page": _phase("page", 400.0, 90.0),
        "capacity": _phase("capacity", 200.0, 2000.0),
        "meeting": _phase("meeting", 40.0, 120.0),
    }
    phases["trivial"].cpu_ms = {"django": 0.5, "postgres": 0.0, "locust": 0.5}
    phases["capacity"].cpu_ms = {"django": 4.0, "postgres": 1.0, "locust": 1.0}
    verdict = voting.verdict(phases)
    assert abs(verdict["ratio"] - 0.2) < 1e-9 and not verdict["ratio_met"]
    assert abs(verdict["ratio_to_page"] - 0.5) < 1e-9
    # server CPU (Django + PostgreSQL, not the load generator): 0.5 ms against 5 ms
    assert abs(verdict["cpu_ratio"] - 0.1) < 1e-9
    assert "cpu django" in voting.table(list(phases.values()))


def test_cpu_of_a_process_is_read_from_proc() -> None:
    import os

    assert voting._cpu(os.getpid()) > 0.0
    assert voting._cpu(2**22 + 12345) == 0.0  # no such process: nothing, no error
