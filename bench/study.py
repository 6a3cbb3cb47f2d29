"""Study & education at scale: import rate, coverage latency, the dead-ends report.

By default the province demo (~3M members, ~30M study records) on PostgreSQL, in a database
of its own (``chuxin_bench_study_<scale>``; ``--reuse`` keeps one already loaded). Then, in a
child process, as the office user:

- the import rate of study records from a CSV file (``--rows``, default 1,000,000 new records
  for members across the province, of days after the demo's records; ``--imported-days``:
  new records of days the demo imported records on already) through the study records
  importer, end to end (read, check every row, write, recompute the touched members'
  progress and every counter above them) — target: >= 100,000 records/s;
- ``coverage_for_unit`` for the root, a city, a county and a branch — target: median <= 5 ms;
- the dead-ends report's first page for a city (count, 50 rows, reasons, administrators) —
  target: <= 200 ms.

    python bench/run.py study                          # province on PostgreSQL
    python bench/run.py study --scale county --reuse   # quicker, on an existing load
"""

from __future__ import annotations

import argparse
import json
import os
import random
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

IMPORT_TARGET = 100_000.0
COVERAGE_TARGET_MS = 5.0
DEAD_ENDS_TARGET_MS = 200.0


def _write_csv(path: str, rows: int, seed: int = 7, *, imported_days: bool = False) -> int:
    """A study app's export: member number, item number, date, hours; records not there yet.

    Its days come after the demo's records (December and January), as the app's next export
    would bring; with ``imported_days``, days of the campaign on which the demo imported
    records already (July and August), among which the new ones go."""
    from chuxin.organization.models import Member
    from chuxin.study.models import StudyItem

    # Campaign-wide items required of every level: any member will do.
    items = [
        item.pk
        for item in StudyItem.objects.filter(
            in_force=True, archived_at__isnull=True, batch__isnull=True
        )
        if len(item.required_levels) == 5
    ]
    numbers = list(
        Member.objects.filter(status="active")
        .order_by("pk")
        .values_list("member_number", flat=True)
    )
    from chuxin.core.models import ImportJob

    # Each run imports new records: its own pair of days, from how many imports ran before.
    runs = ImportJob.objects.filter(kind="study_records").count()
    months = ("2019-07", "2019-08") if imported_days else ("2019-12", "2020-01")
    days = tuple(f"{month}-{1 + runs % 28:02d}" for month in months)
    rng = random.Random(seed + runs)
    picked = rng.sample(numbers, min(len(numbers), max(1, rows // (len(items) * 2))))
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write("member_number,item,date,hours\n")
        for number in picked:
            for item in items:
                for day in days:
                    if written >= rows:
                        return written
                    out.write(f"{number},{item},{day},1.5\n")
                    written += 1
    return written


def _backend_pid() -> int | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system) a local process has used so far; 0 when it cannot be read
    (a remote server). The wall time of a busy machine says little; this says what it cost."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, TypeError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _floor(rows: int) -> dict[str, Any]:
    """What the records table alone costs: ``rows`` records (new ones, for members across the
    province, of days with no record yet) written by one ``INSERT`` with nothing checked and
    no counter touched, then rolled back. No import can be faster on this server; the import's
    own work is the rest. Also the server's memory settings, which decide much of it."""
    from django.db import connection, transaction

    from chuxin.study.models import StudyRecord

    table = connection.ops.quote_name(StudyRecord._meta.db_table)
    out: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for name in ("shared_buffers", "max_wal_size", "wal_compression"):
            cursor.execute(f"SHOW {name}")
            out[name] = cursor.fetchone()[0]

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(
                "CREATE TEMPORARY TABLE bench_floor ON COMMIT DROP AS "
                "WITH i AS (SELECT id FROM study_studyitem WHERE batch_id IS NULL AND in_force "
                "ORDER BY id LIMIT 4), m AS (SELECT id FROM organization_member "
                "WHERE status = 'active' ORDER BY md5(id::text) LIMIT %s) "
                "SELECT m.id AS member_id, i.id AS item_id, d AS day FROM m, i, "
                "unnest(ARRAY['2020-07-17', '2020-08-17']::date[]) d",
                [max(1, rows // 8)],
            )
            start = time.perf_counter()
            cursor.execute(
                f"INSERT INTO {table} (member_id, item_id, date, hours, source, session_id, "
                "is_makeup, note, created_by_id, created_at) SELECT member_id, item_id, day, "
                "1.5, 'import', NULL, false, '', NULL, now() FROM bench_floor "
                "ORDER BY member_id, item_id, day"
            )
            out["rows"] = cursor.rowcount
            out["seconds"] = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    return out


def measure(rows: int, calls: int, warmup: int, imported_days: bool = False) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.files.base import File
    from django.core.paginator import Paginator
    from django.db import connection

    from chuxin.core import imports
    from chuxin.core.models import User
    from chuxin.core.scoping import forget_scope
    from chuxin.organization.models import Unit
    from chuxin.study import selectors
    from chuxin.study.models import StudyRecord

    office = User.objects.get(username="office")
    results: dict[str, Any] = {"vendor": connection.vendor}

    # Coverage for four levels of the tree.
    root = Unit.objects.get(depth=1)
    city = Unit.objects.filter(depth=2, kind="city").order_by("path").first()
    assert city is not None
    county = Unit.objects.filter(path__startswith=city.path, kind="county").order_by("path")[0]
    branch = (
        Unit.objects.filter(path__startswith=county.path, numchild=0, members__isnull=False)
        .order_by("-depth", "path")
        .first()
    )
    assert branch is not None
    results["coverage"] = {}
    for label, unit in (("root", root), ("city", city), ("county", county), ("branch", branch)):
        for _ in range(warmup):
            selectors.coverage_for_unit(office, unit)
        samples = []
        for _ in range(calls):
            forget_scope(office)
            start = time.perf_counter()
            figures = selectors.coverage_for_unit(office, unit)
            samples.append((time.perf_counter() - start) * 1000)
        results["coverage"][label] = {
            "unit": f"{unit.code} {unit.name}",
            "members": figures.required,
            "covered": figures.covered,
            "percent": figures.percent,
            "median": statistics.median(samples),
            "p95": statistics.quantiles(samples, n=20)[-1],
        }

    # The dead-ends report's first page for the city.
    rules = selectors.DeadEndRules()
    samples = []
    count = 0
    for index in range(max(3, calls // 10) + 2):
        forget_scope(office)
        start = time.perf_counter()
        page = Paginator(selectors.dead_ends(office, city, rules), 50).get_page(1)
        shown = selectors.dead_end_rows(page.object_list, rules)
        count = page.paginator.count
        elapsed = (time.perf_counter() - start) * 1000
        if index >= 2:
            samples.append(elapsed)
    results["dead_ends"] = {
        "unit": f"{city.code} {city.name}",
        "count": count,
        "shown": len(shown),
        "median": statistics.median(samples),
        "p95": max(samples),
    }

    # The import, end to end.
    OUT.mkdir(parents=True, exist_ok=True)
    path = str(OUT / "study-import.csv")
    written = _write_csv(path, rows, imported_days=imported_days)
    before = StudyRecord.objects.count()
    with open(path, "rb") as handle:
        job = imports.import_job_create(
            actor=office, kind="study_records", file=File(handle), original_name="bench.csv"
        )
    backend = _backend_pid()
    cpu_db, cpu_py = _cpu_seconds(backend), time.process_time()
    start = time.perf_counter()
    job = imports.import_run(actor=office, job=job)
    seconds = time.perf_counter() - start
    cpu = {"python": time.process_time() - cpu_py, "postgres": _cpu_seconds(backend) - cpu_db}
    from chuxin.study.import_sql import last_timings

    results["floor"] = _floor(written) if connection.vendor == "postgresql" else {}

    phases = dict(last_timings) if connection.vendor == "postgresql" else {}
    results["import"] = {
        "rows": written,
        "days": "already imported" if imported_days else "not imported before",
        "status": job.status,
        "errors": job.errors[:3],
        "created": job.created_count,
        "unchanged": job.unchanged_count,
        "seconds": seconds,
        "rate": written / seconds if seconds else 0.0,
        "records_before": before,
        "phases": phases,
        "cpu": cpu,
        "load": os.getloadavg()[0],
    }
    return results


def bench_one(
    scale: str,
    db: str,
    *,
    reuse: bool,
    rows: int,
    calls: int,
    warmup: int,
    database: str = "",
    load_only: bool = False,
    imported_days: bool = False,
) -> None:
    name = database or f"chuxin_bench_study_{scale}"
    if reuse and db == "postgres":
        url = f"{PG_SERVER}/{name}"
    elif reuse:
        url = f"sqlite:///{OUT / (name + '.sqlite3')}"
    else:
        url = fresh_postgres(name) if db == "postgres" else fresh_sqlite(name)
    env = env_for(url, CHUXIN_IMPORT_MAX_BYTES=str(1 << 30))
    print(f"\n== study at {scale} scale on {db} ({url})", flush=True)
    if not reuse:
        migrate(env)
        # Only the organization's and study's demo data: the others' are not measured here.
        load = run_child(
            [CHUXIN, "demo", "--scale", scale, "--no-progress", "--only", "study"], env
        )
        print(load.stdout.strip(), flush=True)
        print(f"demo load {load.seconds:.1f} s, peak memory {load.max_rss_mib:.0f} MiB", flush=True)
    if load_only:
        return
    child = run_child(
        [sys.executable, "-m", "bench.study", "--measure", "--rows", str(rows),
         "--calls", str(calls), "--warmup", str(warmup),
         *(["--imported-days"] if imported_days else [])],
        env,
    )  # fmt: skip
    result = json.loads(child.stdout.strip().splitlines()[-1])
    imp = result["import"]
    pg = db == "postgres"
    rows_out = [
        [
            f"import {imp['rows']:,} records from CSV, days {imp['days']} ({imp['status']}, "
            f"{imp['created']:,} new, {imp['unchanged']:,} there already)",
            f"{imp['rate']:,.0f} records/s ({imp['seconds']:.1f} s)",
            f">= {IMPORT_TARGET:,.0f}/s",
            verdict(imp["rate"] >= IMPORT_TARGET and imp["status"] == "done") if pg else "-",
        ]
    ]
    for label, c in result["coverage"].items():
        rows_out.append(
            [
                f"coverage_for_unit: {label} {c['unit']} ({c['covered']:,}/{c['members']:,}, "
                f"{c['percent']}%)",
                f"median {c['median']:.2f} ms, p95 {c['p95']:.2f} ms",
                f"<= {COVERAGE_TARGET_MS:.0f} ms",
                verdict(c["median"] <= COVERAGE_TARGET_MS) if pg else "-",
            ]
        )
    d = result["dead_ends"]
    rows_out.append(
        [
            f"dead ends of {d['unit']}: first page ({d['count']:,} units fall short)",
            f"median {d['median']:.1f} ms, max {d['p95']:.1f} ms",
            f"<= {DEAD_ENDS_TARGET_MS:.0f} ms",
            verdict(d["median"] <= DEAD_ENDS_TARGET_MS) if pg else "-",
        ]
    )
    if imp["errors"]:
        print(f"import errors: {imp['errors']}")
    if imp.get("phases"):
        rest = imp["seconds"] - sum(imp["phases"].values())
        laps = ", ".join(f"{name} {secs:.2f} s" for name, secs in imp["phases"].items())
        laps += f", the rest (reading the job's file, commit) {rest:.2f} s"
        print(f"import phases (set-based path): {laps}", flush=True)
    floor = result.get("floor") or {}
    if floor.get("seconds"):
        print(
            f"the records table alone: {floor['rows']:,} new records by one INSERT, nothing "
            f"checked, no counter: {floor['seconds']:.2f} s "
            f"({floor['rows'] / floor['seconds']:,.0f} records/s), the ceiling for any import "
            f"on this server (shared_buffers "
            f"{floor['shared_buffers']}, max_wal_size {floor['max_wal_size']}, wal_compression "
            f"{floor['wal_compression']})",
            flush=True,
        )
    if imp.get("cpu") and sum(imp["cpu"].values()) > 0:
        cpu = imp["cpu"]
        used = cpu["python"] + cpu["postgres"]
        print(
            f"import CPU: python {cpu['python']:.1f} s, postgres backend {cpu['postgres']:.1f} s"
            f" ({imp['rows'] / used:,.0f} records per CPU-second; load average "
            f"{imp['load']:.1f} on {os.cpu_count()} cores during the import)",
            flush=True,
        )
    print("\n" + table(["figure", "measured", "target", ""], rows_out), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["county", "city", "province"], default="province")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--reuse", action="store_true", help="use the database already loaded")
    parser.add_argument(
        "--database", default="", help="with --reuse: the PostgreSQL database's name"
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--load-only", action="store_true", help="load the demo, measure nothing (then --reuse)"
    )
    parser.add_argument(
        "--imported-days",
        action="store_true",
        help="import records of days the demo imported records on already (July and August) "
        "instead of days after the demo's records",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        result = measure(args.rows, args.calls, args.warmup, imported_days=args.imported_days)
        print(json.dumps(result, default=str))
        return
    bench_one(
        args.scale, args.db, reuse=args.reuse, rows=args.rows, calls=args.calls,
        warmup=args.warmup, database=args.database, load_only=args.load_only,
        imported_days=args.imported_days,
    )  # fmt: skip


if __name__ == "__main__":
    main()
