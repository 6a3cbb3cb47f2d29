"""The duplicate index of the problem list: writing each problem's locality-sensitive keys
(:mod:`.similarity`) and finding candidates through them, within one unit.

Derived data only: it can be rebuilt at any time (``chuxin problem_signatures``), and a unit
whose problems were loaded in bulk is indexed the first time its duplicates are asked for.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count

from .models import Problem, ProblemBand, ProblemSignature, ProblemStatus
from .similarity import COMMON_KEY, MAX_CANDIDATES, band_keys, digest

BATCH = 2000


def index_problems(problems: Iterable[Problem]) -> int:
    """(Re)index these problems' texts; returns how many were written."""
    rows = [(p.pk, p.unit_id, p.title, p.description) for p in problems]
    return _index_rows(rows)


def _index_rows(rows: list[tuple[int, int, str, str]]) -> int:
    written = 0
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        ids = [pk for pk, *_rest in chunk]
        bands: list[ProblemBand] = []
        signatures: list[ProblemSignature] = []
        for pk, unit_id, title, description in chunk:
            for key in band_keys(title, description or ""):
                bands.append(ProblemBand(problem_id=pk, unit_id=unit_id, key=key))
            signatures.append(
                ProblemSignature(problem_id=pk, digest=digest(title, description or ""))
            )
        with transaction.atomic():
            ProblemBand.objects.filter(problem_id__in=ids).delete()
            ProblemSignature.objects.filter(problem_id__in=ids).delete()
            ProblemBand.objects.bulk_create(bands, batch_size=5000)
            ProblemSignature.objects.bulk_create(signatures, batch_size=5000)
        written += len(chunk)
    return written


def ensure_unit_indexed(unit_id: int) -> int:
    """Index the unit's open problems that are not yet (loaded in bulk); usually none."""
    rows = list(
        Problem.objects.filter(unit_id=unit_id, signature__isnull=True)
        .exclude(status=ProblemStatus.MERGED)
        .values_list("pk", "unit_id", "title", "description")
    )
    return _index_rows(rows) if rows else 0


def index_all(batch: int = 20000) -> int:
    """Index every problem not yet indexed (``chuxin problem_signatures``)."""
    done = 0
    while True:
        rows = list(
            Problem.objects.filter(signature__isnull=True)
            .order_by("pk")
            .values_list("pk", "unit_id", "title", "description")[:batch]
        )
        if not rows:
            return done
        done += _index_rows(rows)


def candidates(problem: Problem) -> list[int]:
    """Open problems of the same unit sharing at least one key with this one, the ones
    sharing most first (at most ``MAX_CANDIDATES``)."""
    keys = band_keys(problem.title, problem.description)
    if not keys:
        return []
    rows = (
        ProblemBand.objects.filter(unit_id=problem.unit_id, key__in=keys)
        .exclude(problem_id=problem.pk)
        .exclude(problem__status=ProblemStatus.MERGED)
        .values("problem_id")
        .annotate(n=Count("id"))
        .order_by("-n", "-problem_id")[:MAX_CANDIDATES]
    )
    return [r["problem_id"] for r in rows]


def candidate_pairs(unit_id: int, limit: int = 5000) -> list[tuple[int, int]]:
    """Pairs of open problems of the unit sharing a key that is not common to many (one
    self-join on the (unit, key) index)."""
    table = ProblemBand._meta.db_table
    problems = Problem._meta.db_table
    sql = f"""
        WITH keys AS (
            SELECT b.key FROM {table} b
            WHERE b.unit_id = %s
            GROUP BY b.key HAVING COUNT(*) BETWEEN 2 AND %s
        ),
        members AS (
            SELECT b.key, b.problem_id FROM {table} b
            JOIN keys k ON k.key = b.key
            JOIN {problems} p ON p.id = b.problem_id
            WHERE b.unit_id = %s AND p.status <> %s
        )
        SELECT a.problem_id, c.problem_id, COUNT(*) AS shared
        FROM members a JOIN members c ON a.key = c.key AND a.problem_id < c.problem_id
        GROUP BY a.problem_id, c.problem_id
        ORDER BY shared DESC, a.problem_id, c.problem_id
        LIMIT %s
    """  # table names are the models'; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit_id, COMMON_KEY, unit_id, ProblemStatus.MERGED, limit])
        return [(a, b) for a, b, _n in cursor.fetchall()]
