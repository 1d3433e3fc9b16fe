"""The demo county's evaluations run through the voting flow, and the count is scoring.md §4.

For each demo plan: loaded without ballots (drafts), opened, codes issued, most ballots cast
online with ``casting.cast_ballot``, the void ones and a share of the others typed by a clerk
or imported from a file as paper ballots, closed and counted (``kaohe.demo.voting``). Then:

- ``kaohe export`` of the counted plan, scored with ``kaohe score`` (no database), prints byte
  for byte what ``kaohe results`` prints for the stored computation;
- and those results are the ones the generator's own document scores to, so the flow lost,
  added or changed no ballot on the way (online, typed or imported).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from kaohe import cli
from kaohe.demo import demo_documents
from kaohe.demo.voting import demo_load
from kaohe.engine import score
from kaohe.engine.model import Document
from kaohe.evaluation.models import Ballot, Evaluation, PaperBatch, SealedBallot, VotingCode
from kaohe.workbook.build import build_document

pytestmark = pytest.mark.django_db

PLANS = ("2025-units", "2025-cadres", "2025-villages")


@pytest.fixture(scope="module")
def documents() -> dict[str, Document]:
    built = (build_document(raw) for raw in demo_documents())
    return {document.plan.code: document for document in built}


def _channels(plan: str) -> Counter[str]:
    rows = Ballot.objects.filter(evaluation__plan__code=plan).values_list("channel", flat=True)
    return Counter(rows)


@pytest.mark.parametrize("plan", PLANS)
def test_counted_results_equal_kaohe_score(
    plan: str,
    documents: dict[str, Document],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = documents[plan]
    results, stats = demo_load([document], actor="test")

    # The flow ran: every evaluation with ballots counted, most ballots online.
    evaluations = list(Evaluation.objects.filter(plan__code=plan))
    with_ballots = set(document.marks.get_column("evaluation").unique().to_list())
    assert {e.code for e in evaluations if e.status == Evaluation.Status.COUNTED} == with_ballots
    channels = _channels(plan)
    ballots = document.marks.select("evaluation", "ballot").n_unique()
    assert sum(channels.values()) == ballots
    assert set(channels) == {Ballot.Channel.ONLINE, Ballot.Channel.PAPER}
    # (a majority but in the villages plan, whose 村民代表 forms are paper, imported as a file)
    assert channels[Ballot.Channel.ONLINE] > ballots / (4 if plan == "2025-villages" else 2)
    assert channels[Ballot.Channel.ONLINE] == stats.online
    assert channels[Ballot.Channel.PAPER] == stats.typed + stats.imported
    assert stats.paper_void > 0  # void ballots came on paper: the page refuses them
    # One code, one ballot; the unused slips are still issued, their slots still empty.
    used = VotingCode.objects.filter(evaluation__plan__code=plan, state=VotingCode.State.USED)
    assert used.count() == stats.online
    unused = VotingCode.objects.filter(evaluation__plan__code=plan, state=VotingCode.State.ISSUED)
    assert unused.count() == stats.codes_issued - stats.online > 0
    empty = SealedBallot.objects.filter(evaluation__plan=evaluations[0].plan, cast=False)
    assert empty.count() == unused.count()
    committed = PaperBatch.objects.filter(evaluation__plan__code=plan)
    assert committed.exclude(state=PaperBatch.State.COMMITTED).count() == 0

    # kaohe export → kaohe score equals kaohe results, byte for byte.
    assert cli.main(["export", plan, "-o", str(tmp_path / "plan.yaml")]) == 0
    capsys.readouterr()
    # the document first, then its ballots.csv when the marks did not fit YAML ballots
    files = sorted(tmp_path.iterdir(), key=lambda path: path.name != "plan.yaml")
    assert files[0].name == "plan.yaml"
    assert cli.main(["score", *map(str, files)]) == 0
    scored = capsys.readouterr().out
    assert cli.main(["results", plan]) == 0
    stored = capsys.readouterr().out
    assert stored == scored
    assert json.loads(stored) == results[0]

    # The generator's document, scored as it was written, gives the same results.
    assert score(document).to_dict() == results[0]
