"""Fixtures for every app's tests under src/kaohe."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request through the language switch leaves its language active in the thread; the
    next test expects the default (Chinese) again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
