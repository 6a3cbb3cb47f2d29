"""The assessment's result on the leading group's dashboard (see
``chuxin.oversight.figures``): a unit's grade and total score in the latest *published*
evaluation that rated it (nothing before one is published). Evaluation rows are read by unit,
one indexed query for a unit and its sub-units."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chuxin.oversight.figures import FigureSpec, Metrics, Number, Provider, register

from .models import EvaluationRow, EvaluationStatus, Grade

METRICS = ("rated", "score_x100", "grade")
# Stored as small integers: 0 for none, then from the worst grade up.
GRADES = (Grade.POOR, Grade.FAIR, Grade.GOOD, Grade.EXCELLENT)


def _rows(unit_ids: Sequence[int] | None) -> QuerySet[EvaluationRow]:
    qs = EvaluationRow.objects.filter(evaluation__status=EvaluationStatus.PUBLISHED)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    return qs.order_by("unit_id", "-evaluation__published_at", "-evaluation_id")


def _latest(unit_ids: Sequence[int] | None) -> Iterator[tuple[int, list[int]]]:
    seen: set[int] = set()
    for unit_id, total, grade in _rows(unit_ids).values_list("unit_id", "total", "grade"):
        if unit_id in seen:
            continue
        seen.add(unit_id)
        score = int((Decimal(total) * 100).to_integral_value()) if total is not None else 0
        index = GRADES.index(grade) + 1 if grade in GRADES else 0
        yield unit_id, [1, score, index]


def _read(unit_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    return {pk: dict(zip(METRICS, v, strict=True)) for pk, v in _latest(unit_ids)}


def _read_all() -> Iterator[tuple[int, list[int]]]:
    return _latest(None)


def _grade(m: Metrics) -> Number | None:
    return int(m["grade"]) if m.get("rated") and m.get("grade") else None


def _score(m: Metrics) -> Number | None:
    return round(int(m.get("score_x100", 0)) / 100, 2) if m.get("rated") else None


def _grade_words(value: Number | None) -> str:
    if not value:
        return "—"
    return str(GRADES[int(value) - 1].label)


def _home(_pk: int) -> str:
    return reverse("assessment:home")


register(
    Provider(
        key="assessment",
        label=_("Assessment"),
        order=80,
        metrics=METRICS,
        read=_read,
        read_all=_read_all,
        figures=(
            FigureSpec(
                "assessment.grade",
                _("Assessment grade (published)"),
                _grade,
                _home,
                worse="lower",
                show=_grade_words,
            ),
            FigureSpec(
                "assessment.score",
                _("Assessment score (published)"),
                _score,
                _home,
                worse="lower",
                fmt="rating",
            ),
        ),
    )
)
