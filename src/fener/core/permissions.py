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
    # Victim cases (fener.cases; granted to roles by its migration 0002)
    "cases.work_on_cases": _("Work on the victim cases whose team one belongs to"),
    "cases.open_cases": _("Open new victim cases"),
    "cases.read_identity": _(
        "Read and record victims' identity data (team members, with a purpose)"
    ),
    "cases.supervise_cases": _("Supervise every case of one's own institution and its team"),
    "cases.decide_status": _("Record formal identification decisions"),
    "cases.override_consent": _("Refer a case without consent on a lawful basis"),
    "cases.receive_referrals": _("Receive and answer case referrals sent to one's institution"),
    "cases.view_statistics": _("See anonymised case statistics and export them"),
    "cases.national_overview": _("See the national overview of the referral mechanism"),
    "cases.review_forms": _("Review proposed new forms of exploitation (expert panel)"),
    "cases.manage_services": _("Manage the catalogue of support services"),
    # Networks and money (fener.network; granted to roles by its migration 0002)
    "network.work_on_investigations": _(
        "Work on the network investigations whose team one belongs to"
    ),
    "network.open_investigations": _("Open investigations of networks and money flows"),
    "network.link_case_data": _(
        "Bring suspected perpetrators' phones and accounts from victim cases into an investigation"
    ),
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
