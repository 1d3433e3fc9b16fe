"""Shared fixtures for the cross-app tests (they run on SQLite, and on PostgreSQL when
``DATABASE_URL`` points there: ``make test`` does both)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from factories import make_document
from kaohe.engine.model import Document

EXAMPLES = Path(__file__).parent / "data" / "examples"


@pytest.fixture
def document_factory() -> Callable[..., Document]:
    return make_document


def table_counts() -> dict[str, int]:
    """Row count of every table of the project's apps (to prove a failed load changed nothing)."""
    from django.apps import apps

    counts: dict[str, int] = {}
    for label in ("org", "plans", "evaluation", "results", "audit"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.db_table] = model.objects.count()
    return counts
