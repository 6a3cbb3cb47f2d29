"""Writes of the public's portal: submitting an opinion (by the public or by office staff
for a call, letter or forum), triage by the receiving office, and satisfaction ratings.

Who may: anyone submits through the web portal and rates with a tracking code or on the
public page (the views and API add the rate limit and the challenge); those who manage the
opinion's unit enter opinions from other channels and triage them.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.notifications import Message, notify_many
from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Campaign, Role, RoleAssignment, Unit
from chuxin.problems import services as problem_services
from chuxin.problems.models import (
    Problem,
    ProblemCategory,
    ProblemSource,
    ProblemStatus,
    PublicPoint,
    Severity,
)
from chuxin.rectification.models import TaskStatus

from . import protect
from .models import (
    ANSWER_MAX,
    COMMENT_MAX,
    SCORES,
    TEXT_MAX,
    Opinion,
    OpinionChannel,
    OpinionStatus,
    RatingSource,
    Satisfaction,
    SatisfactionRating,
)

# No 0/O, 1/I/L: a code read over the phone or copied by hand comes out right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31**10 ~ 8e14 codes
NAME_MAX, PHONE_MAX, EMAIL_MAX = 100, 30, 254
_PHONE = re.compile(r"^[0-9+()\- ]{5,30}$")
TRIAGEABLE = (OpinionStatus.NEW, OpinionStatus.ANSWERED)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """A typed code as stored: upper case, without spaces or dashes (nonsense stays so)."""
    return re.sub(r"[\s\-]", "", str(raw or "")).upper()[:32]


def is_code_shaped(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def campaign_for_unit(unit: Unit) -> Campaign | None:
    """The campaign the unit takes part in: the one running today if any, else the latest."""
    paths = unit.ancestor_paths(include_self=True)
    today = timezone.localdate()
    qs = Campaign.objects.filter(root_unit__path__in=paths)
    running = qs.filter(start_date__lte=today, end_date__gte=today).order_by("-start_date").first()
    return running or qs.order_by("-start_date", "-pk").first()


def _require_manage(actor: Any, unit: Unit) -> None:
    if not scope_for(actor).allows(unit, Action.MANAGE):
        raise PermissionDenied(_("You may not handle opinions about %(unit)s.") % {"unit": unit})


def _clean_contact(contact: dict[str, str] | None, errors: dict[str, str]) -> dict[str, str]:
    contact = {k: str((contact or {}).get(k) or "").strip() for k in protect.CONTACT_FIELDS}
    if len(contact["name"]) > NAME_MAX:
        errors["contact_name"] = _("At most %(n)d characters.") % {"n": NAME_MAX}
    if contact["phone"] and not _PHONE.match(contact["phone"]):
        errors["contact_phone"] = _("Enter a phone number (digits, spaces, + and -).")
    if contact["email"]:
        try:
            if len(contact["email"]) > EMAIL_MAX:
                raise ValidationError("too long")
            validate_email(contact["email"])
        except ValidationError:
            errors["contact_email"] = _("Enter a valid email address.")
    return contact


@transaction.atomic
def opinion_submit(
    *,
    actor: Any = None,
    unit: Unit,
    text: str,
    category: str = "",
    contact: dict[str, str] | None = None,
    channel: str = OpinionChannel.WEB,
) -> Opinion:
    """Record an opinion about a unit and give it a tracking code. From the web portal anyone
    may (``actor`` None or anyone); from the hotline, letters or forums only staff who manage
    the unit. The administrators of the receiving office are told after the commit."""
    errors: dict[str, str] = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Please say what your opinion is.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _(
            "At most %(n)d characters, please (this text has %(m)d). Shorten it or split it."
        ) % {"n": TEXT_MAX, "m": len(text)}
    if category and category not in ProblemCategory.values:
        errors["category"] = _("Choose one of the listed values.")
    if channel not in OpinionChannel.values:
        errors["channel"] = _("Choose one of the listed values.")
    if unit is None or unit.archived_at is not None:
        errors["unit"] = _("Choose the place or unit your opinion is about.")
    clean = _clean_contact(contact, errors)
    if errors:
        raise ValidationError(errors)
    if channel != OpinionChannel.WEB:
        _require_manage(actor, unit)
    is_staff = getattr(actor, "is_authenticated", False)
    for _attempt in range(5):
        code = new_code()
        if not Opinion.objects.filter(code=code).exists():
            break
    opinion = Opinion.objects.create(
        campaign=campaign_for_unit(unit),
        unit=unit,
        code=code,
        text=text,
        category=category or "",
        channel=channel,
        contact=protect.seal_contact(clean),
        has_contact=any(clean.values()),
        entered_by=actor if is_staff and channel != OpinionChannel.WEB else None,
    )
    transaction.on_commit(lambda: notify_receivers(opinion))
    return opinion


def receiving_managers(unit: Unit) -> list[int]:
    """The users who receive opinions about the unit: the managers (office or administrator)
    of the unit itself or, failing that, of the nearest unit above that has any."""
    paths = unit.ancestor_paths(include_self=True)
    rows = RoleAssignment.objects.filter(
        role__in=(Role.OFFICE, Role.UNIT_ADMIN), unit__path__in=paths, user__is_active=True
    ).values_list("user_id", "unit__path", "include_subtree")
    by_depth: dict[int, set[int]] = {}
    for user_id, path, subtree in rows:
        if path == unit.path or subtree:
            by_depth.setdefault(len(path), set()).add(user_id)
    return sorted(by_depth[max(by_depth)]) if by_depth else []


def notify_receivers(opinion: Opinion) -> int:
    users = receiving_managers(opinion.unit)
    url = reverse("portal:opinion_detail", args=[opinion.pk])
    title = _("New opinion of the public about %(unit)s") % {"unit": opinion.unit.name}
    return len(
        notify_many(
            Message(
                user_id=user_id,
                kind="portal.opinion",
                title=title,
                body=opinion.text[:300],
                url=url,
                dedupe_key=f"portal.opinion.{opinion.pk}",
            )
            for user_id in users
        )
    )


def _triage_check(actor: Any, opinion: Opinion, allowed: tuple[str, ...] = TRIAGEABLE) -> Opinion:
    _require_manage(actor, opinion.unit)
    # Lock the row, then read it afresh into the caller's object (it sees the outcome too).
    Opinion.objects.select_for_update().filter(pk=opinion.pk).values_list("pk").first()
    opinion.refresh_from_db()
    if opinion.status not in allowed:
        raise ValidationError(
            {
                "__all__": _("An opinion that is “%(s)s” cannot be handled that way.")
                % {"s": opinion.get_status_display()}
            }
        )
    return opinion


def _clean_answer(answer: str, field: str, *, required: bool) -> str:
    answer = (answer or "").strip()
    if required and not answer:
        raise ValidationError({field: _("This field is required.")})
    if len(answer) > ANSWER_MAX:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": ANSWER_MAX}})
    return answer


def _mark(opinion: Opinion, actor: Any, status: str, answer: str = "") -> None:
    now = timezone.now()
    opinion.status = status
    opinion.triaged_at = now
    opinion.triaged_by = actor if getattr(actor, "pk", None) else None
    if answer:
        opinion.public_answer = answer
        opinion.answered_at = now
    opinion.save()


@transaction.atomic
def opinion_to_problem(
    *,
    actor: Any,
    opinion: Opinion,
    title: str,
    category: str,
    public_point: str = "",
    severity: str = Severity.MEDIUM,
    is_public: bool = True,
    unit: Unit | None = None,
    answer: str = "",
) -> Problem:
    """Turn the opinion into a problem on the list (source: the public's opinions) of its
    unit or another unit the actor manages; the problem is public unless said otherwise."""
    opinion = _triage_check(actor, opinion)
    answer = _clean_answer(answer, "answer", required=False)
    target = unit or opinion.unit
    campaign = opinion.campaign or campaign_for_unit(target)
    if campaign is None:
        raise ValidationError({"__all__": _("No campaign covers this unit.")})
    problem = problem_services.problem_create(
        actor=actor,
        campaign=campaign,
        unit=target,
        title=title,
        source=ProblemSource.PUBLIC_OPINION,
        category=category,
        description=opinion.text,
        public_point=public_point or "",
        severity=severity,
        reported_on=timezone.localdate(opinion.created_at),
        is_public=is_public,
    )
    opinion.problem = problem
    _mark(opinion, actor, OpinionStatus.PROBLEM, answer)
    return problem


@transaction.atomic
def opinion_merge(*, actor: Any, opinion: Opinion, problem: Problem, answer: str = "") -> Opinion:
    """Join the opinion to a problem already on the list (a duplicate)."""
    opinion = _triage_check(actor, opinion)
    answer = _clean_answer(answer, "answer", required=False)
    if not scope_for(actor).allows(problem.unit, Action.VIEW):
        raise ValidationError({"problem": _("Choose a problem you can see.")})
    survivor = survivor_of(problem)
    if survivor is None:
        raise ValidationError({"problem": _("Choose a problem that is not merged.")})
    opinion.problem = survivor
    _mark(opinion, actor, OpinionStatus.MERGED, answer)
    return opinion


@transaction.atomic
def opinion_answer(*, actor: Any, opinion: Opinion, answer: str) -> Opinion:
    """Reply publicly; a new opinion counts as answered, a triaged one keeps its status."""
    allowed = (*TRIAGEABLE, OpinionStatus.PROBLEM, OpinionStatus.MERGED)
    opinion = _triage_check(actor, opinion, allowed)
    answer = _clean_answer(answer, "answer", required=True)
    status = OpinionStatus.ANSWERED if opinion.status == OpinionStatus.NEW else opinion.status
    _mark(opinion, actor, status, answer)
    return opinion


@transaction.atomic
def opinion_close(*, actor: Any, opinion: Opinion, reason: str) -> Opinion:
    """Close without a problem, with the reason the public sees."""
    opinion = _triage_check(actor, opinion)
    reason = _clean_answer(reason, "reason", required=True)
    _mark(opinion, actor, OpinionStatus.CLOSED, reason)
    return opinion


# --- Satisfaction ----------------------------------------------------------------------------


def survivor_of(problem: Problem | None) -> Problem | None:
    """The problem itself, or the one it was merged into (followed to the end)."""
    seen = 0
    while problem is not None and problem.status == ProblemStatus.MERGED and seen < 10:
        problem = problem.merged_into
        seen += 1
    if problem is None or problem.status == ProblemStatus.MERGED:
        return None
    return problem


def is_ratable(problem: Problem | None) -> bool:
    """A public problem with at least one rectification task verified and closed."""
    return bool(
        problem is not None
        and problem.is_public
        and problem.status != ProblemStatus.MERGED
        and problem.tasks.filter(status=TaskStatus.VERIFIED).exists()
    )


def _clean_rating(level: str, comment: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    if level not in Satisfaction.values:
        errors["level"] = _("Choose how satisfied you are.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = _("At most %(n)d characters, please (this comment has %(m)d).") % {
            "n": COMMENT_MAX,
            "m": len(comment),
        }
    if errors:
        raise ValidationError(errors)
    return level, comment


@transaction.atomic
def rating_by_code(*, opinion: Opinion, level: str, comment: str = "") -> SatisfactionRating:
    """The rating of the one who raised the opinion: once per tracking code."""
    level, comment = _clean_rating(level, comment)
    problem = survivor_of(opinion.problem)
    if not is_ratable(problem):
        raise ValidationError({"__all__": _("There is no closed result to rate yet.")})
    assert problem is not None
    if SatisfactionRating.objects.filter(opinion=opinion).exists():
        raise ValidationError({"__all__": _("This tracking code has already been used to rate.")})
    try:
        with transaction.atomic():
            return SatisfactionRating.objects.create(
                problem=problem,
                opinion=opinion,
                source=RatingSource.TRACKING_CODE,
                level=level,
                score=SCORES[Satisfaction(level)],
                comment=comment,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"__all__": _("This tracking code has already been used to rate.")}
        ) from exc


@transaction.atomic
def rating_on_page(
    *, problem: Problem, address: str, level: str, comment: str = ""
) -> SatisfactionRating:
    """A visitor's rating from the public page: once per client address and problem."""
    level, comment = _clean_rating(level, comment)
    if not is_ratable(problem):
        raise ValidationError({"__all__": _("There is no closed result to rate yet.")})
    digest = protect.client_digest(address)
    message = _("A rating of this result has already been given from your address.")
    if SatisfactionRating.objects.filter(
        problem=problem, opinion__isnull=True, client_digest=digest
    ).exists():
        raise ValidationError({"__all__": message})
    try:
        with transaction.atomic():
            return SatisfactionRating.objects.create(
                problem=problem,
                source=RatingSource.PUBLIC_PAGE,
                level=level,
                score=SCORES[Satisfaction(level)],
                comment=comment,
                client_digest=digest,
            )
    except IntegrityError as exc:
        raise ValidationError({"__all__": message}) from exc


def clean_public_point(value: str) -> str:
    return value if value in PublicPoint.values else ""
