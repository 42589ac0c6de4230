"""The roles a fresh installation starts with (see fener.core.permissions)."""

from django.db import migrations

EVERYONE = ["core.view_colleagues", "core.view_directory"]
ROLES = {
    "system_admin": (
        "System administrator",
        EVERYONE + ["core.manage_institutions", "core.manage_roles", "core.manage_users"],
        True,
    ),
    "national_coordinator": (
        "National coordinator",
        EVERYONE + ["core.manage_institutions"],
        False,
    ),
    "case_worker": ("Case worker", EVERYONE, False),
    "case_supervisor": ("Case supervisor", EVERYONE, False),
    "police_investigator": ("Police investigator", EVERYONE, False),
    "financial_investigator": ("Financial investigator", EVERYONE, False),
    "prosecutor": ("Prosecutor", EVERYONE, False),
    "ad_monitor": ("Ad monitor (analyst)", EVERYONE, False),
    "school_officer": ("School officer", EVERYONE, False),
    "municipality_officer": ("Municipality officer", EVERYONE, False),
    "trainer": ("Trainer", EVERYONE, False),
    "auditor": ("Auditor", EVERYONE + ["core.view_audit"], True),
    "viewer": ("Read-only viewer", ["core.view_directory"], False),
}


def create_roles(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    for code, (name, permissions, two_factor) in ROLES.items():
        Role.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "permissions": sorted(permissions),
                "requires_two_factor": two_factor,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
