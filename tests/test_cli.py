"""The ``kaohe`` command line, in process through ``cli.main`` (exit codes, output, errors)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLES, table_counts
from kaohe import cli
from kaohe.audit.models import AuditRecord
from kaohe.plans.models import Plan

pytestmark = pytest.mark.django_db

EXAMPLE = EXAMPLES / "example-1003.yaml"
PLAN = "2023-annual"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_results_needs_a_loaded_and_computed_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "results", PLAN)
    assert (code, out) == (1, "")
    assert f"没有考核方案 {PLAN}" in err
    assert run(capsys, "load", str(EXAMPLE))[0] == 0
    code, out, err = run(capsys, "results", PLAN)
    assert (code, out) == (1, "")
    assert "尚未计算" in err


def test_compute_unknown_plan_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "compute", "no-such-plan")
    assert code == 1
    assert err.count("\n") == 1  # one short line, no traceback
    assert "no-such-plan" in err


def test_unexpected_failure_exits_1_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import kaohe.plans.services as services

    def broken(**kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(services, "plan_load", broken)
    code, _, err = run(capsys, "load", str(EXAMPLE))
    assert code == 1
    assert err == "kaohe: OSError: disk full\n"


def test_score_writes_the_same_text_to_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, printed, _ = run(capsys, "score", str(EXAMPLE))
    assert code == 0
    out = tmp_path / "results.json"
    assert run(capsys, "score", str(EXAMPLE), "-o", str(out)) == (0, "", "")
    assert out.read_text(encoding="utf-8") == printed


def test_xlsx_needs_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "score", str(EXAMPLE), "--format", "xlsx")
    assert code == 2
    assert "-o" in err


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_load_compute_results_prints_what_score_prints(
    capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    code, scored, _ = run(capsys, "score", str(EXAMPLE), "--format", fmt)
    assert code == 0 and scored
    assert run(capsys, "load", str(EXAMPLE))[0] == 0
    assert run(capsys, "compute", PLAN)[0] == 0
    code, stored, err = run(capsys, "results", PLAN, "--format", fmt)
    assert (code, err) == (0, "")
    assert stored == scored


def test_loading_twice_replaces(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "load", str(EXAMPLE))[0] == 0
    once = table_counts()
    assert run(capsys, "load", str(EXAMPLE))[0] == 0
    twice = table_counts()
    audit = "audit_auditrecord"
    assert twice.pop(audit) == once.pop(audit) + 1
    assert twice == once
    assert Plan.objects.count() == 1
    assert AuditRecord.objects.filter(action="plan_load").count() == 2


def _bad_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


BAD_INPUTS: list[tuple[str, str, str]] = [
    # A section's points no longer add up to the category's full score.
    (
        "name: 目标考核\n      points: 60",
        "name: 目标考核\n      points: 61",
        "plan.categories[0].sections",
    ),
    # A ballot for an evaluation that does not exist.
    ("- evaluation: di1\n", "- evaluation: nope\n", "data.ballots[0]"),
]


@pytest.mark.parametrize(("old", "new", "place"), BAD_INPUTS)
def test_bad_file_exits_2_names_the_place_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, old: str, new: str, place: str
) -> None:
    assert run(capsys, "load", str(EXAMPLE))[0] == 0  # something stored already
    before = table_counts()
    bad = _bad_copy(tmp_path, old, new)
    code, out, err = run(capsys, "load", str(bad))
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines, "every problem is reported"
    assert all(line.startswith(f"{bad}: ") for line in lines), err
    assert any(place in line for line in lines), err
    assert table_counts() == before


def test_missing_file_is_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "load", str(tmp_path / "missing.yaml"))
    assert code in (1, 2)
    assert "missing.yaml" in err


@pytest.mark.parametrize("example", ["example-1001", "example-1005"])
@pytest.mark.parametrize("suffix", [".xlsx", ".yaml", ".json"])
def test_a_stored_plan_exports_and_reimports_to_identical_results(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, example: str, suffix: str
) -> None:
    source = str(EXAMPLES / f"{example}.yaml")
    code, expected, _ = run(capsys, "score", source)
    assert code == 0
    plan = "2025-annual" if example == "example-1001" else "2025-cadres"
    assert run(capsys, "load", source)[0] == 0
    exported = tmp_path / f"exported{suffix}"
    code, out, err = run(capsys, "export", plan, "-o", str(exported))
    assert code == 0, err
    files = [line.removeprefix("已导出 ") for line in out.splitlines()]
    assert files[0] == str(exported)
    code, again, err = run(capsys, "score", *files)
    assert code == 0, err
    assert again == expected


def test_export_of_an_unknown_plan_or_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(capsys, "export", "nope", "-o", str(tmp_path / "x.xlsx"))[0] == 1
    code, _, err = run(capsys, "export", "nope", "-o", str(tmp_path / "x.txt"))
    assert code == 2 and ".xlsx" in err
