from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationConfig(AppConfig):
    name = "chuxin.organization"
    label = "organization"
    verbose_name = _("Organization")

    def ready(self) -> None:
        from chuxin.core import rollups

        from . import rollups as organization_rollups

        rollups.register(organization_rollups.MEMBERSHIP)
