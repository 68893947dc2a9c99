"""Cold start: what ``import slacode`` + load + compile leaves out, and that nothing is lost.

Each test runs in a fresh interpreter (this one imported everything long ago), with this
checkout's ``src`` first on the path.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from tests.conftest import ROOT


def run(code: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, cwd=str(ROOT))
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_cold_load_does_not_import_asyncio():
    out = run("""
        import sys
        import slacode
        slacode.load("specs/northwind.sla").plan
        print(sorted(n for n in sys.modules if n == "asyncio" or n.startswith("asyncio.")))
    """)
    assert out.strip() == "[]"


def test_a_later_import_asyncio_is_the_complete_package():
    out = run("""
        import sys
        import slacode
        slacode.load("specs/northwind.sla")
        import asyncio
        import asyncio.coroutines

        async def three():
            return 3

        assert sys.modules["asyncio.coroutines"] is asyncio.coroutines
        assert asyncio.iscoroutinefunction(three)
        print(asyncio.run(three()))
    """)
    assert out.strip() == "3"


def test_deprecated_coroutines_are_still_coroutine_functions_after_slacode():
    out = run("""
        import slacode.model
        import asyncio
        from typing_extensions import deprecated

        @deprecated("old")
        async def old():
            return 1

        print(asyncio.iscoroutinefunction(old))
    """)
    assert out.strip() == "True"


def test_pydantic_validates_slacode_models_without_the_asyncio_import():
    out = run("""
        import sys
        from slacode import model as m
        d = m.Duration.model_validate({"hours": 4})
        print(d.compact(), "asyncio" in sys.modules)
    """)
    assert out.strip() == "4h False"


def test_asyncio_imported_first_is_left_alone():
    out = run("""
        import asyncio
        import slacode.model
        import sys
        print(sys.modules["asyncio"] is asyncio, type(asyncio).__name__)
    """)
    assert out.strip() == "True module"
