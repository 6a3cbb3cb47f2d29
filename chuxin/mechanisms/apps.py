from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MechanismsConfig(AppConfig):
    name = "chuxin.mechanisms"
    label = "mechanisms"
    verbose_name = _("Long-term mechanisms")
