from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdwatchConfig(AppConfig):
    name = "fener.adwatch"
    label = "adwatch"
    verbose_name = _("Ad monitoring")

    def ready(self) -> None:
        # Importing registers the access policies, the navigation entries and the demo builder.
        from fener.adwatch import demo, navigation, policies  # noqa: F401
