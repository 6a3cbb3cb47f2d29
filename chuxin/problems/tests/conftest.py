"""Each problems test sees the duplicate index as a new process would."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_process_memos() -> None:
    from chuxin.problems.duplicates import forget_indexed_units
    from chuxin.rectification.counters import forget_current

    forget_current()
    forget_indexed_units()
