from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    name = "chuxin.guidance"
    label = "guidance"
    verbose_name = _("Supervision & guidance")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers
