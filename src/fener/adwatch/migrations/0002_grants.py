"""Grant the ad-monitoring permissions to roles, and add the labour inspector's role."""

from django.db import migrations

# Role code → permission codes added by this module (the role is created if missing).
GRANTS = {
    "ad_monitor": [
        "adwatch.review_ads",
        "adwatch.manage_sources",
        "adwatch.manage_models",
        "adwatch.view_dashboard",
    ],
    "police_investigator": ["adwatch.view_referrals", "adwatch.view_dashboard"],
    "labour_inspector": [
        "core.view_directory",
        "core.view_colleagues",
        "adwatch.view_referrals",
        "adwatch.view_dashboard",
    ],
    "national_coordinator": ["adwatch.view_dashboard"],
    "system_admin": ["adwatch.manage_sources"],  # taken back by migration 0004
}
NEW_ROLES = {"labour_inspector": "Labour inspector"}


def grant(apps, schema_editor):
    role_model = apps.get_model("core", "Role")
    for code, permissions in GRANTS.items():
        role, _ = role_model.objects.get_or_create(
            code=code, defaults={"name": NEW_ROLES.get(code, code), "permissions": []}
        )
        role.permissions = sorted(set(role.permissions) | set(permissions))
        role.save(update_fields=["permissions"])


def revoke(apps, schema_editor):
    role_model = apps.get_model("core", "Role")
    for code, permissions in GRANTS.items():
        for role in role_model.objects.filter(code=code):
            role.permissions = sorted(set(role.permissions) - set(permissions))
            role.save(update_fields=["permissions"])
    role_model.objects.filter(code__in=NEW_ROLES, users__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("adwatch", "0001_initial"),
        ("core", "0005_institution_type_labour_inspectorate"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
