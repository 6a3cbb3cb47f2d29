"""Rectification at scale: the ledger's overdue list, the root rollup, the ledger export and
the daily reminder sweep.

By default the province demo (~500,000 problems and ~450,000 tasks besides everything else)
on PostgreSQL, in a database of its own (``chuxin_bench_rect_<scale>``; ``--reuse`` keeps one
already loaded). Then, in a child process, as the office user:

- the ledger's task list for a city filtered to overdue, first page (count, 50 rows with
  their red/yellow/green) — target: median <= 100 ms;
- the rectification rollup of the root (``unit_figures``) — target: median <= 5 ms;
- the export of one county's ledger to .xlsx (three sheets) — rows/s reported;
- the daily sweep for the whole province (refresh overdue, remind, escalate), the first run
  of the day and a second one (which must send nothing) — time reported.

    python bench/run.py rectification                          # province on PostgreSQL
    python bench/run.py rectification --scale county           # quicker
    python bench/run.py rectification --only-rectification     # load without study data

``--only-rectification`` loads the demo with the other capabilities' demo hooks (study)
disconnected: a much quicker load; the rectification figures do not read study rows.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from typing import Any

_BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _BENCH]
sys.path.insert(0, os.path.dirname(_BENCH))

from bench.common import (  # noqa: E402
    CHUXIN,
    OUT,
    PG_SERVER,
    env_for,
    fresh_postgres,
    fresh_sqlite,
    migrate,
    run_child,
    table,
    verdict,
)

LEDGER_TARGET_MS = 100.0
ROLLUP_TARGET_MS = 5.0


def _median_ms(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), max(samples)


def measure(calls: int, warmup: int) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    from chuxin.core.models import User
    from chuxin.core.scoping import forget_scope
    from chuxin.organization.models import Unit
    from chuxin.rectification import ledger, selectors
    from chuxin.rectification.models import RectificationTask
    from chuxin.rectification.reminders import rectification_sweep

    office = User.objects.get(username="office")
    results: dict[str, Any] = {"vendor": connection.vendor}
    root = Unit.objects.get(depth=1)
    city = Unit.objects.filter(depth=2, kind="city").order_by("path").first()
    assert city is not None
    county = Unit.objects.filter(path__startswith=city.path, kind="county").order_by("path")[0]
    results["tasks"] = RectificationTask.objects.count()

    # The ledger's task list for a city, overdue, first page.
    samples = []
    count = 0
    for index in range(warmup + calls // 4):
        forget_scope(office)
        start = time.perf_counter()
        f = ledger.LedgerFilters(unit=city, overdue=True)
        # As the ledger page does: the total from the counters, the rows from the index.
        total = selectors.counted_total(office, f.task_filters())
        page = selectors.paginate_tasks(
            1, ledger.ledger_tasks(office, f).prefetch_related("problems"), total
        )
        rows = [ledger.task_cells(i, t) for i, t in enumerate(page.object_list, start=1)]
        lights = [selectors.light(t) for t in page.object_list]
        count = page.paginator.count
        if index >= warmup:
            samples.append((time.perf_counter() - start) * 1000)
    median, worst = _median_ms(samples)
    results["ledger"] = {
        "unit": f"{city.code} {city.name}",
        "count": count,
        "shown": len(rows),
        "red": lights.count("red"),
        "median": median,
        "max": worst,
    }

    # The root rollup.
    for _ in range(warmup):
        selectors.unit_figures(root)
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        figures = selectors.unit_figures(root)
        samples.append((time.perf_counter() - start) * 1000)
    median, worst = _median_ms(samples)
    results["rollup"] = {
        "problems": figures.problems,
        "tasks": figures.tasks,
        "overdue": figures.overdue,
        "on_time_pct": figures.on_time_pct,
        "median": median,
        "max": worst,
    }

    # One county's ledger to .xlsx.
    OUT.mkdir(parents=True, exist_ok=True)
    path = str(OUT / "rectification-ledger.xlsx")
    forget_scope(office)
    start = time.perf_counter()
    written = ledger.ledger_workbook(office, ledger.LedgerFilters(unit=county), path)
    seconds = time.perf_counter() - start
    total = sum(written.values())
    results["export"] = {
        "unit": f"{county.code} {county.name}",
        "rows": written,
        "seconds": seconds,
        "rate": total / seconds if seconds else 0.0,
        "bytes": os.path.getsize(path),
    }

    # The daily sweep, first run of the day and again.
    sweeps = []
    for _ in range(2):
        start = time.perf_counter()
        done = rectification_sweep()
        sweeps.append(
            {
                "seconds": time.perf_counter() - start,
                "overdue_changed": done.overdue_changed,
                "notifications": done.notifications,
                "webhooks": done.webhooks,
            }
        )
    results["sweep"] = sweeps
    return results


def load_only_rectification(scale: str) -> None:
    """The demo with only the organization's and rectification's data (run in a child)."""
    import io

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    from chuxin.organization.signals import demo_campaign_loaded

    demo_campaign_loaded.disconnect(dispatch_uid="study.demo_campaign_loaded")
    out = io.StringIO()
    call_command("demo", scale=scale, no_progress=True, stdout=out)
    print(out.getvalue())


def bench_one(
    scale: str,
    db: str,
    *,
    reuse: bool,
    calls: int,
    warmup: int,
    database: str = "",
    only: bool = False,
) -> None:
    name = database or f"chuxin_bench_rect_{scale}{'_only' if only else ''}"
    if reuse and db == "postgres":
        url = f"{PG_SERVER}/{name}"
    elif reuse:
        url = f"sqlite:///{OUT / (name + '.sqlite3')}"
    else:
        url = fresh_postgres(name) if db == "postgres" else fresh_sqlite(name)
    env = env_for(url)
    print(f"\n== rectification at {scale} scale on {db} ({url})", flush=True)
    if not reuse:
        migrate(env)
        command = [CHUXIN, "demo", "--scale", scale, "--no-progress"]
        if only:
            command = [sys.executable, "-m", "bench.rectification", "--load-only", scale]
        load = run_child(command, env)
        print(load.stdout.strip(), flush=True)
        print(f"demo load {load.seconds:.1f} s, peak memory {load.max_rss_mib:.0f} MiB", flush=True)
    child = run_child(
        [sys.executable, "-m", "bench.rectification", "--measure", "--calls", str(calls),
         "--warmup", str(warmup)],
        env,
    )  # fmt: skip
    r = json.loads(child.stdout.strip().splitlines()[-1])
    pg = db == "postgres"
    led, roll, exp = r["ledger"], r["rollup"], r["export"]
    out = [
        [
            f"ledger task list of {led['unit']}, overdue, first page "
            f"({led['count']:,} overdue, {led['shown']} shown)",
            f"median {led['median']:.1f} ms, max {led['max']:.1f} ms",
            f"<= {LEDGER_TARGET_MS:.0f} ms",
            verdict(led["median"] <= LEDGER_TARGET_MS) if pg else "-",
        ],
        [
            f"rollup of the root ({roll['problems']:,} problems, {roll['tasks']:,} tasks, "
            f"{roll['overdue']:,} overdue, on time {roll['on_time_pct']}%)",
            f"median {roll['median']:.2f} ms, max {roll['max']:.2f} ms",
            f"<= {ROLLUP_TARGET_MS:.0f} ms",
            verdict(roll["median"] <= ROLLUP_TARGET_MS) if pg else "-",
        ],
        [
            f"export of {exp['unit']}'s ledger to .xlsx ({exp['rows']})",
            f"{exp['rate']:,.0f} rows/s ({exp['seconds']:.1f} s, {exp['bytes'] / 1e6:.1f} MB)",
            "report",
            "-",
        ],
    ]
    for label, s in zip(("first", "second"), r["sweep"], strict=True):
        out.append(
            [
                f"daily sweep, {label} run ({r['tasks']:,} tasks; {s['overdue_changed']:,} "
                f"overdue changed, {s['notifications']:,} notifications)",
                f"{s['seconds']:.1f} s",
                "report",
                "-",
            ]
        )
    print("\n" + table(["figure", "measured", "target", ""], out), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["county", "city", "province"], default="province")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--reuse", action="store_true", help="use the database already loaded")
    parser.add_argument(
        "--database", default="", help="with --reuse: the PostgreSQL database's name"
    )
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--only-rectification", action="store_true", help="load without the study demo data"
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--load-only", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.load_only:
        load_only_rectification(args.load_only)
        return
    if args.measure:
        print(json.dumps(measure(args.calls, args.warmup), default=str))
        return
    bench_one(
        args.scale, args.db, reuse=args.reuse, calls=args.calls, warmup=args.warmup,
        database=args.database, only=args.only_rectification,
    )  # fmt: skip


if __name__ == "__main__":
    main()
