"""Evidence of rectification: files (already checked by ``attachments.check_files``) of a
progress update or of a stage objective, and notes (text references, e.g. from a ledger
import). Services: they check who may, and keep the stored names generated."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .attachments import MAX_FILES, CheckedFile
from .models import Evidence, ProgressUpdate, RectificationTask, StageObjective, TaskStatus


def store_files(
    *,
    actor: Any,
    task: RectificationTask,
    files: Sequence[CheckedFile],
    update: ProgressUpdate | None = None,
    objective: StageObjective | None = None,
) -> list[Evidence]:
    """Store checked files as evidence of the task (of an update or an objective of it)."""
    out = []
    for checked in files:
        ext = checked.name.rsplit(".", 1)[-1].lower()
        checked.file.name = f"{uuid.uuid4().hex}.{ext}"
        out.append(
            Evidence.objects.create(
                task=task,
                update=update,
                objective=objective,
                file=checked.file,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
        )
    return out


@transaction.atomic
def objective_evidence_add(
    *, actor: Any, objective: StageObjective, files: Sequence[CheckedFile]
) -> list[Evidence]:
    """Attach evidence files to a stage objective (by those who work on its task; not once
    the task is closed)."""
    from .services import _require_work

    task = objective.task
    _require_work(actor, task)
    if not files:
        raise ValidationError({"evidence": _("Choose at least one file.")})
    if task.status == TaskStatus.VERIFIED:
        raise ValidationError({"evidence": _("The task is closed; reopen it first.")})
    if objective.files.count() + len(files) > MAX_FILES * 5:
        raise ValidationError({"evidence": _("This stage objective has too many files.")})
    return store_files(actor=actor, task=task, files=files, objective=objective)


@transaction.atomic
def evidence_note_add(*, actor: Any, task: RectificationTask, note: str) -> Evidence:
    """Record a text reference to evidence kept elsewhere (a file cabinet, an archive)."""
    from .services import _require_work

    _require_work(actor, task)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"evidence": _("This field is required.")})
    if len(note) > 2000:
        raise ValidationError({"evidence": _("At most %(n)d characters.") % {"n": 2000}})
    return Evidence.objects.create(
        task=task, note=note, created_by=actor if getattr(actor, "pk", None) else None
    )
