"""What the benchmarks share: fresh databases, running `chuxin` as a child, printing tables."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
CHUXIN = str(BIN / "chuxin")
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


@dataclass(frozen=True)
class Run:
    """One child process: its output, wall time (s) and peak resident memory (MiB)."""

    stdout: str
    stderr: str
    seconds: float
    max_rss_mib: float
    returncode: int


def run_child(args: list[str], env: dict[str, str], *, check: bool = True) -> Run:
    """Run a child and measure it alone: ``wait4`` gives the rusage of this child only."""
    started = time.perf_counter()
    # Files of its own (not pipes: a child that prints much would block on a full pipe while
    # we wait in wait4), so two benchmarks may run at once.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=err, cwd=ROOT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        result = Run(
            stdout=out.read(),
            stderr=err.read(),
            seconds=seconds,
            max_rss_mib=usage.ru_maxrss / 1024,  # KiB on Linux
            returncode=proc.returncode,
        )
    if check and result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"{' '.join(args)} failed with exit code {result.returncode}")
    return result


def children_max_rss_mib() -> float:
    """The largest resident set of any child waited for so far (MiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def env_for(database_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "DEBUG": "0", "CHUXIN_HTTPS": "0"}, **extra)
    env.pop("CHUXIN_TESTING", None)
    return env


def fresh_sqlite(name: str) -> str:
    """A new, empty SQLite file under ``bench/out``; returns its URL."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def fresh_postgres(name: str) -> str:
    """A new, empty PostgreSQL database (dropped first if it exists); returns its URL."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def migrate(env: dict[str, str]) -> None:
    run_child([CHUXIN, "migrate", "--noinput", "-v0"], env)


def width(text: str) -> int:
    """Columns the text takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain-text table, columns padded to their widest cell."""
    widths = [
        max(width(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(c) + " " * (w - width(str(c))) for c, w in zip(cells, widths, strict=True)
        )

    lines = [line(headers), "  ".join("-" * w for w in widths)]
    lines += [line(row) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"
