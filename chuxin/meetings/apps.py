from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "chuxin.meetings"
    label = "meetings"
    verbose_name = _("Life meetings")

    def ready(self) -> None:
        from chuxin.core import rollups

        from . import counters, receivers  # noqa: F401 - connects the receivers

        rollups.register(counters.ROLLUP)
