from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fener.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Importing registers the access policies and the navigation modules.
        from fener.core import demo, modules, policies  # noqa: F401
