"""Evaluations: computed, ranked among peers, published and frozen; re-runs are new; manual
scores only by the unit's guidance team; pages and API through the scope matrix, bounded
queries, bad input, export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chuxin.assessment import services
from chuxin.assessment.models import Evaluation, EvaluationStatus, ManualScore
from chuxin.core.exports import read_back_xlsx

from .conftest import TODAY, AWorld, task

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
LIMIT = TODAY - 20 * DAY


def _data(a: AWorld) -> None:
    """County A: 1 of 2 due tasks on time (50); county B: 1 of 1 (100); county A scored 80."""
    c = a.campaign
    task(c, a.county_a, time_limit=LIMIT, status="verified", submitted_on=LIMIT, closed_on=LIMIT)
    task(c, a.branch_a, time_limit=LIMIT, status="in_progress")
    task(c, a.branch_b, time_limit=LIMIT, status="submitted", submitted_on=LIMIT - DAY)
    services.manual_score_set(
        actor=a.guidance, indicator=a.manual, unit=a.county_a, score="80", comment="工作扎实"
    )


def _run(a: AWorld, levels: int = 1) -> Evaluation:
    return services.evaluation_start(
        actor=a.office, scheme=a.scheme, batch=a.batch, cutoff=TODAY, levels=levels
    )


def _totals(evaluation: Evaluation) -> dict[int, tuple[Any, str, int | None]]:
    return {r.unit_id: (r.total, r.grade, r.rank) for r in evaluation.rows.all()}


def test_totals_grades_and_ranking_among_peers(a: AWorld) -> None:
    _data(a)
    evaluation = _run(a)
    assert evaluation.status == EvaluationStatus.DRAFT
    assert _totals(evaluation) == {
        a.county_a.pk: (D("62.00"), "fair", 2),  # 50*0.6 + 80*0.4
        a.county_b.pk: (D("100.00"), "excellent", 1),  # manual missing: re-normalised
        a.city_a.pk: (D("50.00"), "poor", 2),
        a.city_b.pk: (D("100.00"), "excellent", 1),
    }
    row = evaluation.rows.get(unit=a.county_b)
    assert row.renormalised and row.peers == 2
    assert row.scores[1]["value"] is None and row.scores[0]["share"] == "100.00"
    county_a = evaluation.rows.get(unit=a.county_a)
    assert not county_a.renormalised
    assert county_a.scores[0]["numerator"] == "1.00" and county_a.scores[0]["denominator"] == "2.00"
    assert "工作扎实" in county_a.scores[1]["note"]


def test_published_evaluation_is_frozen_and_rerun_differs(a: AWorld) -> None:
    _data(a)
    first = _run(a)
    services.evaluation_publish(actor=a.office, evaluation=first)
    before = _totals(first)
    # data change: county B gets a late task; the scheme's weights change
    task(a.campaign, a.county_b, time_limit=LIMIT, status="verified", submitted_on=LIMIT + DAY)
    services.indicator_update(
        actor=a.office,
        indicator=a.on_time,
        label="按时整改率",
        method="computed",
        key="rectification.on_time",
        weight=10,
    )
    first.refresh_from_db()
    assert _totals(first) == before
    assert first.scheme_snapshot["indicators"][0]["weight"] == "60.00"
    page = a.client_for(a.office).get(f"/assessment/evaluations/{first.pk}/units/{a.county_b.pk}/")
    assert "100.00" in page.content.decode()
    with pytest.raises(ValidationError):
        services.evaluation_publish(actor=a.office, evaluation=first)
    second = _run(a)
    assert second.pk != first.pk
    assert _totals(second)[a.county_b.pk] == (D("50.00"), "poor", 2)
    first.refresh_from_db()
    assert _totals(first) == before


def test_manual_scores_only_by_the_units_team(a: AWorld) -> None:
    services.manual_score_set(actor=a.leader, indicator=a.manual, unit=a.county_a, score=70)
    for user in (a.office, a.city_admin, a.other_county_admin, a.member_user, a.root):
        with pytest.raises(PermissionDenied):
            services.manual_score_set(actor=user, indicator=a.manual, unit=a.county_a, score=1)
    for unit in (a.city_a, a.township_a, a.county_b):
        with pytest.raises(PermissionDenied):
            services.manual_score_set(actor=a.guidance, indicator=a.manual, unit=unit, score=1)
    with pytest.raises(ValidationError) as exc:
        services.manual_score_set(actor=a.guidance, indicator=a.on_time, unit=a.county_a, score=1)
    assert "indicator" in exc.value.message_dict
    for bad in ("101", "-1", "abc", "NaN"):
        with pytest.raises(ValidationError) as exc:
            services.manual_score_set(
                actor=a.guidance, indicator=a.manual, unit=a.county_a, score=bad
            )
        assert "score" in exc.value.message_dict
    assert ManualScore.objects.get().score == D(70)
    # through the page and the API
    client = a.client_for(a.guidance)
    url = f"/assessment/scoring/{a.manual.pk}/{a.county_a.pk}/"
    assert client.post(url, {"score": "85", "comment": "好"}).status_code == 302
    assert client.post(url, {"score": "185"}).status_code == 422
    assert ManualScore.objects.get().score == D(85)
    assert a.client_for(a.office).post(url, {"score": "1"}).status_code == 403
    assert a.client_for(a.other_county_admin).post(url, {"score": "1"}).status_code == 404
    api = client.put(
        "/api/v1/assessment/scores",
        {"indicator_id": a.manual.pk, "unit_id": a.county_a.pk, "score": "90"},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["score"] == "90.00"
    denied = a.client_for(a.office).put(
        "/api/v1/assessment/scores",
        {"indicator_id": a.manual.pk, "unit_id": a.county_a.pk, "score": "90"},
        content_type="application/json",
    )
    assert denied.status_code == 403


def test_bad_input(a: AWorld) -> None:
    with pytest.raises(ValidationError) as exc:
        services.scheme_create(
            actor=a.office, campaign=a.campaign, name="", excellent_min=70, good_min=80, fair_min=60
        )
    assert {"name", "excellent_min"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        services.indicator_add(
            actor=a.office, scheme=a.scheme, label="x", method="computed", key="no.such", weight=0
        )
    assert {"key", "weight"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_start(
            actor=a.office, scheme=a.scheme, batch=a.batch, cutoff=TODAY + DAY, levels=9
        )
    assert {"cutoff", "levels"} <= set(exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.evaluation_start(actor=a.city_admin, scheme=a.scheme, batch=a.batch, cutoff=TODAY)
    assert not Evaluation.objects.exists()
    office = a.client_for(a.office)
    r = office.post(
        "/api/v1/assessment/schemes",
        {
            "campaign_id": a.campaign.pk,
            "name": "x",
            "excellent_min": 50,
            "good_min": 80,
            "fair_min": 60,
        },
        content_type="application/json",
    )
    assert r.status_code == 422 and "excellent_min" in r.json()["detail"]
    r = office.post(
        f"/api/v1/assessment/schemes/{a.scheme.pk}/indicators",
        {"method": "computed", "key": "nope", "weight": "5"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "key" in r.json()["detail"]
    r = office.post(
        f"/assessment/schemes/{a.scheme.pk}/run/",
        {"batch": a.batch.pk, "cutoff": "not a date", "levels": "1"},
    )
    assert r.status_code == 422
    r = office.post(
        f"/assessment/schemes/{a.scheme.pk}/edit/",
        {"name": "y", "excellent_min": "80", "good_min": "80", "fair_min": "60"},
    )
    assert r.status_code == 200 and "excellent" in r.content.decode()
    assert not Evaluation.objects.exists()


def test_pages_run_publish_export(a: AWorld, django_assert_max_num_queries: Any) -> None:
    _data(a)
    office = a.client_for(a.office)
    r = office.post(
        f"/assessment/schemes/{a.scheme.pk}/run/",
        {"batch": a.batch.pk, "cutoff": TODAY.isoformat(), "levels": "1"},
    )
    assert r.status_code == 302
    evaluation = Evaluation.objects.get()
    with django_assert_max_num_queries(15):
        page = office.get(f"/assessment/evaluations/{evaluation.pk}/")
    assert page.status_code == 200 and "和平区" in page.content.decode()
    assert office.post(f"/assessment/evaluations/{evaluation.pk}/publish/").status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == "published"
    export = office.get(f"/assessment/evaluations/{evaluation.pk}/export.xlsx")
    rows = read_back_xlsx(b"".join(export.streaming_content))
    assert len(rows) == 5
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["和平区"][-5] == 62.0 and by_name["和平区"][-3] == 2
    for path in ("/assessment/", f"/assessment/schemes/{a.scheme.pk}/"):
        with django_assert_max_num_queries(15):
            assert office.get(path).status_code == 200
    with django_assert_max_num_queries(12):
        assert office.get(f"/api/v1/assessment/evaluations/{evaluation.pk}/rows").status_code == 200
    with django_assert_max_num_queries(12):
        assert office.get("/api/v1/assessment/evaluations").status_code == 200
    with django_assert_max_num_queries(12):
        assert office.get("/api/v1/assessment/schemes").status_code == 200
    guidance = a.client_for(a.guidance)
    with django_assert_max_num_queries(15):
        assert guidance.get("/assessment/scoring/").status_code == 200


# who -> rows seen in a published evaluation (by unit attribute), scheme page status
ROWS = {
    "office": ({"city_a", "county_a", "city_b", "county_b"}, 200),
    "city_admin": ({"city_a", "county_a"}, 404),
    "other_county_admin": ({"county_b"}, 404),
    "guidance": ({"county_a"}, 404),
    "member_user": (set(), 404),
}


@pytest.mark.parametrize("who", [*ROWS, None])
def test_scope_matrix(a: AWorld, who: str | None) -> None:
    _data(a)
    draft = _run(a)
    published = _run(a)
    services.evaluation_publish(actor=a.office, evaluation=published)
    client = a.client_for(getattr(a, who) if who else None)
    page = client.get(f"/assessment/evaluations/{published.pk}/")
    draft_page = client.get(f"/assessment/evaluations/{draft.pk}/")
    scheme_page = client.get(f"/assessment/schemes/{a.scheme.pk}/")
    api_rows = client.get(f"/api/v1/assessment/evaluations/{published.pk}/rows")
    scoring = client.get("/assessment/scoring/")
    if who is None:
        assert page.status_code == draft_page.status_code == scheme_page.status_code == 302
        assert api_rows.status_code == 401
        return
    expected, scheme_status = ROWS[who]
    assert page.status_code == 200
    assert draft_page.status_code == (200 if who == "office" else 404)
    assert scheme_page.status_code == scheme_status
    seen = {r["unit_id"] for r in api_rows.json()["items"]}
    assert seen == {getattr(a, name).pk for name in expected}
    for name in ("county_a", "county_b"):
        card = client.get(f"/assessment/evaluations/{published.pk}/units/{getattr(a, name).pk}/")
        assert card.status_code == (200 if name in expected else 404)
    assert scoring.status_code == (200 if who == "guidance" else 404)
    publish = client.post(f"/assessment/evaluations/{draft.pk}/publish/")
    assert publish.status_code == (302 if who == "office" else 404)


def test_large_runs_in_the_background_with_progress(
    a: AWorld, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _data(a)
    monkeypatch.setattr(services, "SYNC_UNITS", 1)
    office = a.client_for(a.office)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        evaluation = _run(a)
    assert evaluation.status == EvaluationStatus.RUNNING and evaluation.units_total == 4
    page = office.get(f"/assessment/evaluations/{evaluation.pk}/")
    assert 'id="progress"' in page.content.decode()
    poll = office.get(f"/assessment/evaluations/{evaluation.pk}/?progress=1")
    assert poll.status_code == 200 and "0 of 4" in poll.content.decode()
    assert len(callbacks) == 1
    callbacks[0]()  # the task enqueued after commit (the immediate backend runs it)
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT and evaluation.units_done == 4
    assert _totals(evaluation)[a.county_a.pk] == (D("62.00"), "fair", 2)
    done = office.get(f"/assessment/evaluations/{evaluation.pk}/?progress=1")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_an_indicator_no_longer_registered_has_no_value(a: AWorld) -> None:
    _data(a)
    a.on_time.key = "gone.away"
    a.on_time.save()
    evaluation = _run(a)
    row = evaluation.rows.get(unit=a.county_a)
    assert row.scores[0]["value"] is None and row.renormalised
    assert row.total == D("80.00")


def test_a_failing_indicator_marks_the_evaluation_failed(a: AWorld, monkeypatch: Any) -> None:
    from chuxin.assessment import indicators as registry

    def broken(campaign: Any, units: Any, cutoff: Any) -> Any:
        raise RuntimeError("counter table missing")

    original = registry.get("rectification.on_time")
    monkeypatch.setitem(
        registry._REGISTRY,
        "rectification.on_time",
        registry.Indicator(key=original.key, label=original.label, compute=broken),
    )
    evaluation = _run(a)
    assert evaluation.status == EvaluationStatus.FAILED
    assert "counter table missing" in evaluation.error
    assert not evaluation.rows.exists()
    page = a.client_for(a.office).get(f"/assessment/evaluations/{evaluation.pk}/")
    assert "counter table missing" in page.content.decode()
    with pytest.raises(ValidationError):
        services.evaluation_publish(actor=a.office, evaluation=evaluation)
