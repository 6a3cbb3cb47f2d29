from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudyConfig(AppConfig):
    name = "chuxin.study"
    label = "study"
    verbose_name = _("Study & education")

    def ready(self) -> None:
        from chuxin.core import rollups

        from . import checks, progress, receivers  # importing receivers connects them
        from .models import UnitStudyRollup

        rollups.register(
            rollups.Rollup(
                name=progress.ROLLUP_NAME,
                model=UnitStudyRollup,
                metrics=progress.STUDY_METRICS,
                own_values=progress.study_own_values,
                on_move=receivers.on_unit_moved,
            )
        )
        rollups.register_check(
            rollups.CounterCheck(
                name="study progress",
                drifts=checks.progress_drifts,
                fix=progress.refresh_all,
            )
        )
        rollups.register_check(
            rollups.CounterCheck(
                name="study records' references", drifts=checks.missing_references, fix=None
            )
        )
