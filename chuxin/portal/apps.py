from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "chuxin.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the demo receiver
