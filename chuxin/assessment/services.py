"""Writes of assessment & evaluation: schemes and their indicators (the campaign's office),
manual scores (a guidance team member whose team covers the unit), and evaluations: run for a
batch at a cut-off (in the request when small, as a background task otherwise), published and
then frozen."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Batch, BatchParticipation, Campaign, Unit

from . import indicators as registry
from .models import (
    Evaluation,
    EvaluationRow,
    EvaluationStatus,
    ManualScore,
    Scheme,
    SchemeIndicator,
    ScoringMethod,
)
from .scoring import Ranked, combine, grade_for, q2, rank_among_peers, validate_bands

log = logging.getLogger(__name__)

# Evaluations of at most this many units are computed in the request; larger ones by the
# task worker, with progress on the evaluation's page.
SYNC_UNITS = 400
CHUNK_UNITS = 500
MAX_LEVELS = 3


def may_manage(user: Any, campaign: Campaign) -> bool:
    """The campaign's office: those who manage its root unit."""
    return scope_for(user).allows(campaign.root_unit, Action.MANAGE)


def _require_office(actor: Any, campaign: Campaign) -> None:
    if not may_manage(actor, campaign):
        raise PermissionDenied(_("Only the campaign's office may change assessment schemes."))


def _decimal(raw: Any, field: str, errors: dict[str, str]) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        errors[field] = _("Enter a number.")
        return None
    if not value.is_finite():
        errors[field] = _("Enter a number.")
        return None
    return value


# --- Schemes ---------------------------------------------------------------------------------


def _validate_scheme(name: str, bands: tuple[Any, Any, Any]) -> str:
    errors = validate_bands(*bands)
    name = (name or "").strip()
    if not name:
        errors["name"] = _("This field is required.")
    elif len(name) > 200:
        errors["name"] = _("At most %(n)d characters.") % {"n": 200}
    if errors:
        raise ValidationError(errors)
    return name


@transaction.atomic
def scheme_create(
    *,
    actor: Any,
    campaign: Campaign,
    name: str,
    excellent_min: Any = 90,
    good_min: Any = 80,
    fair_min: Any = 60,
    description: str = "",
) -> Scheme:
    """A new scheme of the campaign with its grade bands (indicators are added after)."""
    _require_office(actor, campaign)
    name = _validate_scheme(name, (excellent_min, good_min, fair_min))
    return Scheme.objects.create(
        campaign=campaign,
        name=name,
        description=description or "",
        excellent_min=Decimal(str(excellent_min)),
        good_min=Decimal(str(good_min)),
        fair_min=Decimal(str(fair_min)),
        created_by=actor,
    )


@transaction.atomic
def scheme_update(
    *,
    actor: Any,
    scheme: Scheme,
    name: str,
    excellent_min: Any,
    good_min: Any,
    fair_min: Any,
    description: str = "",
) -> Scheme:
    """Rename the scheme or move its grade bands (published evaluations keep their copy)."""
    _require_office(actor, scheme.campaign)
    name = _validate_scheme(name, (excellent_min, good_min, fair_min))
    scheme.name, scheme.description = name, description or ""
    scheme.excellent_min = Decimal(str(excellent_min))
    scheme.good_min = Decimal(str(good_min))
    scheme.fair_min = Decimal(str(fair_min))
    scheme.save()
    return scheme


def _validate_indicator(
    label: str, method: str, key: str, weight: Any
) -> tuple[str, str, str, Decimal]:
    errors: dict[str, str] = {}
    label = (label or "").strip()
    key = (key or "").strip()
    if method not in ScoringMethod.values:
        errors["method"] = _("Choose one of the listed values.")
    elif method == ScoringMethod.COMPUTED:
        try:
            indicator = registry.get(key)
        except KeyError:
            errors["key"] = _("Choose a computed indicator.")
        else:
            label = label or str(indicator.label)
    else:
        key = ""
    if not label:
        errors["label"] = _("This field is required.")
    elif len(label) > 200:
        errors["label"] = _("At most %(n)d characters.") % {"n": 200}
    value = _decimal(weight, "weight", errors)
    if value is not None and not (Decimal("0.01") <= value <= Decimal(1000)):
        errors["weight"] = _("Enter a weight from 0.01 to 1000.")
    if errors:
        raise ValidationError(errors)
    assert value is not None
    return label, method, key, q2(value)


@transaction.atomic
def indicator_add(
    *,
    actor: Any,
    scheme: Scheme,
    label: str,
    method: str,
    weight: Any,
    key: str = "",
    description: str = "",
) -> SchemeIndicator:
    """Add an indicator to the scheme: computed (a registry key) or scored by hand."""
    _require_office(actor, scheme.campaign)
    label, method, key, value = _validate_indicator(label, method, key, weight)
    last = scheme.indicators.order_by("-order").values_list("order", flat=True).first()
    return SchemeIndicator.objects.create(
        scheme=scheme,
        order=(last or 0) + 1,
        label=label,
        method=method,
        key=key,
        weight=value,
        description=description or "",
    )


@transaction.atomic
def indicator_update(
    *,
    actor: Any,
    indicator: SchemeIndicator,
    label: str,
    method: str,
    weight: Any,
    key: str = "",
    description: str = "",
) -> SchemeIndicator:
    """Change an indicator's label, weight or scoring."""
    _require_office(actor, indicator.scheme.campaign)
    label, method, key, value = _validate_indicator(label, method, key, weight)
    indicator.label, indicator.method, indicator.key = label, method, key
    indicator.weight, indicator.description = value, description or ""
    indicator.save()
    return indicator


@transaction.atomic
def indicator_remove(*, actor: Any, indicator: SchemeIndicator) -> SchemeIndicator:
    """Take an indicator out of the scheme (archived; evaluations keep their copy)."""
    _require_office(actor, indicator.scheme.campaign)
    indicator.archived_at = timezone.now()
    indicator.save()
    return indicator


# --- Manual scores ---------------------------------------------------------------------------


def scoring_team(user: Any, indicator: SchemeIndicator, unit: Unit) -> Any:
    """The user's live guidance team of the scheme's campaign that covers the unit, if any."""
    from chuxin.guidance.models import TeamMembership
    from chuxin.guidance.selectors import teams_covering

    if not getattr(user, "is_authenticated", False):
        return None
    teams = teams_covering(unit).filter(campaign_id=indicator.scheme.campaign_id)
    membership = (
        TeamMembership.objects.filter(team__in=teams, user_id=user.pk, archived_at__isnull=True)
        .select_related("team")
        .order_by("team_id")
        .first()
    )
    return membership.team if membership else None


@transaction.atomic
def manual_score_set(
    *, actor: Any, indicator: SchemeIndicator, unit: Unit, score: Any, comment: str = ""
) -> ManualScore:
    """A guidance team member scores a unit of their team on a hand-scored indicator."""
    if indicator.method != ScoringMethod.MANUAL or indicator.archived_at is not None:
        raise ValidationError({"indicator": _("This indicator is not scored by hand.")})
    team = scoring_team(actor, indicator, unit)
    if team is None:
        raise PermissionDenied(_("Only a member of the unit's guidance team may score it."))
    errors: dict[str, str] = {}
    value = _decimal(score, "score", errors)
    if value is not None and not (0 <= value <= 100):
        errors["score"] = _("Enter a number from 0 to 100.")
    comment = (comment or "").strip()
    if len(comment) > 2000:
        errors["comment"] = _("At most %(n)d characters.") % {"n": 2000}
    if errors:
        raise ValidationError(errors)
    assert value is not None
    row, _created = ManualScore.objects.update_or_create(
        indicator=indicator,
        unit=unit,
        defaults={"score": q2(value), "comment": comment, "team": team, "scored_by": actor},
    )
    return row


# --- Evaluations -----------------------------------------------------------------------------


def evaluated_units(batch: Batch, levels: int) -> list[Unit]:
    """The batch's units and their descendants down to ``levels`` levels below, live ones."""
    tops = list(
        Unit.objects.filter(
            pk__in=BatchParticipation.objects.filter(batch=batch).values("unit_id"),
            archived_at__isnull=True,
        ).only("pk", "path", "depth")
    )
    if not tops:
        return []
    q = Q(pk__in=[])
    for top in tops:
        q |= Q(path__startswith=top.path, depth__lte=top.depth + levels)
    return list(
        Unit.objects.filter(q, archived_at__isnull=True)
        .only("pk", "path", "depth", "name", "code", "kind")
        .order_by("path")
    )


def _snapshot(scheme: Scheme) -> dict[str, Any]:
    items = list(scheme.indicators.filter(archived_at__isnull=True).order_by("order", "pk"))
    return {
        "scheme": scheme.name,
        "bands": scheme.bands(),
        "indicators": [
            {
                "id": i.pk,
                "label": i.label,
                "method": i.method,
                "key": i.key,
                "weight": str(i.weight),
            }
            for i in items
        ],
    }


@transaction.atomic
def _create_evaluation(
    *, actor: Any, scheme: Scheme, batch: Batch, cutoff: Any, levels: Any
) -> Evaluation:
    _require_office(actor, scheme.campaign)
    errors: dict[str, str] = {}
    if scheme.archived_at is not None:
        errors["scheme"] = _("The scheme is archived.")
    if batch.campaign_id != scheme.campaign_id:
        errors["batch"] = _("The batch is not of the scheme's campaign.")
    if not isinstance(cutoff, dt.date):
        errors["cutoff"] = _("Enter a valid date.")
    elif cutoff > timezone.localdate():
        errors["cutoff"] = _("The cut-off cannot be in the future.")
    if not isinstance(levels, int) or not 0 <= levels <= MAX_LEVELS:
        errors["levels"] = _("Choose from 0 to %(n)d levels.") % {"n": MAX_LEVELS}
    snapshot = _snapshot(scheme)
    if not snapshot["indicators"]:
        errors["scheme"] = _("The scheme has no indicators yet.")
    if errors:
        raise ValidationError(errors)
    return Evaluation.objects.create(
        scheme=scheme,
        batch=batch,
        cutoff=cutoff,
        levels=levels,
        scheme_snapshot=snapshot,
        created_by=actor,
    )


def evaluation_start(
    *, actor: Any, scheme: Scheme, batch: Batch, cutoff: dt.date, levels: int = 0
) -> Evaluation:
    """Evaluate every unit of the batch (and ``levels`` levels below) at the cut-off: a new
    evaluation, computed now when small, else by the task worker after commit."""
    evaluation = _create_evaluation(
        actor=actor, scheme=scheme, batch=batch, cutoff=cutoff, levels=levels
    )
    units = evaluated_units(batch, levels)
    Evaluation.objects.filter(pk=evaluation.pk).update(units_total=len(units))
    evaluation.units_total = len(units)
    if len(units) <= SYNC_UNITS:
        evaluation_compute(evaluation=evaluation, units=units)
        evaluation.refresh_from_db()
    else:
        from .tasks import compute_evaluation

        pk = evaluation.pk
        transaction.on_commit(lambda: compute_evaluation.enqueue(pk))
    return evaluation


def _measures(
    snapshot: dict[str, Any], campaign: Campaign, units: Sequence[Unit], cutoff: dt.date
) -> list[dict[int, registry.Measure]]:
    """Per indicator of the snapshot, the measure of each unit (computed, or the manual score)."""
    out: list[dict[int, registry.Measure]] = []
    ids = [u.pk for u in units]
    for item in snapshot["indicators"]:
        if item["method"] == ScoringMethod.COMPUTED:
            try:
                indicator = registry.get(item["key"])
            except KeyError:
                out.append({})  # no longer registered: no value anywhere
                continue
            out.append(indicator.compute(campaign, units, cutoff))
        else:
            scores = ManualScore.objects.filter(indicator_id=item["id"], unit_id__in=ids)
            measures = {}
            for s in scores.select_related("team"):
                note = _("Scored by %(team)s") % {"team": s.team.name if s.team else "—"}
                if s.comment:
                    note = f"{note}: {s.comment}"
                measures[s.unit_id] = registry.Measure(value=s.score, note=note)
            out.append(measures)
    return out


def _fmt(value: Decimal | None) -> str | None:
    return None if value is None else str(q2(Decimal(value)))


def evaluation_compute(*, evaluation: Evaluation, units: Sequence[Unit] | None = None) -> None:
    """Compute and store every figure of a running evaluation, chunk by chunk (progress is
    written as it goes), then rank among peers and leave it as a draft. On error the
    evaluation is marked failed with the reason (logged; the page shows it)."""
    if evaluation.status != EvaluationStatus.RUNNING:
        return
    try:
        _compute(evaluation, list(units) if units is not None else None)
    except Exception as exc:  # the page must say it failed, not spin for ever
        log.exception("evaluation %s failed", evaluation.pk)
        Evaluation.objects.filter(pk=evaluation.pk).update(
            status=EvaluationStatus.FAILED, error=str(exc)[:2000]
        )


def _compute(evaluation: Evaluation, units: list[Unit] | None) -> None:
    snapshot = evaluation.scheme_snapshot
    campaign = evaluation.scheme.campaign
    if units is None:
        units = evaluated_units(evaluation.batch, evaluation.levels)
    weights = [Decimal(i["weight"]) for i in snapshot["indicators"]]
    bands = {k: Decimal(v) for k, v in snapshot["bands"].items()}
    rows: list[EvaluationRow] = []
    ranked: list[Ranked] = []
    for start in range(0, len(units), CHUNK_UNITS):
        chunk = units[start : start + CHUNK_UNITS]
        per_indicator = _measures(snapshot, campaign, chunk, evaluation.cutoff)
        for unit in chunk:
            measures = [m.get(unit.pk) for m in per_indicator]
            values = [m.value if m is not None else None for m in measures]
            combined = combine(values, weights)
            scores = []
            for item, m, share, points in zip(
                snapshot["indicators"], measures, combined.shares, combined.points, strict=True
            ):
                scores.append(
                    {
                        "indicator_id": item["id"],
                        "label": item["label"],
                        "method": item["method"],
                        "key": item["key"],
                        "weight": item["weight"],
                        "value": _fmt(m.value) if m else None,
                        "numerator": _fmt(m.numerator) if m else None,
                        "denominator": _fmt(m.denominator) if m else None,
                        "note": str(m.note) if m else "",
                        "share": _fmt(share * 100) if share is not None else None,
                        "points": _fmt(points),
                    }
                )
            row = EvaluationRow(
                evaluation=evaluation,
                unit=unit,
                unit_name=unit.name,
                unit_code=unit.code,
                unit_kind=unit.kind,
                unit_depth=unit.depth,
                unit_path=unit.path,
                total=combined.total,
                grade=grade_for(
                    combined.total,
                    excellent=bands["excellent"],
                    good=bands["good"],
                    fair=bands["fair"],
                ),
                renormalised=combined.renormalised,
                scores=scores,
            )
            rows.append(row)
            ranked.append(Ranked(key=row, peer_group=(unit.kind, unit.depth), total=row.total))
        Evaluation.objects.filter(pk=evaluation.pk).update(units_done=start + len(chunk))
    rank_among_peers(ranked)
    for item in ranked:
        item.key.rank, item.key.peers = item.rank, item.peers
    with transaction.atomic():
        EvaluationRow.objects.filter(evaluation=evaluation).delete()  # a retried run only
        EvaluationRow.objects.bulk_create(rows, batch_size=1000)
        Evaluation.objects.filter(pk=evaluation.pk, status=EvaluationStatus.RUNNING).update(
            status=EvaluationStatus.DRAFT,
            units_total=len(units),
            units_done=len(units),
            computed_at=timezone.now(),
        )


@transaction.atomic
def evaluation_publish(*, actor: Any, evaluation: Evaluation) -> Evaluation:
    """Publish a draft: from now on it is frozen (a re-run is a new evaluation)."""
    _require_office(actor, evaluation.scheme.campaign)
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.status != EvaluationStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft evaluation can be published.")})
    evaluation.status = EvaluationStatus.PUBLISHED
    evaluation.published_at = timezone.now()
    evaluation.published_by = actor
    evaluation.save()
    return evaluation
