"""The duplicate index of the problem list: writing each problem's locality-sensitive keys
(:mod:`.similarity`) and finding candidates through them, within one unit.

Derived data only: it can be rebuilt at any time (``chuxin problem_signatures``), and a unit
whose problems were loaded in bulk is indexed the first time its duplicates are asked for.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable
from itertools import combinations, groupby
from operator import itemgetter
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from chuxin.core.bulk import insert_rows
from chuxin.organization.models import Unit

from .models import Problem, ProblemBand, ProblemSignature, ProblemStatus
from .similarity import (
    COMMON_KEY,
    MAX_CANDIDATES,
    TITLE_BUCKETS,
    _keys,
    _oph,
    band_keys,
    digest,
    ngrams,
)

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


# --- Free texts (an opinion of the public portal) against the problems of many units ----------

# Windows of a free text (in characters) whose title keys are looked up: a problem's short
# title inside a long text shares few bigrams with the whole text, but nearly all with a
# window about its length. Steps of a third of the window: any title up to the longest window
# lies inside one window not much longer than itself. Only the text's first ``WINDOW_TEXT``
# characters are cut into windows (a public opinion may run to 2,000), so the keys stay a
# few thousand at most.
WINDOWS = (6, 9, 14, 21)
WINDOW_TEXT = 1000


def text_keys(text: str) -> list[int]:
    """The keys a free text is looked up by: its keys as if it were a problem's title and
    description (the whole text against problems' whole texts and titles), and the title keys
    of windows of it (a problem's title inside the text)."""
    keys = set(band_keys(text, ""))
    normal = unicodedata.normalize("NFKC", text).casefold()
    chars = "".join(ch for ch in normal if ch.isalnum())[:WINDOW_TEXT]
    for width in WINDOWS:
        if len(chars) <= width:
            break  # the whole text's own title keys cover it
        step = max(1, width // 3)
        for start in range(0, len(chars) - width + step, step):
            # The keys a problem's title has (``band_keys``' second half), of the window.
            keys.update(_keys(_oph(ngrams(chars[start : start + width]), TITLE_BUCKETS), "h"))
    return sorted(keys)


def ensure_units_indexed(units: QuerySet[Unit]) -> int:
    """Index the open problems of these units (a whole subtree, say) that are not yet: one
    read of the units' ids, and, unless every one was seen indexed, one read of their
    unindexed problems through a subquery, however many units."""
    ids = set(units.values_list("pk", flat=True))
    missing = ids - _indexed_units
    if not missing:
        return 0
    rows = list(
        Problem.objects.filter(unit__in=units.values("pk"), signature__isnull=True)
        .exclude(status=ProblemStatus.MERGED)
        .values_list("pk", "unit_id", "title", "description")
    )
    done = _index_rows(rows) if rows else 0
    transaction.on_commit(lambda: _indexed_units.update(missing))
    return done


def text_candidates(
    text: str,
    units: QuerySet[Unit] | Collection[int],
    *,
    where: Q | None = None,
    limit: int = MAX_CANDIDATES,
) -> list[int]:
    """Open problems of these units sharing at least one key (``text_keys``) with a free text,
    the ones sharing most first (at most ``limit``). One query on the (unit, key) index for
    every unit together (a queryset of units is a subquery); ``where`` narrows the problems
    further (a filter on :class:`ProblemBand`, e.g. ``Q(problem__campaign_id=...)``)."""
    keys = text_keys(text)
    if not keys:
        return []
    qs = ProblemBand.objects.filter(key__in=keys).exclude(problem__status=ProblemStatus.MERGED)
    # A queryset of units stays a subquery: a whole subtree is not read into Python.
    unit_ids: Any = units.values("pk") if isinstance(units, QuerySet) else list(units)
    qs = qs.filter(unit_id__in=unit_ids)
    if where is not None:
        qs = qs.filter(where)
    rows = qs.values("problem_id").annotate(n=Count("id")).order_by("-n", "-problem_id")[:limit]
    return [r["problem_id"] for r in rows]
