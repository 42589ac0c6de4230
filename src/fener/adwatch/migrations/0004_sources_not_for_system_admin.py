"""System administrators manage accounts, not the ad data: take back the source management
that migration 0002 granted them (it showed uploaded ads to people who are not reviewers)."""

from django.db import migrations

ROLE, PERMISSION = "system_admin", "adwatch.manage_sources"


def revoke(apps, schema_editor):
    for role in apps.get_model("core", "Role").objects.filter(code=ROLE):
        role.permissions = [code for code in role.permissions if code != PERMISSION]
        role.save(update_fields=["permissions"])


def grant(apps, schema_editor):
    for role in apps.get_model("core", "Role").objects.filter(code=ROLE):
        role.permissions = sorted({*role.permissions, PERMISSION})
        role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("adwatch", "0003_flood_counter")]

    operations = [migrations.RunPython(revoke, grant)]
