"""The demo writes study data with a realistic spread, and every counter agrees with it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from chuxin.organization.models import Unit
from chuxin.study.models import StudyItem, StudyRecord, StudySession, UnitStudyRollup


@pytest.mark.django_db(transaction=True)
def test_county_demo_has_study_data_and_true_counters() -> None:
    call_command("demo", scale="county", no_progress=True, stdout=io.StringIO())
    assert StudyItem.objects.filter(title__contains="四中全会").get().applies_from.month == 11
    records = StudyRecord.objects.count()
    root = UnitStudyRollup.objects.get(unit=Unit.objects.get(depth=1))
    assert 8 * root.subtree_members < records < 12 * root.subtree_members
    assert StudySession.objects.exists()
    coverage = root.subtree_covered / root.subtree_required
    assert 0.8 < coverage < 0.97  # most covered, some lagging
    assert root.subtree_never_recorded > 0  # a few dead ends
    call_command("check_counters", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_demo_only_loads_the_chosen_capabilities() -> None:
    from chuxin.rectification.models import RectificationTask

    out = io.StringIO()
    call_command("demo", scale="tiny", only="study", no_progress=True, stdout=out)
    assert StudyRecord.objects.exists()
    assert not RectificationTask.objects.exists()
    assert "rectification" in out.getvalue().split("not loaded:")[1]
    call_command("check_counters", stdout=io.StringIO())
    call_command("flush", "--noinput", stdout=io.StringIO())
    call_command("demo", scale="tiny", only="rectification", no_progress=True, stdout=out)
    assert RectificationTask.objects.exists()
    assert not StudyRecord.objects.exists()
    assert UnitStudyRollup.objects.count() == Unit.objects.count()  # every unit has its row
    call_command("check_counters", stdout=io.StringIO())


@pytest.mark.django_db
def test_demo_only_refuses_unknown_labels_before_loading() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nope"):
        call_command("demo", scale="tiny", only="study,nope", stdout=io.StringIO())
    assert not Unit.objects.exists()


def test_selection_helpers() -> None:
    from chuxin.organization.demo import wants
    from chuxin.organization.demo.selection import app_label_of, demo_apps, parse_only

    assert parse_only(None) is None and parse_only(" , ") is None
    assert parse_only("study, rectification") == {"study", "rectification", "organization"}
    assert wants("study") and wants("study", only=None)
    assert wants("study", only=frozenset({"study", "organization"}))
    assert not wants("rectification", only=frozenset({"study", "organization"}))
    assert wants("organization", only=frozenset({"study"}))
    assert app_label_of(test_selection_helpers) == "study"
    assert {"study", "rectification"} <= set(demo_apps())


def test_a_new_receiver_is_selected_by_its_app_without_change() -> None:
    from chuxin.organization.demo.selection import send_selected
    from chuxin.organization.models import Campaign
    from chuxin.organization.signals import demo_campaign_loaded

    calls: list[object] = []

    def receiver(sender: object, **kwargs: object) -> None:  # defined in the study app
        calls.append(kwargs["only"])

    demo_campaign_loaded.connect(receiver, dispatch_uid="test.selection")
    try:
        # Other receivers are not called: only a selection that names no real app's data.
        send_selected(demo_campaign_loaded, Campaign, only=frozenset({"organization"}))
        assert calls == []
        from chuxin.study import receivers

        original = receivers.on_demo_campaign_loaded
        assert original is not None
        # With study chosen, this receiver runs (the study one is kept out of the way).
        demo_campaign_loaded.disconnect(dispatch_uid="study.demo_campaign_loaded")
        try:
            send_selected(demo_campaign_loaded, Campaign, only=frozenset({"study"}))
        finally:
            demo_campaign_loaded.connect(original, dispatch_uid="study.demo_campaign_loaded")
        assert calls == [frozenset({"study"})]
    finally:
        demo_campaign_loaded.disconnect(dispatch_uid="test.selection")
