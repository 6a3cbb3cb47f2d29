from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestigationConfig(AppConfig):
    name = "chuxin.investigation"
    label = "investigation"
    verbose_name = _("Investigation & research")

    def ready(self) -> None:
        from chuxin.core import rollups

        from . import counters, receivers  # noqa: F401 - connects the receivers
        from .models import UnitResearchRollup

        rollups.register(
            rollups.Rollup(
                name=counters.ROLLUP_NAME,
                model=UnitResearchRollup,
                metrics=counters.METRICS,
                own_values=counters.own_values,
            )
        )
