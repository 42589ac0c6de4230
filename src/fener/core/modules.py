"""The navigation registry: each Django app announces its module here.

Adding a module to Fener means: a Django app with its own models, services, selectors and
views; its permission codes in ``fener.core.permissions.PERMISSIONS``; and a call to
:func:`register_module` from its ``AppConfig.ready`` so that it appears in the navigation for
the users whose roles grant one of its permissions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fener.core.access import has_permission


@dataclass(frozen=True)
class Module:
    """One entry in the main navigation."""

    key: str
    label: Promise
    url_name: str
    permissions: tuple[str, ...]
    order: int = 100
    administration: bool = False

    def visible_to(self, user: Any) -> bool:
        return any(has_permission(user, code) for code in self.permissions)


_MODULES: dict[str, Module] = {}


def register_module(module: Module) -> None:
    _MODULES[module.key] = module


def modules_for(user: Any) -> list[Module]:
    """The modules ``user`` may open, in navigation order."""
    return sorted(
        (module for module in _MODULES.values() if module.visible_to(user)),
        key=lambda module: (module.administration, module.order, module.key),
    )


register_module(
    Module("directory", _("Directory"), "core:institution_list", ("core.view_directory",), order=90)
)
register_module(
    Module(
        "accounts",
        _("Accounts"),
        "core:user_list",
        ("core.manage_users", "core.view_colleagues"),
        order=10,
        administration=True,
    )
)
register_module(
    Module(
        "roles", _("Roles"), "core:role_list", ("core.manage_roles",), order=20, administration=True
    )
)
register_module(
    Module(
        "audit",
        _("Audit log"),
        "core:audit_list",
        ("core.view_audit",),
        order=30,
        administration=True,
    )
)
