"""The garbage collector tuned for a web process: start-up objects frozen, the youngest generation collected
less often.

A page builds thousands of short-lived container objects (model instances, their state and field caches, DRF's
ordered dicts); with Python's default threshold (a collection every 700 net allocations) a 200-row API page ran
dozens of collections, each also walking what the young objects point to. The objects loaded at start-up
(modules, URL patterns, settings, model metadata: about 120,000) live as long as the process; ``gc.freeze()``
moves them out of every later collection. Measured on the bench data (100,000 households): the API's 200-row
household page 67 → 54 ms, the household list 14.8 → 13.2 ms. ``welfare.wsgi`` applies it once per server
process, and ``manage.py bench`` does the same so that it times the product as gunicorn runs it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def tune(threshold: int) -> None:
    """Freeze what is alive now and collect generation 0 every ``threshold`` allocations (0: Python's default
    threshold, still frozen). Reference counting still frees most objects at once; only cycles wait longer."""
    gc.collect()
    gc.freeze()
    if threshold > 0:
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(threshold, older, oldest)


@contextmanager
def tuned(threshold: int) -> Iterator[None]:
    """:func:`tune` for a block (the bench's timings), then Python's settings as they were."""
    before = gc.get_threshold()
    tune(threshold)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
