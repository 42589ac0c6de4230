"""Grant the case-management permissions to roles, require a second factor of the roles that
read identity data, and load HTCDS's types of exploitation."""

from django.db import migrations

GRANTS = {
    "case_worker": [
        "cases.work_on_cases",
        "cases.open_cases",
        "cases.read_identity",
        "cases.receive_referrals",
    ],
    "case_supervisor": [
        "cases.work_on_cases",
        "cases.open_cases",
        "cases.read_identity",
        "cases.supervise_cases",
        "cases.decide_status",
        "cases.override_consent",
        "cases.receive_referrals",
        "cases.view_statistics",
        "cases.manage_services",
    ],
    "police_investigator": [
        "cases.work_on_cases",
        "cases.open_cases",
        "cases.read_identity",
        "cases.decide_status",
        "cases.receive_referrals",
    ],
    "prosecutor": ["cases.work_on_cases", "cases.read_identity", "cases.receive_referrals"],
    "labour_inspector": ["cases.receive_referrals"],
    "financial_investigator": ["cases.receive_referrals"],
    "national_coordinator": [
        "cases.view_statistics",
        "cases.national_overview",
        "cases.review_forms",
        "cases.manage_services",
    ],
}
# Roles whose holders read victims' identity: a second factor at log-in (an administrator can
# change this per role; the demo turns it off so that it can be tried without an app).
TWO_FACTOR = ["case_worker", "case_supervisor", "police_investigator", "prosecutor"]

# HTCDS v2 vic_TypeOfExploitation: code, htcds value, en, mk, sq
FORMS = [
    ("forced_labour", "ForcedLabour", "Forced labour", "Принудна работа", "Punë e detyruar"),
    (
        "sexual_exploitation",
        "SexualExploitation",
        "Sexual exploitation",
        "Сексуална експлоатација",
        "Shfrytëzim seksual",
    ),
    ("child_labour", "ChildLabour", "Child labour", "Детски труд", "Punë e fëmijëve"),
    ("forced_marriage", "ForcedMarriage", "Forced marriage", "Принуден брак", "Martesë e detyruar"),
    ("servitude", "Servitude", "Servitude", "Ропство и служење", "Robëri"),
    (
        "forced_military",
        "ForcedMilitaryByNonStateActors",
        "Forced military service by non-state actors",
        "Принудна воена служба кај недржавни групи",
        "Shërbim ushtarak i detyruar nga aktorë joshtetërorë",
    ),
    ("organ_removal", "OrganRemoval", "Organ removal", "Отстранување органи", "Heqje organesh"),
    ("forced_begging", "ForcedBegging", "Forced begging", "Принудно питачење", "Lypje e detyruar"),
    (
        "forced_adoption",
        "ForcedAdoption",
        "Forced adoption",
        "Принудно посвојување",
        "Birësim i detyruar",
    ),
    ("surrogacy", "Surrogacy", "Surrogacy", "Сурогат мајчинство", "Surrogaci"),
    ("other", "Other", "Other", "Друго", "Tjetër"),
]


def forward(apps, schema_editor):
    role_model = apps.get_model("core", "Role")
    for code, permissions in GRANTS.items():
        for role in role_model.objects.filter(code=code):
            role.permissions = sorted(set(role.permissions) | set(permissions))
            role.save(update_fields=["permissions"])
    role_model.objects.filter(code__in=TWO_FACTOR).update(requires_two_factor=True)
    form_model = apps.get_model("cases", "ExploitationForm")
    for code, htcds, en, mk, sq in FORMS:
        form_model.objects.get_or_create(
            code=code,
            defaults={
                "htcds_code": htcds,
                "name_en": en,
                "name_mk": mk,
                "name_sq": sq,
                "builtin": True,
                "status": "promoted",
            },
        )


def backward(apps, schema_editor):
    role_model = apps.get_model("core", "Role")
    for code, permissions in GRANTS.items():
        for role in role_model.objects.filter(code=code):
            role.permissions = sorted(set(role.permissions) - set(permissions))
            role.save(update_fields=["permissions"])
    apps.get_model("cases", "ExploitationForm").objects.filter(builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("core", "0006_cache_table"),
        ("adwatch", "0004_sources_not_for_system_admin"),
    ]

    operations = [migrations.RunPython(forward, backward)]
