"""Run one command in a fresh process and measure its wall time and peak memory.

Peak memory is the child's own maximum resident set size as the kernel reports it on reaping
(`os.wait4`), which on Linux also covers any grandchildren it waited for. It does not cover
other processes the command talks to — notably the PostgreSQL server — so database figures
are the client's memory only.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

TAIL_LINES = 25
POLL_SECONDS = 0.01  # how often a running command is checked: well under the noise


@dataclass(frozen=True, slots=True)
class Run:
    """One run of a command."""

    command: tuple[str, ...]
    seconds: float
    peak_mb: float
    exit_status: int
    stdout: str  # last lines only
    stderr: str  # last lines only

    @property
    def ok(self) -> bool:
        return self.exit_status == 0


def _tail(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-TAIL_LINES:])


def run_once(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
) -> Run:
    """Run `command` to completion (killed after `timeout` seconds).

    Its output goes to temporary files, of which the last lines are kept."""
    with tempfile.TemporaryDirectory(prefix="kaohe-bench-") as tmp:
        out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            start = time.perf_counter()
            proc = subprocess.Popen(
                list(command),
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                env=None if env is None else dict(env),
                cwd=cwd,
            )
            # wait4 rather than proc.wait(): it hands back this child's own rusage, where
            # RUSAGE_CHILDREN would be the maximum over every child reaped so far. Polled, so
            # a hung command can be stopped after `timeout` seconds.
            timed_out = False
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if timeout is not None and time.perf_counter() - start > timeout:
                    proc.kill()
                    timed_out = True
                    _pid, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(POLL_SECONDS)
            seconds = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
        if timed_out:
            err.write_text(_tail(err) + f"\n[bench] 超时：{timeout:g} 秒后已终止", encoding="utf-8")
        return Run(
            command=tuple(command),
            seconds=seconds,
            peak_mb=usage.ru_maxrss / 1024,  # Linux reports kilobytes
            exit_status=proc.returncode,
            stdout=_tail(out),
            stderr=_tail(err),
        )


def best_of(
    command: Sequence[str],
    repeat: int,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
) -> Run:
    """The fastest of `repeat` runs (stopping at the first failure), with the highest peak
    memory seen in any of them — the time is a best case, the memory a worst case."""
    runs: list[Run] = []
    for _ in range(max(1, repeat)):
        run = run_once(command, env=env, cwd=cwd, timeout=timeout)
        runs.append(run)
        if not run.ok:
            return run
    return best_run(runs)


def best_run(runs: Sequence[Run]) -> Run:
    """The fastest of these runs of one command with the highest peak memory of them all, or
    the first failed run."""
    for run in runs:
        if not run.ok:
            return run
    best = min(runs, key=lambda r: r.seconds)
    peak = max(r.peak_mb for r in runs)
    return Run(best.command, best.seconds, peak, best.exit_status, best.stdout, best.stderr)
