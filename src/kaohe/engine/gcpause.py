"""`gc_paused()`: no cyclic garbage collection while a large result is built.

Scoring a province builds hundreds of thousands of result objects (and `Results.to_dict`
as many dicts) next to the document's millions of long-lived ones. Each allocation burst
makes CPython's collector walk the whole heap again (a full collection whenever the new
objects reach a quarter of the old ones), about a third of the CPU time of scoring and
most of `to_dict`'s, for nothing: these objects form no reference cycles, and reference
counting frees them. The collector is switched back on (if it was on) on the way out, the
objects built meanwhile already in its oldest generation (`_promote_young`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block, restoring its previous state after.

    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            _promote_young()
            gc.enable()


def _promote_young() -> None:
    """Move every tracked object to the oldest generation without examining it.

    Otherwise the first collections after the pause walk the hundreds of thousands of
    objects just built (and whatever else is young, such as a document just read), several
    times over as they age, only to find them all alive. `gc.freeze()` then `gc.unfreeze()`
    does it by two list splices; it is skipped when something else (a server preloading its
    app, say) keeps objects frozen, as the unfreeze would release those too.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
