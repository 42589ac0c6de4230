"""Demo data for ad monitoring: sources, a few thousand ads spread over four months, reviewers'
decisions and referrals, operations, and a model version trained on those decisions.

The ads are the authored development set (435 ads) and template families from the engine's
generator, so the queue, the clusters and the charts have something real to show. Nothing here
is collected from the internet.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from fener.adwatch.models import (
    Ad,
    Arrival,
    DecisionAction,
    Platform,
    ReferralStatus,
    Sighting,
    Source,
)
from fener.adwatch.services.decisions import ad_decide, referral_respond
from fener.adwatch.services.ingestion import ads_ingest
from fener.analytics.ads.devset import load_devset
from fener.analytics.ads.synthetic import generate_families
from fener.core.demo import ProgressCallback, register_demo_builder
from fener.core.models import Institution, User

GENERATED_ADS = 2_400
DAYS_SPREAD = 120
SOURCES = (
    ("Работа во странство (Facebook)", Platform.FACEBOOK_GROUP, "MK", "mk", Arrival.API),
    ("Punë jashtë shtetit (Telegram)", Platform.TELEGRAM, "MK", "sq", Arrival.API),
    ("Job portal crawler", Platform.JOB_PORTAL, "MK", "", Arrival.FEED),
    ("Classifieds crawler", Platform.CLASSIFIEDS, "RS", "sr", Arrival.UPLOAD),
    ("Instagram partner NGO", Platform.INSTAGRAM, "MK", "", Arrival.UPLOAD),
    ("SMS reports", Platform.SMS, "MK", "", Arrival.UPLOAD),
)


@register_demo_builder("ad monitoring", order=60)
def build_adwatch_demo(progress: ProgressCallback, context: dict[str, Any]) -> None:
    if Ad.objects.exists():
        return  # built by an earlier run: ads are never duplicated
    monitor = User.objects.get(username="admonitor")
    owner = monitor.institution
    sources = [
        Source.objects.get_or_create(
            name=name,
            defaults={
                "platform": platform,
                "country": country,
                "language": language,
                "arrival": arrival,
                "institution": owner,
            },
        )[0]
        for name, platform, country, language, arrival in SOURCES
    ]
    rng = random.Random(7)  # noqa: S311 - demo data, reproducible on purpose
    records = [
        {"id": ad["id"], "text": ad["text"], "lang": ad["lang"], "label": ad["label"]}
        for ad in load_devset()
    ]
    records += [
        {"id": ad.id, "text": ad.text, "lang": ad.lang}
        for ad in generate_families(GENERATED_ADS, mean_family_size=12.0, seed=11)
    ]
    rng.shuffle(records)
    progress(f"ad monitoring: screening {len(records):,} ads")
    by_source: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for line, record in enumerate(records, start=1):
        source = sources[rng.randrange(len(sources))]
        by_source.setdefault(source.pk, []).append((line, record))
    for source in sources:
        ads_ingest(source=source, records=by_source.get(source.pk, []), actor=None)
    _spread_over_time(rng)
    progress("ad monitoring: decisions and referrals")
    _decide(rng, monitor, {record["id"]: record.get("label") for record in records})
    _refresh_operations_and_model(monitor, progress)


def _spread_over_time(rng: random.Random) -> None:
    """Give the ads first and last sightings over the last four months (the charts need time)."""
    now = timezone.now()
    for ad in Ad.objects.only("pk"):
        first = now - timedelta(days=rng.uniform(0, DAYS_SPREAD))
        last = min(now, first + timedelta(days=rng.expovariate(1 / 6)))
        Ad.objects.filter(pk=ad.pk).update(first_seen=first, last_seen=last)
        Sighting.objects.filter(ad_id=ad.pk).update(seen_at=first)


def _decide(rng: random.Random, monitor: User, labels: dict[str, str | None]) -> None:
    police = Institution.objects.filter(key="moi-thb-unit").first()
    labour = Institution.objects.filter(type="labour_inspectorate", is_active=True).first()
    police_user = User.objects.filter(username="police").first()
    reasons = {
        DecisionAction.DISMISS: "Registered employer, contract and address given; no warning signs.",
        DecisionAction.WATCH: "Unclear; watching for more ads from the same contacts.",
        DecisionAction.TAKEDOWN: "False recruitment ad; asked the platform to remove it.",
        DecisionAction.REFER_POLICE: "Signs of recruitment for sexual exploitation abroad.",
        DecisionAction.REFER_LABOUR: "Work offered without contract and with wage deductions.",
    }
    ads = list(Ad.objects.order_by("-risk")[:600])
    rng.shuffle(ads)
    for ad in ads[:420]:
        label = labels.get(ad.external_id) or ad.label
        if label == "legitimate":
            action = DecisionAction.DISMISS
        else:
            action = rng.choice(
                [
                    DecisionAction.TAKEDOWN,
                    DecisionAction.TAKEDOWN,
                    DecisionAction.WATCH,
                    DecisionAction.REFER_POLICE,
                    DecisionAction.REFER_LABOUR,
                ]
            )
        target = {DecisionAction.REFER_POLICE: police, DecisionAction.REFER_LABOUR: labour}.get(
            action
        )
        if action in (DecisionAction.REFER_POLICE, DecisionAction.REFER_LABOUR) and not target:
            action = DecisionAction.TAKEDOWN
        decision = ad_decide(
            actor=monitor, ad=ad, action=action, reason=reasons[action], to_institution=target
        )
        referral = getattr(decision, "referral", None)
        if (
            referral is not None
            and police_user is not None
            and target == police
            and rng.random() < 0.5
        ):
            referral_respond(
                actor=police_user,
                referral=referral,
                status=rng.choice([ReferralStatus.ACKNOWLEDGED, ReferralStatus.CLOSED]),
                response="Received; checked against open cases.",
            )


def _refresh_operations_and_model(monitor: User, progress: ProgressCallback) -> None:
    from fener.adwatch.services.models import model_retrain
    from fener.adwatch.services.operations import operations_refresh

    progress("ad monitoring: operations")
    operations_refresh()
    progress("ad monitoring: training the risk model on the decisions")
    model_retrain(actor=monitor)
