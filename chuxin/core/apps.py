from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "chuxin.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the rollups' unit receivers
