"""Grant the network-investigation permissions to roles.

Police and financial investigators open investigations and work on them; prosecutors, labour
inspectors and ad monitors join the teams they are added to. Bringing perpetrators' data in
from victim cases is for police investigators (who also need the case's identity right).
"""

from django.db import migrations

WORK = "network.work_on_investigations"
OPEN = "network.open_investigations"
CASE_DATA = "network.link_case_data"

GRANTS = {
    "police_investigator": [WORK, OPEN, CASE_DATA],
    "financial_investigator": [WORK, OPEN],
    "prosecutor": [WORK],
    "labour_inspector": [WORK],
    "ad_monitor": [WORK],
}


def forward(apps, schema_editor):
    role_model = apps.get_model("core", "Role")
    for code, permissions in GRANTS.items():
        for role in role_model.objects.filter(code=code):
            role.permissions = sorted(set(role.permissions) | set(permissions))
            role.save(update_fields=["permissions"])


def backward(apps, schema_editor):
    role_model = apps.get_model("core", "Role")
    for code, permissions in GRANTS.items():
        for role in role_model.objects.filter(code=code):
            role.permissions = sorted(set(role.permissions) - set(permissions))
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0001_initial"),
        ("cases", "0002_grants_and_taxonomy"),
    ]

    operations = [migrations.RunPython(forward, backward)]
