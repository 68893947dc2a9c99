"""The cyclic garbage collector, paused while slacode folds many events.

Records and folds hold dicts that are all kept until the work is done, and none of them is
garbage in a cycle: the collector, run every few hundred allocations, would only traverse
the growing lists again and again to find nothing (nearly half the time of reading a file's
records, a third of a time-ordered fold at 20,000 open leads). Anything cyclic left over is
collected as usual once the collector is back on. (Loading an agreement is not paused: its
collections cost too little to measure.)
"""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused_gc():
    """The cyclic collector off for the block, and on again after it if it was on (a
    caller that had turned it off keeps it off)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
