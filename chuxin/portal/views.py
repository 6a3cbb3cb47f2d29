"""Public pages of the portal, without login: submit an opinion (a unit picker that works
without JavaScript, enhanced by htmx), follow it by its tracking code, see the public results
of a unit, and rate a closed result. Every write is rate-limited per client address and asks
a small sum; a wrong or guessed code answers 404 like any unknown page, and too many of them
answer 429."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core.forms import run_form
from chuxin.core.pagination import paginate, query_without_page
from chuxin.organization.models import Unit
from chuxin.problems.models import Problem

from . import abuse, selectors, services
from .forms import OpinionForm, RatingForm, TrackForm
from .models import Opinion, SatisfactionRating

CHALLENGE_FIELDS = ("challenge_answer", "challenge_token", abuse.HONEYPOT)


def limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer 429 with a clear message (and Retry-After) when the client is past a limit."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except abuse.RateLimited as exc:
            response = render(
                request,
                "portal/too_many.html",
                {"minutes": max(1, exc.retry_after // 60)},
                status=429,
            )
            response["Retry-After"] = str(exc.retry_after)
            return response

    return wrapper


def _fresh(form_class: type[Any], data: Any = None, **kwargs: Any) -> Any:
    """A form with a new challenge (the old one is used once at most)."""
    challenge = abuse.new_challenge()
    initial = {"challenge_token": challenge.token}
    if data is not None:
        initial |= {k: v for k, v in data.items() if k not in CHALLENGE_FIELDS}
    form = form_class(initial=initial, **kwargs)
    form.challenge = challenge
    return form


def _rebind(form: Any) -> Any:
    """A bound form with its errors, given a new challenge to answer."""
    challenge = abuse.new_challenge()
    data = form.data.copy()
    data["challenge_token"] = challenge.token
    data["challenge_answer"] = ""
    errors = form.errors
    rebound = type(form)(data)
    rebound._errors = errors
    rebound.cleaned_data = getattr(form, "cleaned_data", {})
    rebound.challenge = challenge
    return rebound


# --- Home ------------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"track_form": TrackForm()})


# --- Submit ----------------------------------------------------------------------------------


def _unit_or_none(value: Any) -> Unit | None:
    try:
        return selectors.public_unit(int(value)) if value not in (None, "") else None
    except (Http404, TypeError, ValueError):
        return None


@never_cache
@limited
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """The opinion form. "Find" (or Enter in the search box) lists the matching units without
    losing what was typed; "Submit" checks the limit and the sum, and gives the code."""
    source = request.POST if request.method == "POST" else request.GET
    chosen = _unit_or_none(source.get("unit"))
    query = str(source.get("unit_q", ""))[:50]
    if request.method == "POST" and request.POST.get("do") == "submit":
        abuse.hit(request, "submit")
        form = OpinionForm(request.POST)

        def record(data: dict[str, Any]) -> Opinion:
            if chosen is None:
                raise ValidationError(
                    {"unit_q": _("Choose the place or unit your opinion is about.")}
                )
            return services.opinion_submit(
                unit=chosen,
                text=data["text"],
                category=data["category"],
                contact={
                    "name": data["contact_name"],
                    "phone": data["contact_phone"],
                    "email": data["contact_email"],
                },
            )

        if response := run_form(
            request,
            form,
            record,
            success=lambda opinion: (
                _("Thank you. Your opinion was received. Keep your tracking code: %(code)s")
                % {"code": opinion.code}
            ),
            redirect_to=lambda opinion: reverse("portal:track", kwargs={"code": opinion.code}),
            field_map={"unit": "unit_q"},
        ):
            return response
        form = _rebind(form)
    else:
        if query:
            abuse.hit(request, "search")
        form = _fresh(OpinionForm, source if request.method == "POST" else None)
    matches = selectors.public_unit_search(query) if query else []
    return render(
        request,
        "portal/submit.html",
        {"form": form, "chosen": chosen, "matches": matches, "query": query},
    )


@limited
@require_GET
def unit_choices(request: HttpRequest) -> HttpResponse:
    """The matching units as radio buttons (htmx swaps them into the opinion form)."""
    query = str(request.GET.get("unit_q", ""))[:50]
    if query:
        abuse.hit(request, "search")
    return render(
        request,
        "portal/_unit_choices.html",
        {
            "matches": selectors.public_unit_search(query),
            "query": query,
            "chosen": _unit_or_none(request.GET.get("unit")),
        },
    )


# --- Track -----------------------------------------------------------------------------------


def opinion_by_code(request: HttpRequest, raw: str) -> Opinion:
    """The opinion of a code, or 404 for anything else (malformed or unknown alike); too many
    misses from one address answer 429 from then on."""
    abuse.check(request, "track_miss")
    abuse.hit(request, "track")
    code = services.normalize_code(raw)
    opinion = (
        Opinion.objects.select_related("unit", "problem__merged_into").filter(code=code).first()
        if services.is_code_shaped(code)
        else None
    )
    if opinion is None:
        abuse.hit(request, "track_miss")
        raise Http404
    return opinion


@limited
@require_GET
def track_lookup(request: HttpRequest) -> HttpResponse:
    opinion = opinion_by_code(request, str(request.GET.get("code", ""))[:64])
    return redirect("portal:track", code=opinion.code)


def _track_context(opinion: Opinion, **extra: Any) -> dict[str, Any]:
    problem = services.survivor_of(opinion.problem)
    public = None
    if problem is not None and problem.is_public:
        public = selectors.public_problem(problem.pk)
    rating = SatisfactionRating.objects.filter(opinion=opinion).first()
    ratable = rating is None and services.is_ratable(problem)
    context = {
        "opinion": opinion,
        "problem": problem,
        "public_problem": public,
        "rating": rating,
        "ratable": ratable,
    }
    if ratable and "form" not in extra:
        context["form"] = _fresh(RatingForm)
    return context | extra


@never_cache
@limited
@require_GET
def track(request: HttpRequest, code: str) -> HttpResponse:
    opinion = opinion_by_code(request, code)
    return render(request, "portal/track.html", _track_context(opinion))


@never_cache
@limited
@require_POST
def rate_by_code(request: HttpRequest, code: str) -> HttpResponse:
    opinion = opinion_by_code(request, code)
    abuse.hit(request, "rate")
    form = RatingForm(request.POST)
    if response := run_form(
        request,
        form,
        lambda data: services.rating_by_code(
            opinion=opinion, level=data["level"], comment=data["comment"]
        ),
        success=_("Thank you for rating the result."),
        redirect_to=reverse("portal:track", kwargs={"code": opinion.code}),
    ):
        return response
    context = _track_context(opinion, form=_rebind(form))
    return render(request, "portal/track.html", context, status=400)


# --- Public results --------------------------------------------------------------------------


@limited
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """Find a unit to see its public results."""
    query = str(request.GET.get("q", ""))[:50]
    if query:
        abuse.hit(request, "search")
    return render(
        request,
        "portal/results.html",
        {"query": query, "matches": selectors.public_unit_search(query)},
    )


@require_GET
def unit_results(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.public_unit(pk)
    page = paginate(request, selectors.public_problems(unit), per_page=20)
    return render(
        request,
        "portal/unit_results.html",
        {
            "unit": unit,
            "figures": selectors.public_figures(unit),
            "page": page,
            "page_query": query_without_page(request),
        },
    )


def _problem_context(problem: Problem, **extra: Any) -> dict[str, Any]:
    ratable = services.is_ratable(problem)
    context = {
        "problem": problem,
        "breakdown": selectors.rating_breakdown(problem),
        "ratable": ratable,
    }
    if ratable and "form" not in extra:
        context["form"] = _fresh(RatingForm)
    return context | extra


@never_cache
@require_GET
def public_problem(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.public_problem(pk)
    if problem.merged_into_id:
        survivor = services.survivor_of(problem)
        if survivor is None or not survivor.is_public:
            raise Http404
        return redirect("portal:problem", pk=survivor.pk)
    return render(request, "portal/problem.html", _problem_context(problem))


@never_cache
@limited
@require_POST
def rate_on_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A visitor's rating: once per address and problem, rate-limited, with the sum."""
    problem = selectors.public_problem(pk)
    abuse.hit(request, "rate")
    form = RatingForm(request.POST)
    if response := run_form(
        request,
        form,
        lambda data: services.rating_on_page(
            problem=problem,
            address=abuse.client_address(request),
            level=data["level"],
            comment=data["comment"],
        ),
        success=_("Thank you for rating the result."),
        redirect_to=reverse("portal:problem", args=[problem.pk]),
    ):
        return response
    return render(
        request, "portal/problem.html", _problem_context(problem, form=_rebind(form)), status=400
    )
