"""Run the benchmarks: ``python bench/run.py [NAME|all] [options]`` (``make bench``).

``tree`` loads the demo at scale and times the unit rollup; ``http`` serves the county demo
and drives it with wrk; ``study`` times the study records import, coverage and the dead-ends
report at province scale; ``rectification`` the ledger's overdue list, the root rollup, the
ledger export and the daily reminder sweep at province scale; ``dashboard`` the root's
dashboard page and JSON, wrk on the JSON and the daily snapshot at province scale. ``all``
(the default) runs them all. Options after the name go to that benchmark
(``python bench/run.py tree --help``). Benchmarks print figures; they are never part of the
test suite.
"""

from __future__ import annotations

import os
import sys

# Run as a script, Python puts bench/ first on the path, where http.py would shadow the
# standard library's http package: put the repository root there instead.
_BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _BENCH]
sys.path.insert(0, os.path.dirname(_BENCH))

from bench import dashboard, http, rectification, study, tree  # noqa: E402

BENCHMARKS = {
    "tree": tree.main,
    "http": http.main,
    "study": study.main,
    "rectification": rectification.main,
    "dashboard": dashboard.main,
}


def main(argv: list[str]) -> None:
    name, rest = (argv[0], argv[1:]) if argv and not argv[0].startswith("-") else ("all", argv)
    if name in ("-h", "--help") or name not in (*BENCHMARKS, "all"):
        print(__doc__)
        raise SystemExit(0 if name in ("-h", "--help") else 2)
    for bench_name, run in BENCHMARKS.items():
        if name in (bench_name, "all"):
            run(rest)


if __name__ == "__main__":
    main(sys.argv[1:])
