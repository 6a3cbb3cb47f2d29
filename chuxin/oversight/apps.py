from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "chuxin.oversight"
    label = "oversight"
    verbose_name = _("Oversight")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the demo receiver
