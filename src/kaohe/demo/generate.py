"""One year of the demo county: three plans on one organisation, from one seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from kaohe.demo import plan_cadres, plan_units, plan_villages
from kaohe.demo.county import County, build_county


@dataclass(frozen=True, slots=True)
class DemoPlan:
    """A raw document and what the generator planted in it, so tests can look for it."""

    raw: dict[str, Any]
    planted: dict[str, Any]


def generate(seed: int = 2025) -> tuple[County, list[DemoPlan]]:
    master = random.Random(seed)
    county = build_county(master)
    plans = []
    # Each plan draws from its own stream, so changing one plan leaves the others as they were.
    for module in (plan_units, plan_cadres, plan_villages):
        rng = random.Random(master.getrandbits(64))
        raw, planted = module.document(county, rng)
        plans.append(DemoPlan(raw, planted))
    return county, plans


def demo_documents(seed: int = 2025) -> list[dict[str, Any]]:
    """The demo county's year: one raw document per plan (units, cadres, villages).

    Raw documents have the YAML shape of workbook.md; ballots come as `data.ballot_marks`, a
    polars DataFrame in the ballots.csv long format. The same seed gives the same documents.
    """
    return [plan.raw for plan in generate(seed)[1]]
