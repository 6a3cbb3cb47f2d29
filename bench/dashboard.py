"""The leading group's dashboard at scale: server time of the root's page and JSON, wrk on the
JSON endpoint, the daily snapshot job for the whole province and the snapshot's size.

On PostgreSQL, by default in a database of its own loaded with the province demo
(``chuxin_bench_dash_<scale>``); ``--database NAME`` uses one already loaded instead (migrated
first, never dropped). In a child process, as the office user:

- the daily snapshot of every unit, taken for the day a week ago and for today (time, rows,
  bytes of data, the table's size on disk) — reported;
- the root's dashboard page, server time through Django's test client (middleware, view,
  template) — target: median <= 150 ms;
- the root's dashboard JSON (``/api/v1/oversight/units/{root}/dashboard``) — median <= 50 ms.

Then ``chuxin serve`` and ``wrk -t2 -c16 -d10s --latency`` against the JSON endpoint with the
office's token — target: >= 400 req/s.

    python bench/run.py dashboard                              # province, fresh load
    python bench/run.py dashboard --database chuxin_province   # a loaded database
    python bench/run.py dashboard --scale city                 # quicker

The database it loads is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
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
    ROOT,
    env_for,
    fresh_postgres,
    fresh_sqlite,
    migrate,
    run_child,
    table,
    verdict,
)
from bench.http import HOST, free_port, get_json, parse_wrk, wait_until_up, wrk  # noqa: E402

PAGE_TARGET_MS = 150.0
JSON_TARGET_MS = 50.0
TARGET_RPS = 400.0


def measure(calls: int, warmup: int) -> dict[str, Any]:
    import datetime as dt

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from chuxin.core.models import User
    from chuxin.organization.models import Unit
    from chuxin.oversight import snapshots

    results: dict[str, Any] = {"vendor": connection.vendor}
    results["units"] = Unit.objects.count()
    today = timezone.localdate()
    snaps = []
    for day in (today - dt.timedelta(days=7), today):
        start = time.perf_counter()
        snap = snapshots.take_snapshot(day)
        snaps.append(
            {
                "day": day.isoformat(),
                "seconds": time.perf_counter() - start,
                "rows": snap.units,
                "metrics": len(snap.keys),
                "bytes": snap.size_bytes,
            }
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE oversight_unitsnapshot")
    results["snapshots"] = snaps
    results["table_bytes"] = snapshots.table_size()

    office = User.objects.get(username="office")
    root = Unit.objects.get(depth=1)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", SERVER_NAME="localhost")
    client.force_login(office)
    timings = {}
    for name, url in (
        ("page", f"/oversight/units/{root.pk}/"),
        ("json", f"/api/v1/oversight/units/{root.pk}/dashboard"),
    ):
        samples = []
        size = 0
        for index in range(warmup + calls):
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (url, response.status_code)
            size = len(response.content)
            if index >= warmup:
                samples.append(elapsed)
        timings[name] = {
            "median": statistics.median(samples),
            "max": max(samples),
            "bytes": size,
        }
    board = client.get(f"/api/v1/oversight/units/{root.pk}/dashboard").json()
    results["children"] = len(board["children"])
    results["timings"] = timings
    results["root"] = {"id": root.pk, "name": root.name}
    return results


def serve_and_wrk(env: dict[str, str], root_id: int, *, connections: int, duration: str) -> str:
    token = run_child([CHUXIN, "issue_token", "office", "--name", "bench-dash"], env).stdout
    token = token.strip()
    port = free_port()
    base = f"http://{HOST}:{port}"
    log = (OUT / "dashboard-server.log").open("wb")
    server = subprocess.Popen(
        [CHUXIN, "serve", "--host", HOST, "--port", str(port)],
        env=env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_up(base, server, timeout=300)  # collectstatic first, on a busy machine
        url = f"{base}/api/v1/oversight/units/{root_id}/dashboard"
        get_json(url, token)
        wrk(url, token=token, threads=2, connections=connections, duration="2s")  # warm-up
        return wrk(url, token=token, threads=2, connections=connections, duration=duration)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # the session started above, by its id
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["county", "city", "province"], default="province")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--database", default="", help="a loaded PostgreSQL database to use")
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", default="10s")
    parser.add_argument(
        "--only", default="", help="load only these capabilities' demo data (chuxin demo --only)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database it loaded")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.calls, args.warmup)))
        return

    if args.database:
        url = f"{PG_SERVER}/{args.database}"
        env = env_for(url)
        print(f"\n== dashboard on {url} (loaded already)", flush=True)
        migrate(env)
    else:
        name = f"chuxin_bench_dash_{args.scale}"
        url = fresh_postgres(name) if args.db == "postgres" else fresh_sqlite(name)
        env = env_for(url)
        print(f"\n== dashboard at {args.scale} scale on {args.db} ({url})", flush=True)
        migrate(env)
        command = [CHUXIN, "demo", "--scale", args.scale, "--no-progress"]
        if args.only:
            command += ["--only", args.only]
        load = run_child(command, env)
        print(load.stdout.strip(), flush=True)
        print(f"demo load {load.seconds:.1f} s", flush=True)
    run_child([CHUXIN, "collectstatic", "--noinput", "-v0"], env)  # as `chuxin serve` does
    # Server time is the time to compute the dashboard: the cache is off for it (wrk below
    # runs against a server with the cache on, as in production).
    child = run_child(
        [sys.executable, "-m", "bench.dashboard", "--measure", "--calls", str(args.calls),
         "--warmup", str(args.warmup)],
        env | {"CHUXIN_DASHBOARD_CACHE_SECONDS": "0"},
    )  # fmt: skip
    r = json.loads(child.stdout.strip().splitlines()[-1])
    pg = r["vendor"] == "postgresql"
    page, data = r["timings"]["page"], r["timings"]["json"]
    rows = []
    for s in r["snapshots"]:
        rows.append(
            [
                f"daily snapshot of {r['units']:,} units for {s['day']} "
                f"({s['rows']:,} rows, {s['metrics']} metrics each)",
                f"{s['seconds']:.1f} s, {s['bytes'] / 1e6:.1f} MB of data "
                f"({s['bytes'] / max(1, s['rows']):.0f} B/row)",
                "report",
                "-",
            ]
        )
    if r["table_bytes"]:
        rows.append(
            [
                "snapshot table on disk with its index (2 days)",
                f"{r['table_bytes'] / 1e6:.1f} MB",
                "report",
                "-",
            ]
        )
    rows += [
        [
            f"dashboard page of the root {r['root']['name']} ({r['children']} sub-units), "
            "server time, uncached",
            f"median {page['median']:.1f} ms, max {page['max']:.1f} ms ({page['bytes']:,} B)",
            f"<= {PAGE_TARGET_MS:.0f} ms",
            verdict(page["median"] <= PAGE_TARGET_MS) if pg else "-",
        ],
        [
            "dashboard JSON of the root, server time, uncached",
            f"median {data['median']:.1f} ms, max {data['max']:.1f} ms ({data['bytes']:,} B)",
            f"<= {JSON_TARGET_MS:.0f} ms",
            verdict(data["median"] <= JSON_TARGET_MS) if pg else "-",
        ],
    ]
    print("\n" + table(["figure", "measured", "target", ""], rows), flush=True)
    rows = []
    if shutil.which("wrk"):
        output = serve_and_wrk(
            env, r["root"]["id"], connections=args.connections, duration=args.duration
        )
        f = parse_wrk(output)
        rows.append(
            [
                f"wrk -t2 -c{args.connections} -d{args.duration} on the root's JSON (cache on)",
                f"{f['rps']:.0f} req/s, p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms, "
                f"non-2xx {f['non_2xx']:.0f}",
                f">= {TARGET_RPS:.0f} req/s",
                verdict(f["rps"] >= TARGET_RPS and not f["non_2xx"]) if pg else "-",
            ]
        )
    else:
        rows.append(["wrk on the root's JSON", "wrk is not installed", "-", "-"])
    print("\n" + table(["figure", "measured", "target", ""], rows), flush=True)
    if not args.database and not args.keep and args.db == "postgres":
        drop_postgres(f"chuxin_bench_dash_{args.scale}")


def drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
