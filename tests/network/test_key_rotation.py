"""Key rotation (``fener cases rotate-key``) covers the investigations too: labels, notes,
summaries and pending files are re-encrypted, and entities are still found by their value."""

import pytest
from click.testing import CliRunner
from django.test import override_settings

from fener.network.models import Entity, Investigation
from fener.network.services.entities import entity_add
from fener.network.services.investigations import investigation_open

OLD = "old-secret-for-the-tests-0123456789abcdef"
NEW = "new-secret-for-the-tests-0123456789abcdef"


@pytest.mark.django_db
def test_rotation_reencrypts_investigations_and_keeps_entities_findable(police):
    with override_settings(FENER_DATA_KEY=OLD):
        investigation = investigation_open(actor=police, name="Op", summary="Secret summary")
        phone, _ = entity_add(
            actor=police, investigation=investigation, kind="phone", value="070 123 456", note="n"
        )
        old_key = phone.key
    with override_settings(FENER_DATA_KEY=f"{NEW},{OLD}"):
        result = CliRunner().invoke(
            __import__("fener.cli", fromlist=["main"]).main, ["cases", "rotate-key"]
        )
        assert result.exit_code == 0, result.output
    with override_settings(FENER_DATA_KEY=NEW):
        assert Investigation.objects.get().summary == "Secret summary"
        entity = Entity.objects.get()
        assert entity.label == "+38970123456" and entity.key != old_key
        again, created = entity_add(
            actor=police, investigation=investigation, kind="phone", value="+389 70 123 456"
        )
        assert not created and again.pk == entity.pk
