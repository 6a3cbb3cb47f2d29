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
  of the day and a second one (which must send nothing) — time reported;
- a special rectification's roll-up per participating unit (from the maintained counts,
  ``special_counters``) for the programme with the most tasks — median reported;
- duplicate suggestions in a unit with 10,000 problems (added in a transaction rolled back at
  the end): indexing them (as a bulk-loaded unit is on first use), then one problem's
  suggestions and the unit's likely pairs — times reported.

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
    results["special"] = measure_special(calls, warmup)
    results["duplicates"] = measure_duplicates(county)
    return results


def measure_special(calls: int, warmup: int) -> dict[str, Any]:
    """The roll-up of the special rectification with the most tasks, per participating unit."""
    from django.db.models import Count

    from chuxin.rectification.models import RectificationTask, SpecialRectification
    from chuxin.rectification.specials import special_figures

    top = (
        RectificationTask.objects.filter(special__isnull=False)
        .values("special_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if top is None:
        return {}
    special = SpecialRectification.objects.get(pk=top["special_id"])
    for _ in range(warmup):
        special_figures(special)
    samples = []
    for _ in range(max(calls // 4, 5)):
        start = time.perf_counter()
        figures = special_figures(special)
        samples.append((time.perf_counter() - start) * 1000)
    median, worst = _median_ms(samples)
    return {
        "name": special.name,
        "tasks": top["n"],
        "units": len(figures.lines),
        "median": median,
        "max": worst,
    }


def measure_duplicates(unit: Any, n: int = 10_000) -> dict[str, Any]:
    """10,000 problems in one unit (random texts, every 100th a near-copy of an older one),
    indexed as on first use; then suggestions for the newest near-copy and the unit's pairs."""
    import datetime as dt
    import random

    from django.db import transaction

    from chuxin.core.models import User
    from chuxin.organization.models import Campaign
    from chuxin.problems import selectors as problem_selectors
    from chuxin.problems.duplicates import ensure_unit_indexed
    from chuxin.problems.models import Problem

    chars = (
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也"
        "能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实"
        "加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样"
    )
    office = User.objects.get(username="office")
    campaign = Campaign.objects.order_by("pk").first()
    results: dict[str, Any] = {"unit": f"{unit.code} {unit.name}", "problems": n}

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            rng = random.Random(20191126)
            texts: list[tuple[str, str]] = []
            for i in range(n):
                if i % 100 == 99:
                    title, description = texts[rng.randrange(len(texts))]
                    description = description[:-3] + "".join(rng.choices(chars, k=3))
                else:
                    title = "".join(rng.choices(chars, k=12))
                    description = "".join(rng.choices(chars, k=rng.randint(40, 160)))
                texts.append((title, description))
            today = dt.date.today()
            Problem.objects.bulk_create(
                [
                    Problem(
                        campaign=campaign,
                        unit=unit,
                        code=f"BENCH-DUP-{i:06d}",
                        title=title,
                        description=description,
                        source="self",
                        category="other",
                        reported_on=today,
                    )
                    for i, (title, description) in enumerate(texts)
                ],
                batch_size=2000,
            )
            start = time.perf_counter()
            indexed = ensure_unit_indexed(unit.pk)
            results["index_seconds"] = time.perf_counter() - start
            results["indexed"] = indexed
            newest = Problem.objects.get(code=f"BENCH-DUP-{n - 1:06d}")
            samples = []
            found = []
            for _ in range(10):
                start = time.perf_counter()
                found = problem_selectors.likely_duplicates(office, newest)
                samples.append((time.perf_counter() - start) * 1000)
            results["suggest_median_ms"] = statistics.median(samples)
            results["suggested"] = len(found)
            start = time.perf_counter()
            pairs = problem_selectors.duplicate_pairs(office, unit)
            results["pairs_seconds"] = time.perf_counter() - start
            results["pairs"] = len(pairs)
            raise Rollback
    except Rollback:
        pass
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
    sp, dup = r.get("special") or {}, r["duplicates"]
    if sp:
        out.append(
            [
                f"special rectification roll-up per unit ({sp['name']}: "
                f"{sp['tasks']:,} tasks, {sp['units']} units)",
                f"median {sp['median']:.1f} ms, max {sp['max']:.1f} ms",
                "report",
                "-",
            ]
        )
    out.append(
        [
            f"duplicates in {dup['unit']} with {dup['problems']:,} problems: index them",
            f"{dup['index_seconds']:.1f} s ({dup['indexed']:,} indexed)",
            "report",
            "-",
        ]
    )
    out.append(
        [
            "  one problem's suggestions (all open problems of the unit)",
            f"median {dup['suggest_median_ms']:.1f} ms ({dup['suggested']} found)",
            "report",
            "-",
        ]
    )
    out.append(
        [
            "  the unit's likely duplicate pairs",
            f"{dup['pairs_seconds'] * 1000:.0f} ms ({dup['pairs']} pairs)",
            "report",
            "-",
        ]
    )
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
