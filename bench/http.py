"""HTTP throughput of the served app: the unit API and the health check, under wrk.

On the county demo in a fresh SQLite file: start ``chuxin serve`` (granian, DEBUG off, no
HTTPS redirect) on a free loopback port, issue a token for the office user, and run
``wrk -t2 -c16 -d10s --latency`` against ``GET /api/v1/units/{a city}`` (with the token) and
``GET /healthz``. Prints requests per second and the 99th-percentile latency of each; stops
the server at the end. Traffic goes to 127.0.0.1 only.

    python bench/run.py http [--duration 10s] [--connections 16] [--threads 2]
"""

from __future__ import annotations

import os
import sys

# Run as a script, Python puts bench/ first on the path, where http.py would shadow the
# standard library's http package: put the repository root there instead.
_BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _BENCH]
sys.path.insert(0, os.path.dirname(_BENCH))

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402

from bench.common import (  # noqa: E402
    CHUXIN,
    OUT,
    ROOT,
    env_for,
    fresh_sqlite,
    migrate,
    run_child,
    table,
    verdict,
)

TARGET_RPS = 600.0
TARGET_P99_MS = 100.0
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_until_up(base: str, server: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server did not answer {base}/healthz within {timeout:.0f}s")


def get_json(url: str, token: str) -> object:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def to_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> dict[str, float]:
    """Requests/s, p50 and p99 latency (ms), and the error counts from ``wrk --latency``."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    if not (rps and p50 and p99):
        raise ValueError(f"could not read wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {
        "rps": float(rps.group(1)),
        "p50_ms": to_ms(p50.group(1)),
        "p99_ms": to_ms(p99.group(1)),
        "non_2xx": float(non_2xx.group(1)) if non_2xx else 0.0,
        "socket_errors": 1.0 if errors else 0.0,
    }


def wrk(url: str, *, token: str | None, threads: int, connections: int, duration: str) -> str:
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--latency"]
    if token:
        args += ["-H", f"Authorization: Bearer {token}"]
    result = subprocess.run([*args, url], capture_output=True, text=True, check=True)
    return result.stdout


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--workers", type=int, default=0, help="granian workers (0: one per core)")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed")

    url = fresh_sqlite("chuxin_bench_http")
    env = env_for(url)
    print(f"\n== HTTP on the county demo ({url})", flush=True)
    migrate(env)
    load = run_child([CHUXIN, "demo", "--scale", "county", "--no-progress"], env)
    print(load.stdout.strip().splitlines()[0], flush=True)
    token = run_child([CHUXIN, "issue_token", "office", "--name", "bench"], env).stdout.strip()

    port = free_port()
    base = f"http://{HOST}:{port}"
    serve = [CHUXIN, "serve", "--host", HOST, "--port", str(port)]
    if args.workers:
        serve += ["--workers", str(args.workers)]
    log = (OUT / "http-server.log").open("wb")
    # A session of its own, so that the server and its granian workers stop together.
    server = subprocess.Popen(serve, env=env, cwd=ROOT, stdout=log, stderr=log,
                              start_new_session=True)  # fmt: skip
    try:
        wait_until_up(base, server)
        found = get_json(f"{base}/api/v1/units?q=LN01", token)
        assert isinstance(found, dict) and found["items"], found
        city = found["items"][0]
        unit_url = f"{base}/api/v1/units/{city['id']}"
        get_json(unit_url, token)  # answers 200 with the token, or raises
        targets = [(f"GET /api/v1/units/{city['id']} ({city['name']})", unit_url, token),
                   ("GET /healthz", f"{base}/healthz", None)]  # fmt: skip
        rows = []
        for label, target, bearer in targets:
            wrk(
                target,
                token=bearer,
                threads=args.threads,
                connections=args.connections,
                duration="2s",
            )  # fmt: skip  (warm-up)
            output = wrk(target, token=bearer, threads=args.threads,
                         connections=args.connections, duration=args.duration)  # fmt: skip
            figures = parse_wrk(output)
            ok = figures["rps"] >= TARGET_RPS and figures["p99_ms"] <= TARGET_P99_MS
            rows.append([
                label, f"{figures['rps']:.0f}", f"{figures['p50_ms']:.1f}",
                f"{figures['p99_ms']:.1f}", f"{figures['non_2xx']:.0f}", verdict(ok),
            ])  # fmt: skip
        print(
            f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration} --latency "
            f"(target: >= {TARGET_RPS:.0f} req/s and p99 <= {TARGET_P99_MS:.0f} ms)\n"
            + table(["request", "req/s", "p50 ms", "p99 ms", "non-2xx", ""], rows),
            flush=True,
        )
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # the session started above, by its id
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log.close()


if __name__ == "__main__":
    main()
