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


def test_a_name_spelt_skip_is_parsed_as_a_name():
    # The parse loop once told "text skipped" from a token by ``tok == "skip"``; a Lark token
    # equals a plain string of the same text, so a name `skip` dropped its whole statement.
    from slacode import lint, loads

    text = 'agreement "x" {\n  version "1"\n}\nsegment skip = score >= 80\nsegment hot = skip and score < 99\n'
    agreement = loads(text)
    assert [s.name.value for s in agreement.of("segment")] == ["skip", "hot"]
    assert [d.code for d in lint(text) if d.severity == "error"] == []
