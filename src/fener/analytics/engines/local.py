"""In-process engine: screening and clustering of a JSON Lines file on this machine."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fener.analytics.ads.clustering import (
    ClusterSettings,
    TemplateClusterer,
    extract_template,
    operations,
    tokens_of,
    tokens_of_folded,
)
from fener.analytics.ads.entities import Entities
from fener.analytics.ads.records import RejectedLine, parse_line
from fener.analytics.ads.screening import Ad, Screener, prepare_batch_process


def screen_lines(
    lines: Iterable[tuple[int, bytes | int]], screener: Screener | None = None
) -> Iterator[dict[str, Any] | RejectedLine]:
    """Screen every good line; refused lines come back as :class:`RejectedLine`, in order."""
    screener = screener or Screener()
    prepare_batch_process(screener)
    pending: list[Ad] = []
    for number, raw in lines:
        parsed = parse_line(number, raw)
        if parsed is None:
            continue
        if isinstance(parsed, RejectedLine):
            yield from (result.as_dict() for result in screener.screen_many(pending))
            pending = []
            yield parsed
            continue
        pending.append(parsed)
        if len(pending) >= 256:
            yield from (result.as_dict() for result in screener.screen_many(pending))
            pending = []
    yield from (result.as_dict() for result in screener.screen_many(pending))


def contact_keys(entities: Entities) -> list[str]:
    """The contacts that tie ads together into one operation."""
    keys = [f"phone:{phone.e164}" for phone in entities.phones]
    keys += [f"email:{email.value}" for email in entities.emails]
    keys += [
        f"{handle.platform}:{handle.value}"
        for handle in entities.handles
        if handle.platform != "unknown"
    ]
    return sorted(set(keys))


def cluster_ads(
    ads: Iterable[Ad], settings: ClusterSettings | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Cluster ads in order: per-ad rows and the templates of clusters with 2+ ads."""
    from fener.analytics.ads.analysis import analyse

    ads = list(ads)
    clusterer = TemplateClusterer(settings)
    contacts: dict[str, list[str]] = {}
    tokens: dict[str, list[str]] = {}
    for ad in ads:
        # One analysis per ad gives both the contacts and the folded words for the shingles.
        analysis = analyse(ad.text, ad.lang)
        tokens[ad.id] = tokens_of_folded(analysis.folded.text)
        clusterer.insert_tokens(ad.id, tokens[ad.id])
        contacts[ad.id] = contact_keys(analysis.entities)
    cluster_of = clusterer.assignments()
    operation_of = operations(cluster_of, contacts)
    rows = [
        {"id": ad.id, "cluster_id": cluster_of[ad.id], "operation_id": operation_of[ad.id]}
        for ad in ads
    ]
    return rows, templates_from_assignment(ads, cluster_of, clusterer.settings, tokens)


def templates_from_assignment(
    ads: list[Ad],
    cluster_of: dict[str, str],
    settings: ClusterSettings | None = None,
    tokens: dict[str, list[str]] | None = None,
) -> list[dict[str, Any]]:
    """The template of every cluster with two or more ads (members in input order).

    ``tokens`` (ad id → :func:`tokens_of`) saves reading the members again."""
    settings = settings or ClusterSettings()
    members: dict[str, list[Ad]] = {}
    for ad in ads:
        members.setdefault(cluster_of[ad.id], []).append(ad)
    templates = []
    for cluster_id, group in members.items():
        if len(group) < 2:
            continue
        template = extract_template(
            cluster_id,
            [tokens[ad.id] if tokens else tokens_of(ad.text) for ad in group],
            [ad.id for ad in group],
            settings.template_share,
        )
        templates.append(
            {
                "cluster_id": cluster_id,
                "template": template.render(),
                "members": [ad.id for ad in group],
                "slot_values": template.slot_values,
            }
        )
    return templates
