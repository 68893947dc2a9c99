"""slacode: service-level agreements between marketing and sales, written as code.

```python
import slacode
agreement = slacode.load("specs/northwind.sla")       # or slacode.loads(text)
result = agreement.evaluate(events, as_of=when)        # pure: no clock, no I/O
result.verdicts, result.diagnostics
```

The public API is the names in ``__all__``; they are imported on first use so that
``import slacode`` stays cheap for services that only need part of it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = [
    "Agreement",
    "Calendar",
    "CalendarError",
    "Diagnostic",
    "Due",
    "DueList",
    "Event",
    "EventErrors",
    "EventInputError",
    "InvalidAsOfError",
    "MissingOffsetError",
    "Result",
    "SlacodeError",
    "SpecError",
    "UnknownZoneError",
    "Verdict",
    "format",
    "lint",
    "load",
    "loads",
    "read_events",
]

_WHERE = {
    "Agreement": "slacode.model",
    "Calendar": "slacode.calendar",
    "CalendarError": "slacode.calendar",
    "Result": "slacode.evaluate",
    "Verdict": "slacode.verdict",
    "Diagnostic": "slacode.diagnostics",
    "Due": "slacode.report.due",
    "DueList": "slacode.report.due",
    "SpecError": "slacode.diagnostics",
    "SlacodeError": "slacode.errors",
    "Event": "slacode.events",
    "EventInputError": "slacode.events",
    "EventErrors": "slacode.evaluate",
    "InvalidAsOfError": "slacode.timestamps",
    "MissingOffsetError": "slacode.timestamps",
    "UnknownZoneError": "slacode.timestamps",
    "read_events": "slacode.events",
    "format": "slacode.fmt",
    "lint": "slacode.api",
    "load": "slacode.api",
    "loads": "slacode.api",
}

if TYPE_CHECKING:  # pragma: no cover
    from slacode.api import lint, load, loads
    from slacode.calendar import Calendar, CalendarError
    from slacode.diagnostics import Diagnostic, SpecError
    from slacode.evaluate import EventErrors, Result
    from slacode.timestamps import InvalidAsOfError, MissingOffsetError, UnknownZoneError
    from slacode.verdict import Verdict
    from slacode.events import Event, EventInputError, read_events
    from slacode.model import Agreement
    from slacode.report.due import Due, DueList


#: Public submodules, imported on first use too (``slacode.diff.impact(…)`` after ``import slacode``).
_SUBMODULES = frozenset(("calendar", "diff", "events", "explain", "fmt", "report", "testing"))


if not TYPE_CHECKING:
    # Hidden from type checkers: they see the names imported above and nothing else, so a
    # misspelt `slacode.laod` is an error for them, not `Any`.
    def __getattr__(name: str) -> object:
        import importlib

        if name in _SUBMODULES:
            return importlib.import_module(f"slacode.{name}")   # (the import binds it here)
        module = _WHERE.get(name)
        if module is None:
            raise AttributeError(f"module 'slacode' has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    # the public names and the module's own dunders, not the helpers of this file
    # (`annotations`, `TYPE_CHECKING`) that importing for type checking leaves behind
    return sorted({n for n in globals() if n.startswith("__")} | set(__all__))
