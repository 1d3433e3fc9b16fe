"""Locust users for `bench/voting.py` (issue 4): anonymous voters and a trivial baseline.

Run only by bench/voting.py, which starts the server, issues the codes and passes everything
through the environment:

  KAOHE_BENCH_PHASE     trivial | page | capacity | meeting
  KAOHE_BENCH_SETUP     JSON written by `voting.py setup`: paths, the ballot form, codes files
  KAOHE_BENCH_CODES     the codes file of this phase (capacity, meeting), one code a line
  KAOHE_BENCH_REQUESTS  trivial, page: how many requests in all
  KAOHE_BENCH_SUMMARY   where this process writes its own figures (JSON)

Every phase is bounded by count: the trivial users stop after KAOHE_BENCH_REQUESTS requests in
all, the voters use the codes of the file (each once), and when the last of them is taken and
finished the run quits by itself; `--run-time` and the parent's timeout are the
hard limits behind that. Figures are taken from the request events (exact percentiles over
every request, throughput = requests / time from the first request's start to the last one's
end) rather than from locust's rounded buckets.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser
from voting_figures import Sample, marks_for, summarise

PHASE = os.environ.get("KAOHE_BENCH_PHASE", "trivial")
SETUP: dict[str, Any] = (
    json.loads(Path(os.environ["KAOHE_BENCH_SETUP"]).read_text(encoding="utf-8"))
    if os.environ.get("KAOHE_BENCH_SETUP")
    else {}
)
CODES_FILE = os.environ.get("KAOHE_BENCH_CODES", "")
TRIVIAL_REQUESTS = int(os.environ.get("KAOHE_BENCH_REQUESTS", "2000"))
SUMMARY = os.environ.get("KAOHE_BENCH_SUMMARY", "")
START_PATH = "/v/"
FORM_PATH = "/api/vote/form"
CAST_PATH = "/api/vote/ballots"
RECEIPT_LENGTH = 19  # XXXX-XXXX-XXXX-XXXX


def _codes() -> list[str]:
    if not CODES_FILE:
        return []
    return Path(CODES_FILE).read_text(encoding="utf-8").split()


# One locust process, gevent: the users share these without locks (no preemption between
# greenlets except at I/O).
CODES = _codes()
BASELINES = ("trivial", "page")  # phases of TrivialUser: one path requested back to back
_work = {"left": TRIVIAL_REQUESTS if PHASE in BASELINES else len(CODES), "busy": 0}
_samples: list[Sample] = []
_environment: Any = None


@events.init.add_listener
def _init(environment: Any, **_: Any) -> None:
    global _environment
    _environment = environment


@events.request.add_listener
def _record(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    exception: BaseException | None = None,
    start_time: float | None = None,
    **_: Any,
) -> None:
    started = start_time if start_time is not None else time.time() - response_time / 1000
    error = "" if exception is None else f"{type(exception).__name__}: {exception}"[:200]
    _samples.append((name, started, response_time, exception is None, error))


@events.quitting.add_listener
def _write_summary(environment: Any, **_: Any) -> None:
    if not SUMMARY:
        return
    figures = summarise(_samples) | {"phase": PHASE}
    Path(SUMMARY).write_text(json.dumps(figures, indent=2), encoding="utf-8")


def _take() -> int | None:
    """One unit of the phase's work (a trivial request, a code), or None when all is taken."""
    if _work["left"] <= 0:
        return None
    _work["left"] -= 1
    _work["busy"] += 1
    return _work["left"]


def _finish() -> None:
    _work["busy"] -= 1
    _stop_if_done()


def _stop_if_done() -> None:
    """Once every unit is taken and finished, end the run: bounded by count (locust tops up
    users that stopped while it is still spawning, so counting users would not do)."""
    if _work["left"] <= 0 and _work["busy"] == 0:
        runner = getattr(_environment, "runner", None)
        if runner is not None:
            gevent.spawn_later(0.1, runner.quit)


class TrivialUser(FastHttpUser):
    """The baseline: one path (``trivial``: /healthz, a tiny view; ``page``: the log-in page)
    requested back to back until TRIVIAL_REQUESTS have been sent by all users together."""

    wait_time = constant(0)
    path = SETUP.get("trivial_paths", {}).get(PHASE, "/healthz")

    @task
    def trivial(self) -> None:
        if _take() is None:
            _stop_if_done()
            raise StopUser()
        try:
            with self.client.get(self.path, name=PHASE, catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")
        finally:
            _finish()


class Voter(FastHttpUser):
    """One phone doing what the ballot page's script does (vote.js, docs/voting.md): opens the
    start page once, then per ballot posts the code to /api/vote/form (→ the group's form as
    JSON, from which the script draws the ballot) and the filled-in ballot to
    /api/vote/ballots (→ the receipt); the confirmation step is the script's, no request.
    `capacity` voters do that back to back with fresh codes until none are left; `meeting`
    voters vote once, filling the ballot in for a while. Static files (vote.js, the CSS) are
    not requested: a deployment serves them from the web server in front of gunicorn (DEBUG
    off, Django serves none) and the phone caches them."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random(id(self))
        self.once = PHASE == "meeting"
        self.ready = False
        # A meeting voter holds its code from the start; a user locust tops up after every
        # code was taken is no voter and sends nothing.
        self.held = _take() if self.once else None
        if _work["left"] <= 0 and self.held is None:
            _stop_if_done()
            raise StopUser()
        with self.client.get(START_PATH, name="start", catch_response=True) as response:
            if response.status_code != 200 or 'id="code-form"' not in (response.text or ""):
                response.failure(f"HTTP {response.status_code}: no start page")
            else:
                self.ready = True

    def _post(
        self, path: str, name: str, payload: dict[str, Any], status: int, check: Check
    ) -> Any:
        """POST ``payload`` as JSON; the answer's JSON, or None after recording a failure (a
        wrong status, not JSON, or what ``check`` finds wrong with it)."""
        with self.client.post(path, json=payload, name=name, catch_response=True) as response:
            text = response.text or ""
            if response.status_code != status:
                response.failure(f"HTTP {response.status_code}: {text[-160:]}")
                return None
            try:
                answer = json.loads(text)
            except ValueError:
                response.failure(f"{name}: not JSON")
                return None
            problem = check(answer)
            if problem:
                response.failure(f"{name}: {problem}")
                return None
            return answer

    @task
    def vote(self) -> None:
        index = self.held if self.once else _take()
        if index is not None and not self.ready:  # no start page, no ballot: give it back
            _finish()
            index = None
        if index is None:
            _stop_if_done()
            raise StopUser()
        try:
            self._ballot(CODES[index])
        finally:
            _finish()
        if self.once:
            raise StopUser()

    def _ballot(self, code: str) -> None:
        form = self._post(FORM_PATH, "form", {"code": code}, 200, _whole_form)
        if form is None:
            return
        if self.once:
            gevent.sleep(self.rng.uniform(*SETUP["reading_seconds"]))
        marks = [{"assessee": a, "value": o} for a, o in marks_for(SETUP["form"], self.rng).items()]
        self._post(CAST_PATH, "ballot", {"code": code, "marks": marks}, 201, _receipt)


Check = Callable[[Any], str | None]


def _whole_form(answer: Any) -> str | None:
    if len(answer.get("assessees", ())) != len(SETUP["form"]["assessees"]):
        return "a form without the group's assessees"
    return None


def _receipt(answer: Any) -> str | None:
    if len(str(answer.get("receipt", ""))) != RECEIPT_LENGTH:
        return "an answer without a receipt"
    return None


# Only the phase's own user class is offered to locust.
if PHASE in BASELINES:
    del Voter
else:
    del TrivialUser
