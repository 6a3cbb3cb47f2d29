"""The public's portal (no login): opinions with their tracking codes, and the public's
satisfaction with the rectification of public problems.

An :class:`Opinion` is what a member of the public (or office staff taking a call, a letter
or a forum's notes) says about a unit. Its contact details are stored encrypted
(``protect.py``) and shown only to those who manage the unit. The receiving office triages
it: into a problem, merged into an existing problem, answered, or closed with a public reason.

A :class:`SatisfactionRating` is one rating of the result of a public problem's
rectification: by the people who raised it (one per tracking code) or by visitors of the
public results page (one per client address and problem).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chuxin.core.models import TimeStampedModel
from chuxin.organization.models import Campaign, Unit
from chuxin.problems.models import Problem, ProblemCategory

TEXT_MAX = 2000
COMMENT_MAX = 500
ANSWER_MAX = 2000


class OpinionChannel(models.TextChoices):
    WEB = "web", _("web portal")
    HOTLINE = "hotline", _("hotline")
    LETTER = "letter", _("letter")
    FORUM = "forum", _("forum")


class OpinionStatus(models.TextChoices):
    NEW = "new", _("received, awaiting triage")
    PROBLEM = "problem", _("accepted as a problem")
    MERGED = "merged", _("joined to an existing problem")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")


class Opinion(TimeStampedModel):
    """One opinion of the public about a unit, followed by its tracking ``code``.

    ``contact`` is the encrypted JSON of the optional name, phone and email (never stored in
    the clear, never in the history); ``has_contact`` says whether there is any without
    decrypting. ``problem`` is the problem it became or joined. ``public_answer`` is the
    reply or the reason for closing, shown to anyone with the code.
    """

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinions",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit concerned"), on_delete=models.PROTECT, related_name="opinions"
    )
    code = models.CharField(_("tracking code"), max_length=16, unique=True)
    text = models.TextField(_("opinion"))
    category = models.CharField(
        _("category"), max_length=20, choices=ProblemCategory.choices, blank=True
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=OpinionChannel.choices, default=OpinionChannel.WEB
    )
    contact = models.TextField(_("contact (encrypted)"), blank=True, editable=False)
    has_contact = models.BooleanField(_("contact given"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=OpinionStatus.choices, default=OpinionStatus.NEW
    )
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinions",
    )
    public_answer = models.TextField(_("public answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "contact"])

    class Meta:
        verbose_name = _("opinion of the public")
        verbose_name_plural = _("opinions of the public")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "status"], name="opinion_unit_status"),
            models.Index(fields=["status", "created_at"], name="opinion_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.unit_id}"


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very", _("very satisfied")
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY_SATISFIED = "basically", _("basically satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


# The 0-100 score of each level (the assessment's scale): the three satisfied levels step down
# by 20, and dissatisfied scores nothing, so that one dissatisfied rating weighs heavily.
SCORES = {
    Satisfaction.VERY_SATISFIED: 100,
    Satisfaction.SATISFIED: 80,
    Satisfaction.BASICALLY_SATISFIED: 60,
    Satisfaction.DISSATISFIED: 0,
}


class RatingSource(models.TextChoices):
    TRACKING_CODE = "code", _("by tracking code")
    PUBLIC_PAGE = "page", _("on the public page")


class SatisfactionRating(models.Model):
    """One rating of the rectification result of a public problem.

    Through a tracking code (``opinion`` set): at most one per code. From the public page
    (``opinion`` empty): at most one per client address and problem, recognised by
    ``client_digest`` (a keyed digest of the address; the address itself is never stored).
    """

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.PROTECT, related_name="ratings"
    )
    opinion = models.OneToOneField(
        Opinion,
        verbose_name=_("opinion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rating",
    )
    source = models.CharField(_("source"), max_length=4, choices=RatingSource.choices)
    level = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices)
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    client_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("rated"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "client_digest"],
                condition=Q(opinion__isnull=True),
                name="rating_once_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} · {self.level}"
