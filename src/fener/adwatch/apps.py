from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdwatchConfig(AppConfig):
    name = "fener.adwatch"
    label = "adwatch"
    verbose_name = _("Ad monitoring")

    def ready(self) -> None:
        # Importing registers the access policies and the navigation entry.
        from fener.adwatch import navigation, policies  # noqa: F401
