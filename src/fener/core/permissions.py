"""Permission codes and the roles that grant them by default.

A permission code names one capability (``core.manage_users``). Roles are rows in the
database so that an administrator can adjust them, but the roles a fresh installation starts
with, and their labels in the three languages, are defined here. Each module adds its own
codes to ``PERMISSIONS`` and grants them to roles in a data migration.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PERMISSIONS: dict[str, Promise] = {
    "core.view_directory": _("See the directory of institutions and municipalities"),
    "core.view_colleagues": _("See the accounts of colleagues in one's own institution"),
    "core.manage_institutions": _("Create and edit institutions"),
    "core.manage_users": _("Create, edit and deactivate user accounts"),
    "core.manage_roles": _("Change what roles grant, including mandatory two-factor log-in"),
    "core.view_audit": _("Search the audit log"),
    # Ad monitoring (fener.adwatch; granted to roles by its migration 0002)
    "adwatch.review_ads": _("Review recruitment ads and decide on them"),
    "adwatch.manage_sources": _("Manage ad sources and import ads"),
    "adwatch.manage_models": _("Retrain and promote the ad risk model"),
    "adwatch.view_referrals": _("See ads referred to one's own institution"),
    "adwatch.view_dashboard": _("See the ad monitoring dashboard"),
}

ROLE_LABELS: dict[str, Promise] = {
    "system_admin": _("System administrator"),
    "national_coordinator": _("National coordinator"),
    "case_worker": _("Case worker"),
    "case_supervisor": _("Case supervisor"),
    "police_investigator": _("Police investigator"),
    "financial_investigator": _("Financial investigator"),
    "prosecutor": _("Prosecutor"),
    "ad_monitor": _("Ad monitor (analyst)"),
    "school_officer": _("School officer"),
    "municipality_officer": _("Municipality officer"),
    "trainer": _("Trainer"),
    "auditor": _("Auditor"),
    "labour_inspector": _("Labour inspector"),
    "viewer": _("Read-only viewer"),
}

_EVERYONE = ("core.view_directory", "core.view_colleagues")

# The grants a fresh installation starts with (copied into migration 0002).
DEFAULT_ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "system_admin": (
        *_EVERYONE,
        "core.manage_institutions",
        "core.manage_users",
        "core.manage_roles",
    ),
    "national_coordinator": (*_EVERYONE, "core.manage_institutions"),
    "case_worker": _EVERYONE,
    "case_supervisor": _EVERYONE,
    "police_investigator": _EVERYONE,
    "financial_investigator": _EVERYONE,
    "prosecutor": _EVERYONE,
    "ad_monitor": _EVERYONE,
    "school_officer": _EVERYONE,
    "municipality_officer": _EVERYONE,
    "trainer": _EVERYONE,
    "auditor": (*_EVERYONE, "core.view_audit"),
    "viewer": ("core.view_directory",),
}

# Roles that must log in with a second factor on a fresh installation. An administrator can
# change this per role; roles that will see victims' data are expected to be added.
DEFAULT_TWO_FACTOR_ROLES = frozenset({"system_admin", "auditor"})


def permission_label(code: str) -> str:
    """The human label of a permission code, or the code itself when it is unknown."""
    return str(PERMISSIONS.get(code, code))
