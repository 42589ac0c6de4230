from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "fener.network"
    label = "network"
    verbose_name = _("Networks and money")

    def ready(self) -> None:
        # Importing registers the access policies, the navigation entry and the demo builder.
        from fener.network import demo, navigation, policies  # noqa: F401
