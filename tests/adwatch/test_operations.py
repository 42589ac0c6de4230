"""Operations: ads of one template and ads sharing a contact are one group; others stay apart."""

import pytest

from fener.adwatch.insight_tasks import operations_refresh_task
from fener.adwatch.models import Ad, Operation, Watch, WatchKind
from fener.adwatch.services.ingestion import ads_ingest
from fener.adwatch.services.operations import operations_refresh
from fener.core.models import AuditEvent
from tests.adwatch.conftest import CLEAN, SUSPICIOUS

pytestmark = pytest.mark.django_db

# Two ads of one template: only the numbers (pay, phone) differ.
TEMPLATE_A = (
    "Barame rabotnici za fabrika vo Germanija, plata 1500 evra mesecno, smestuvanje i pat "
    "besplatno, bez iskustvo. Javete se na viber 070 111 222"
)
TEMPLATE_B = (
    "Barame rabotnici za fabrika vo Germanija, plata 1800 evra mesecno, smestuvanje i pat "
    "besplatno, bez iskustvo. Javete se na viber 071 333 444"
)
# Another wording altogether, but the phone of the first ad.
SAME_PHONE = (
    "Девојки за хостеси во Австрија, 3000 евра неделно, станот го плаќаме. "
    "Пишете само на вибер 070 111 222"
)


def _ingest(source, monitor, *texts):
    outcome = ads_ingest(
        source=source,
        records=[(number, {"text": text}) for number, text in enumerate(texts, 1)],
        actor=monitor,
    )
    assert not outcome.refused
    return [Ad.objects.get(text=text) for text in texts]


def test_ads_of_one_template_and_ads_sharing_a_phone_form_one_operation(source, monitor):
    first, second, linked, clean, unrelated = _ingest(
        source, monitor, TEMPLATE_A, TEMPLATE_B, SAME_PHONE, CLEAN, SUSPICIOUS
    )

    summary = operations_refresh()

    for ad in (first, second, linked, clean, unrelated):
        ad.refresh_from_db()
    assert first.cluster_key == second.cluster_key == f"c-{first.pk}"
    assert linked.cluster_key == f"c-{linked.pk}"  # another template...
    assert first.operation == second.operation == linked.operation  # ...but the same phone
    operation = first.operation
    assert operation.key == f"op-{first.pk}"
    assert operation.ad_count == 3
    assert operation.phones == ["+38970111222", "+38971333444"]
    assert operation.platforms == ["facebook_group"] and operation.countries == ["MK"]
    assert operation.first_seen == first.first_seen
    assert operation.last_seen == max(ad.last_seen for ad in (first, second, linked))
    assert operation.max_risk == pytest.approx(max(first.risk, second.risk, linked.risk), abs=1e-4)
    # A lone ad is in no operation, however suspicious.
    assert clean.operation is None and unrelated.operation is None
    assert clean.cluster_key == f"c-{clean.pk}" and unrelated.cluster_key == f"c-{unrelated.pk}"
    assert Operation.objects.count() == 1
    assert summary["operations"] == 1 and summary["created"] == 1 and summary["ads"] == 5
    assert AuditEvent.objects.filter(action="adwatch.operations_refresh").count() == 1


def test_refreshing_twice_changes_nothing_the_second_time(source, monitor):
    _ingest(source, monitor, TEMPLATE_A, TEMPLATE_B, SAME_PHONE, CLEAN)
    operations_refresh()
    before = list(Ad.objects.order_by("pk").values_list("pk", "cluster_key", "operation_id"))
    operation = Operation.objects.get()

    summary = operations_refresh()

    after = list(Ad.objects.order_by("pk").values_list("pk", "cluster_key", "operation_id"))
    assert after == before
    assert Operation.objects.get().pk == operation.pk
    assert summary["ads_changed"] == 0
    assert summary["created"] == summary["updated"] == summary["deleted"] == 0
    # Nothing changed, so nothing more is written to the audit log.
    assert AuditEvent.objects.filter(action="adwatch.operations_refresh").count() == 1


def test_a_new_ad_joins_the_operation_and_keeps_its_key(source, monitor):
    first, _, _ = _ingest(source, monitor, TEMPLATE_A, TEMPLATE_B, CLEAN)
    operations_refresh()
    operation = Operation.objects.get()
    assert operation.ad_count == 2

    (linked,) = _ingest(source, monitor, SAME_PHONE)
    summary = operations_refresh()

    operation.refresh_from_db()
    linked.refresh_from_db()
    assert operation.key == f"op-{first.pk}" and operation.ad_count == 3
    assert linked.operation == operation
    assert summary["updated"] == 1 and summary["created"] == 0


def test_merged_operations_keep_the_earlier_key_and_watches_follow(source, monitor):
    other_first = "Rabota vo Italija za negovatelki, 2000 evra, bez dogovor, pisete na whatsapp "
    _ingest(source, monitor, TEMPLATE_A, TEMPLATE_B)
    later = _ingest(
        source,
        monitor,
        other_first + "075 555 666 odmah",
        other_first + "075 555 666 denes",
    )
    operations_refresh()
    assert Operation.objects.count() == 2
    watched = Operation.objects.get(key=f"op-{later[0].pk}")
    Watch.objects.create(user=monitor, kind=WatchKind.OPERATION, value=watched.key)

    # One ad gives both phones: the two groups are one operation from now on.
    _ingest(
        source, monitor, "Novi rabotni mesta vo Evropa, javete se na 070 111 222 ili 075 555 666"
    )
    summary = operations_refresh()

    operation = Operation.objects.get()
    assert operation.key == f"op-{Ad.objects.order_by('pk').first().pk}"
    assert operation.ad_count == 5
    assert summary["deleted"] == 1 and summary["watches_moved"] == 1
    assert Watch.objects.get(user=monitor).value == operation.key


def test_an_operation_whose_ads_no_longer_group_is_removed(source, monitor):
    first, second = _ingest(source, monitor, TEMPLATE_A, TEMPLATE_B)
    operations_refresh()
    assert Operation.objects.count() == 1

    second.delete()
    summary = operations_refresh()

    first.refresh_from_db()
    assert Operation.objects.count() == 0 and first.operation is None
    assert summary["deleted"] == 1


def test_refresh_with_no_ads_does_nothing():
    assert operations_refresh() == {
        "ads": 0,
        "clusters": 0,
        "operations": 0,
        "ads_changed": 0,
        "watches_moved": 0,
        "created": 0,
        "updated": 0,
        "deleted": 0,
    }
    assert not AuditEvent.objects.filter(action="adwatch.operations_refresh").exists()


def test_the_background_task_runs_the_refresh(source, monitor):
    _ingest(source, monitor, TEMPLATE_A, TEMPLATE_B)
    result = operations_refresh_task.call()
    assert result["operations"] == 1
    assert Operation.objects.get().ad_count == 2


def test_a_new_ad_joining_a_watched_operation_notifies_its_watchers(source, monitor, make_user):
    from fener.adwatch.models import Notification

    _ingest(
        source,
        monitor,
        "Работа во Германија, вибер 070 111 222",
        "Пакување во Австрија, 070 111 222",
    )
    operations_refresh()
    operation = Operation.objects.get()
    Watch.objects.create(user=monitor, kind=WatchKind.OPERATION, value=operation.key)
    bystander = make_user("ad_monitor", username="bystander")
    (new_ad,) = _ingest(source, monitor, "Берење јагоди во Италија, јавете се 070 111 222")
    operations_refresh()
    assert list(Notification.objects.filter(user=monitor).values_list("ad", flat=True)) == [
        new_ad.pk
    ]
    assert not Notification.objects.filter(user=bystander).exists()
    operations_refresh()  # a second refresh tells nobody again
    assert Notification.objects.filter(user=monitor).count() == 1
