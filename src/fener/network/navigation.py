"""The investigations entry in the main navigation."""

from django.utils.translation import gettext_lazy as _

from fener.core.modules import Module, register_module

register_module(
    Module(
        "network",
        _("Investigations"),
        "network:investigation_list",
        ("network.work_on_investigations",),
        order=20,
    )
)
