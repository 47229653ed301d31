from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "shebao.portal"
    label = "portal"
    verbose_name = _("Self-service portal")

    def ready(self) -> None:
        # The effect of an employer's staff changes file sent online (portal.staff_changes_bulk).
        from shebao.portal import effects_employer  # noqa: F401
