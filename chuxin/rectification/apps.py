from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "chuxin.rectification"
    label = "rectification"
    verbose_name = _("Rectification")

    def ready(self) -> None:
        from chuxin.core import rollups

        from . import counters, receivers, special_counters  # noqa: F401 - connects the receivers
        from .models import UnitRectificationRollup

        rollups.register(
            rollups.Rollup(
                name=counters.ROLLUP_NAME,
                model=UnitRectificationRollup,
                metrics=counters.METRICS,
                own_values=counters.own_values,
            )
        )
        rollups.register_check(special_counters.CHECK)
