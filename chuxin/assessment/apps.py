from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "chuxin.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the receivers
