"""Subtree counts for capabilities without a maintained rollup whose rows are few (e.g.
guidance visits: a few per assigned unit): rows grouped by their unit's path in one query and
added up by path prefix in Python. Used by such apps' ``dashboard.py``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from django.db.models import QuerySet

from chuxin.organization.models import Unit

# (unit path, metric name, count) rows for all units, or those under a path prefix.
Counts = Callable[[str], list[tuple[str, str, int]]]


def read_for(counts: Counts, metrics: Sequence[str]) -> Callable[..., dict[int, dict[str, int]]]:
    def read(unit_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        paths = dict(Unit.objects.filter(pk__in=list(unit_ids)).values_list("pk", "path"))
        if not paths:
            return {}
        top = min(paths.values(), key=len)
        if not all(p.startswith(top) for p in paths.values()):
            top = ""
        out = {pk: dict.fromkeys(metrics, 0) for pk in paths}
        rows = counts(top)
        for pk, upath in paths.items():
            row = out[pk]
            for path, name, n in rows:
                if path.startswith(upath):
                    row[name] += n
        return out

    return read


def read_all_for(
    counts: Counts, metrics: Sequence[str]
) -> Callable[[], Iterator[tuple[int, list[int]]]]:
    def read_all() -> Iterator[tuple[int, list[int]]]:
        rows = counts("")
        steplen = Unit.steplen
        totals: dict[str, list[int]] = {}
        index = {m: i for i, m in enumerate(metrics)}
        for path, name, n in rows:
            for end in range(steplen, len(path) + 1, steplen):
                totals.setdefault(path[:end], [0] * len(metrics))[index[name]] += n
        if not totals:
            return
        ids = dict(Unit.objects.filter(path__in=list(totals)).values_list("path", "pk"))
        for path, values in totals.items():
            if path in ids:
                yield ids[path], values

    return read_all


def grouped(qs: QuerySet, path_field: str, name: str, top: str) -> list[tuple[str, str, int]]:
    from django.db.models import Count

    if top:
        qs = qs.filter(**{f"{path_field}__startswith": top})
    rows = qs.order_by().values_list(path_field).annotate(n=Count("pk"))
    return [(path, name, n) for path, n in rows]
