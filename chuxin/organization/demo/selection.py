"""Which capabilities' demo data to load: ``chuxin demo --only study,rectification``.

The organization (units, members, campaign, demo users) always loads; every other capability
writes its demo data from a receiver of ``demo_campaign_loaded``. With a selection, the loader
calls only the receivers defined in a selected app (the app that holds the receiver's module),
so receivers need no change. The selection also travels with the signal as ``only=`` (a
frozenset of app labels, or ``None`` for everything); a receiver that does work for several
apps can ask :func:`wants`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

from django.apps import apps
from django.dispatch import Signal

ALWAYS = "organization"


def parse_only(value: str | Iterable[str] | None) -> frozenset[str] | None:
    """``"study, rectification"`` -> ``frozenset({"study", "rectification", "organization"})``;
    ``None`` or empty -> ``None`` (everything). Raises ``ValueError`` naming unknown labels."""
    if value is None:
        return None
    labels = value.split(",") if isinstance(value, str) else list(value)
    chosen = {label.strip() for label in labels if label.strip()}
    if not chosen:
        return None
    known = {config.label for config in apps.get_app_configs()}
    unknown = sorted(chosen - known)
    if unknown:
        raise ValueError(
            f"unknown app label(s): {', '.join(unknown)} "
            f"(choose among: {', '.join(sorted(demo_apps()))})"
        )
    return frozenset(chosen | {ALWAYS})


def wants(app_label: str, **kwargs: Any) -> bool:
    """In a ``demo_campaign_loaded`` receiver: does this load want ``app_label``'s data?

    ``wants("study", **kwargs)`` is true when no selection was made or ``study`` is in it.
    """
    only: Collection[str] | None = kwargs.get("only")
    return only is None or app_label in only or app_label == ALWAYS


def app_label_of(receiver: Callable[..., Any]) -> str | None:
    """The label of the installed app whose package holds ``receiver`` (None if none does)."""
    target = getattr(receiver, "__wrapped__", receiver)
    module = getattr(target, "__module__", None) or ""
    config = apps.get_containing_app_config(module) if module else None
    return config.label if config is not None else None


def live_receivers(signal: Signal, sender: Any) -> list[Callable[..., Any]] | None:
    """The signal's live synchronous receivers for ``sender``, in connection order; ``None``
    if this Django's private API does not tell (the caller then sends to all)."""
    try:
        found = signal._live_receivers(sender)
    except AttributeError:  # pragma: no cover - a future Django
        return None
    if isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], list):
        sync, asynchronous = found  # Django >= 5.0: (sync, async)
        return [*sync, *asynchronous] if not asynchronous else None
    return list(found)  # pragma: no cover - Django < 5.0


def demo_apps() -> list[str]:
    """Labels of the apps with a ``demo_campaign_loaded`` receiver (what ``--only`` selects)."""
    from ..models import Campaign
    from ..signals import demo_campaign_loaded

    receivers = live_receivers(demo_campaign_loaded, Campaign) or []
    labels = {app_label_of(receiver) for receiver in receivers}
    return sorted(label for label in labels if label)


def send_selected(
    signal: Signal, sender: Any, *, only: frozenset[str] | None, **named: Any
) -> list[tuple[str | None, Any]]:
    """Send ``signal`` to the receivers of the selected apps (all when ``only`` is None);
    each gets ``only=`` too. Returns (app label, response) per receiver called."""
    receivers = live_receivers(signal, sender)
    if receivers is None:  # pragma: no cover - a future Django: let receivers use wants()
        return [(None, r) for _f, r in signal.send(sender, only=only, **named)]
    called = []
    for receiver in receivers:
        label = app_label_of(receiver)
        if only is not None and label not in only:
            continue
        called.append((label, receiver(signal=signal, sender=sender, only=only, **named)))
    return called
