"""Rules other apps add to closing a task (verify and close), without rectification
importing them.

An app registers a guard in its ``AppConfig.ready()``::

    register_close_guard(my_guard, fields=[CloseField("mechanism", _("Mechanism number"))])

When a task is verified and closed, :func:`check_close` calls every guard inside the closing
transaction with a :class:`CloseAttempt`; a guard returns the messages that refuse the close
(an empty list lets it through). A guard may act on the extra values it declared (``fields``:
shown on the task page's verify form and accepted by the API's transition endpoint as
``links``), e.g. link the task to something; if any guard refuses, the whole close is rolled
back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from .models import RectificationTask


@dataclass(frozen=True)
class CloseField:
    """An extra value a close guard reads: its name (form field and API ``links`` key), its
    label and help text (translatable)."""

    name: str
    label: Any
    help_text: Any = ""


@dataclass(frozen=True)
class CloseAttempt:
    actor: Any
    task: RectificationTask
    reason: str
    links: Mapping[str, str] = field(default_factory=dict)


CloseGuard = Callable[[CloseAttempt], list[str]]

_guards: list[tuple[CloseGuard, tuple[CloseField, ...]]] = []


def register_close_guard(guard: CloseGuard, *, fields: Sequence[CloseField] = ()) -> None:
    """Add a rule to closing a task (once: registering the same guard again does nothing)."""
    if any(g is guard for g, _f in _guards):
        return
    _guards.append((guard, tuple(fields)))


def close_fields() -> list[CloseField]:
    """The extra values the registered guards read, for the verify form."""
    return [f for _g, fields in _guards for f in fields]


def clean_links(raw: Mapping[str, Any] | None) -> dict[str, str]:
    """Only the declared extra values, as short stripped text."""
    names = {f.name for f in close_fields()}
    return {k: str(v).strip()[:200] for k, v in (raw or {}).items() if k in names and v}


def check_close(attempt: CloseAttempt) -> None:
    """Run every guard; ValidationError (on ``reason``) with all their messages if any refuse."""
    messages: list[str] = []
    for guard, _fields in _guards:
        messages.extend(guard(attempt))
    if messages:
        raise ValidationError({"reason": messages})
