"""The organization tree at scale: demo load time and memory, rollup latency per level.

For each configuration (by default the province on PostgreSQL and the city on SQLite), in a
fresh database: time ``chuxin demo`` and take its peak memory, then time
``chuxin.organization.selectors.unit_figures`` (the rollup the unit pages show) for the root,
a city, a county and a leaf, as the office user.

    python bench/run.py tree                          # both default configurations
    python bench/run.py tree --scale city --db sqlite # one of them
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from typing import Any

# Run as a script, Python puts bench/ first on the path, where http.py would shadow the
# standard library's http package: put the repository root there instead.
_BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _BENCH]
sys.path.insert(0, os.path.dirname(_BENCH))

from bench.common import (  # noqa: E402
    CHUXIN,
    env_for,
    fresh_postgres,
    fresh_sqlite,
    migrate,
    run_child,
    table,
    verdict,
)

DEFAULT_CONFIGS = (("province", "postgres"), ("city", "sqlite"))
# The brief's targets: the province on PostgreSQL in 3 minutes, the county on SQLite in 30 s.
LOAD_TARGET_S = {"province": 180.0, "county": 30.0}
MEMORY_TARGET_MIB = 2048.0
MEDIAN_TARGET_MS = 5.0
# The phases of `chuxin demo` that load the organization itself (units, members, the
# campaign, the membership rollup); the others belong to other capabilities' demo data.
ORGANIZATION_PHASES = {"plan", "units", "members", "campaign and users", "rollup: membership"}


def parse_phases(output: str) -> dict[str, float]:
    """The phases `chuxin demo` reports: ``(plan 1.0s, units 1.5s, ...)`` → seconds each."""
    match = re.search(r"in [\d.]+s \((.*)\)\.\s*$", output.strip().splitlines()[0])
    if not match:
        return {}
    phases = {}
    for part in match.group(1).split(", "):
        name, _, seconds = part.rpartition(" ")
        phases[name] = float(seconds.rstrip("s"))
    return phases


def measure_latency(calls: int, warmup: int) -> dict[str, Any]:
    """In a child with DATABASE_URL set: time unit_figures for four units (as JSON)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    from chuxin.core.models import User
    from chuxin.core.scoping import forget_scope
    from chuxin.organization.models import Unit
    from chuxin.organization.selectors import unit_figures

    office = User.objects.get(username="office")
    county = Unit.objects.get(code="LN0101")
    leaf = (
        Unit.objects.filter(path__startswith=county.path, numchild=0)
        .order_by("-depth", "path")
        .first()
    )
    assert leaf is not None
    targets = [
        ("root", Unit.objects.get(code="LN")),
        ("city", Unit.objects.get(code="LN01")),
        ("county", county),
        ("leaf", leaf),
    ]
    results: dict[str, Any] = {"vendor": connection.vendor, "units": {}}
    for label, unit in targets:
        samples: dict[str, list[float]] = {"cached scope": [], "with scope lookup": []}
        for _ in range(warmup):
            unit_figures(office, unit.pk)
        for _ in range(calls):
            start = time.perf_counter()
            figures = unit_figures(office, unit.pk)
            samples["cached scope"].append((time.perf_counter() - start) * 1000)
        for _ in range(calls):
            forget_scope(office)
            start = time.perf_counter()
            unit_figures(office, unit.pk)
            samples["with scope lookup"].append((time.perf_counter() - start) * 1000)
        results["units"][label] = {
            "code": unit.code,
            "name": unit.name,
            "depth": unit.depth,
            "subtree_members": figures.subtree_members,
            "subtree_units": figures.subtree_units,
            **{
                kind: {
                    "median": statistics.median(values),
                    "p95": statistics.quantiles(values, n=20)[-1],
                }
                for kind, values in samples.items()
            },
        }
    return results


def bench_one(scale: str, db: str, *, calls: int, warmup: int) -> list[list[str]]:
    """Load ``scale`` into a fresh ``db`` database and measure; returns the rows to print."""
    name = f"chuxin_bench_{scale}"
    url = fresh_postgres(name) if db == "postgres" else fresh_sqlite(name)
    env = env_for(url)
    print(f"\n== {scale} scale on {db} ({url})", flush=True)
    migrate(env)
    load = run_child([CHUXIN, "demo", "--scale", scale, "--no-progress"], env)
    print(load.stdout.strip(), flush=True)
    latency_run = run_child(
        [sys.executable, "-m", "bench.tree", "--measure-latency", "--calls", str(calls),
         "--warmup", str(warmup)],
        env,
    )  # fmt: skip
    latency = json.loads(latency_run.stdout.strip().splitlines()[-1])

    phases = parse_phases(load.stdout)
    organization = sum(v for k, v in phases.items() if k in ORGANIZATION_PHASES)
    load_target = LOAD_TARGET_S.get(scale)
    figures = [
        [
            "demo load, organization: units, members, rollup (before commit)",
            f"{organization:.1f} s",
            f"< {load_target:.0f} s" if load_target else "",
            verdict(organization < load_target) if load_target else "",
        ],
        ["demo load, whole command (every capability's data and counters)",
         f"{load.seconds:.1f} s", f"< {load_target:.0f} s" if load_target else "",
         verdict(load.seconds < load_target) if load_target else ""],
        [
            "peak memory of the load (max RSS)",
            f"{load.max_rss_mib:.0f} MiB",
            f"< {MEMORY_TARGET_MIB:.0f} MiB",
            verdict(load.max_rss_mib < MEMORY_TARGET_MIB),
        ],
    ]  # fmt: skip
    figures += [[f"  phase: {name}", f"{sec:.1f} s", "", ""] for name, sec in phases.items()]
    print("\n" + table(["figure", "measured", "target", ""], figures))
    rows = []
    for label, unit in latency["units"].items():
        cached, full = unit["cached scope"], unit["with scope lookup"]
        target_applies = db == "postgres"
        rows.append(
            [
                label,
                f"{unit['code']} {unit['name']}",
                f"{unit['subtree_units']:,}",
                f"{unit['subtree_members']:,}",
                f"{cached['median']:.2f} / {cached['p95']:.2f}",
                f"{full['median']:.2f} / {full['p95']:.2f}",
                verdict(cached["median"] <= MEDIAN_TARGET_MS) if target_applies else "-",
            ]
        )
    print(
        f"\nunit_figures(office, unit) latency over {calls} calls after {warmup} warm-up, ms "
        f"(target: median <= {MEDIAN_TARGET_MS:.0f} ms on PostgreSQL at province scale)\n"
        + table(
            [
                "unit",
                "",
                "sub-units",
                "members",
                "median / p95",
                "median / p95 incl. scope lookup",
                "",
            ],
            rows,
        ),
        flush=True,
    )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["county", "city", "province"])
    parser.add_argument("--db", choices=["sqlite", "postgres"])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--measure-latency", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_latency:
        print(json.dumps(measure_latency(args.calls, args.warmup)))
        return
    if args.scale or args.db:
        configs: tuple[tuple[str, str], ...] = ((args.scale or "city", args.db or "sqlite"),)
    else:
        configs = DEFAULT_CONFIGS
    for scale, db in configs:
        bench_one(scale, db, calls=args.calls, warmup=args.warmup)


if __name__ == "__main__":
    main()
