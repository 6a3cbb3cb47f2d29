"""The duplicate index of the problem list: writing each problem's locality-sensitive keys
(:mod:`.similarity`) and finding candidates through them, within one unit.

Derived data only: it can be rebuilt at any time (``chuxin problem_signatures``), and a unit
whose problems were loaded in bulk is indexed the first time its duplicates are asked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import combinations, groupby
from operator import itemgetter

from django.db import transaction
from django.db.models import Count

from chuxin.core.bulk import insert_rows

from .models import Problem, ProblemBand, ProblemSignature, ProblemStatus
from .similarity import COMMON_KEY, MAX_CANDIDATES, band_keys, digest

BATCH = 2000


def index_problems(problems: Iterable[Problem]) -> int:
    """(Re)index these problems' texts; returns how many were written."""
    rows = [(p.pk, p.unit_id, p.title, p.description) for p in problems]
    return _index_rows(rows)


def _index_rows(rows: list[tuple[int, int, str, str]]) -> int:
    """Write the keys and signatures of these (pk, unit, title, description) rows, set-based
    (``insert_rows``: COPY on PostgreSQL), replacing what they had."""
    bands_table = ProblemBand._meta.db_table
    signatures_table = ProblemSignature._meta.db_table
    written = 0
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        ids = [pk for pk, *_rest in chunk]
        bands: list[tuple[int, int, int]] = []
        signatures: list[tuple[int, str]] = []
        for pk, unit_id, title, description in chunk:
            bands.extend((pk, unit_id, key) for key in band_keys(title, description or ""))
            signatures.append((pk, digest(title, description or "")))
        with transaction.atomic():
            ProblemBand.objects.filter(problem_id__in=ids)._raw_delete(ProblemBand.objects.db)
            ProblemSignature.objects.filter(problem_id__in=ids)._raw_delete(
                ProblemSignature.objects.db
            )
            insert_rows(bands_table, ("problem_id", "unit_id", "key"), bands)
            insert_rows(signatures_table, ("problem_id", "digest"), signatures)
        written += len(chunk)
    return written


# Units seen fully indexed by this process. Once indexed a unit stays so (the services index
# every problem they write); only bulk loads add unindexed rows, and they index themselves or
# are indexed with ``chuxin problem_signatures``. Per process, nothing to share.
_indexed_units: set[int] = set()


def ensure_unit_indexed(unit_id: int) -> int:
    """Index the unit's open problems that are not yet (loaded in bulk); usually none."""
    if unit_id in _indexed_units:
        return 0
    rows = list(
        Problem.objects.filter(unit_id=unit_id, signature__isnull=True)
        .exclude(status=ProblemStatus.MERGED)
        .values_list("pk", "unit_id", "title", "description")
    )
    done = _index_rows(rows) if rows else 0
    transaction.on_commit(lambda: _indexed_units.add(unit_id))
    return done


def forget_indexed_units() -> None:
    """For tests and bulk loads: check every unit again."""
    _indexed_units.clear()


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
    """Pairs of open problems of the unit sharing a key, those sharing most first. One ordered
    read of the unit's keys on the (unit, key) index; a key shared by more than
    ``COMMON_KEY`` problems (boilerplate) is skipped, so the pairs stay few."""
    open_ids = set(
        Problem.objects.filter(unit_id=unit_id)
        .exclude(status=ProblemStatus.MERGED)
        .values_list("pk", flat=True)
    )
    shared_keys = (
        ProblemBand.objects.filter(unit_id=unit_id)
        .values("key")
        .annotate(n=Count("id"))
        .filter(n__gte=2, n__lte=COMMON_KEY)
        .values("key")
    )
    rows = (
        ProblemBand.objects.filter(unit_id=unit_id, key__in=shared_keys)
        .order_by("key")
        .values_list("key", "problem_id")
        .iterator(chunk_size=20000)
    )
    shared: Counter[tuple[int, int]] = Counter()
    for _key, group in groupby(rows, key=itemgetter(0)):
        members = sorted({pk for _k, pk in group if pk in open_ids})
        if len(members) >= 2:
            shared.update(combinations(members, 2))
    ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
    return [pair for pair, _n in ranked[:limit]]
