"""The cyclic garbage collector, paused while slacode folds many events.

Records and folds hold dicts that are all kept until the work is done, and none of them is
garbage in a cycle: the collector, run every few hundred allocations, would only traverse
the growing lists again and again to find nothing (nearly half the time of reading a file's
records, a third of a time-ordered fold at 20,000 open leads). Anything cyclic left over is
collected as usual once the collector is back on. (Loading an agreement is not paused: its
collections cost too little to measure.)

The collector is the whole process's: it is paused only while no other thread runs, so a
service whose nightly evaluation runs beside threads answering requests leaves their
garbage to be collected as usual (the evaluation is then slower, not the service).
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager


@contextmanager
def paused_gc():
    """The cyclic collector off for the block when this is the process's only thread, and
    on again after it if it was on (a caller that had turned it off keeps it off)."""
    if threading.active_count() > 1 or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
