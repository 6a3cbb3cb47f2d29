from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MechanismsConfig(AppConfig):
    name = "chuxin.mechanisms"
    label = "mechanisms"
    verbose_name = _("Long-term mechanisms")

    def ready(self) -> None:
        from chuxin.core import rollups
        from chuxin.rectification.guards import CloseField, register_close_guard

        from . import counters, receivers  # noqa: F401 - connects the receivers
        from .models import UnitMechanismRollup
        from .services import long_term_close_guard

        rollups.register(
            rollups.Rollup(
                name=counters.ROLLUP_NAME,
                model=UnitMechanismRollup,
                metrics=counters.METRICS,
                own_values=counters.own_values,
            )
        )
        register_close_guard(
            long_term_close_guard,
            fields=[
                CloseField(
                    "mechanism",
                    _("Long-term mechanism number (to link on closing)"),
                    _(
                        "A long-term task closes only when linked to a long-term mechanism "
                        "or with a reason."
                    ),
                )
            ],
        )
