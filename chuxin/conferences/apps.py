from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    name = "chuxin.conferences"
    label = "conferences"
    verbose_name = _("Promotion conferences")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers
