from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "fener.network"
    label = "network"
    verbose_name = _("Networks and money")

    def ready(self) -> None:
        # Importing registers the access policies, the navigation entry and the demo builder;
        # anonymising a case erases the network's copies of its perpetrators, and a key rotation
        # recomputes the entities' blind indexes.
        from fener.cases.services.keys import register_rotation_hook
        from fener.cases.services.retention import register_erasure_hook
        from fener.network import demo, navigation, policies  # noqa: F401
        from fener.network.services.retention import erase_case_copies
        from fener.network.values import rekey_entities

        register_erasure_hook(erase_case_copies)
        register_rotation_hook(rekey_entities)
