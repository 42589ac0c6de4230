from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "fener.cases"
    label = "cases"
    verbose_name = _("Victim cases")

    def ready(self) -> None:
        # Importing registers the access policies, the navigation entries, the demo builder
        # and the system check of the data key.
        from fener.cases import checks, demo, navigation, policies  # noqa: F401
