"""Ad engine benchmarks: extraction, indicators, risk model, clustering, speed and memory.

Run: ``uv run python bench/bench_ads.py`` (add ``--million`` for the incremental-insertion
figure with a million ads indexed; it takes several minutes). Prints Markdown tables to paste
into ``docs/benchmarks.md``. Screening speed is measured on one core (the process is pinned
to CPU 0 where the platform allows it).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from collections import defaultdict

from fener.analytics.ads.analysis import analyse
from fener.analytics.ads.clustering import (
    ClusterSettings,
    TemplateClusterer,
    shingle_hashes,
    signature,
    tokens_of,
)
from fener.analytics.ads.devset import Counts, entity_keys, load_devset, split_devset
from fener.analytics.ads.indicators import INDICATOR_CODES
from fener.analytics.ads.screening import Ad, Screener, default_model, prepare_batch_process
from fener.analytics.ads.synthetic import generate_families, pairwise_scores
from fener.analytics.ads.training import features_of

KINDS = ("phones", "emails", "handles", "amounts", "urls")


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})


def language_detection() -> None:
    from fener.analytics.text.language import _detectors, detect_language

    before = current_memory_mb()
    _detectors()
    ads = load_devset()
    start = time.perf_counter()
    correct = sum(detect_language(ad["text"]).language == ad["lang"] for ad in ads)
    rate = len(ads) / (time.perf_counter() - start)
    loaded = current_memory_mb() - before  # after use: the models are mapped in lazily
    print("\n### Language and script\n")
    print(
        "| accuracy (435 ads, 6 languages, 2 scripts) | detections/s | memory of the detector (MB) |"
    )
    print("|---|---|---|")
    print(f"| {correct / len(ads):.3f} | {rate:,.0f} | {loaded:,.0f} |")


def current_memory_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def extraction() -> None:
    ads = load_devset()
    by_language: dict[str, dict[str, Counts]] = defaultdict(lambda: {k: Counts() for k in KINDS})
    totals = {kind: Counts() for kind in KINDS}
    for ad in ads:
        found = analyse(ad["text"]).entities.as_dict()
        for kind in KINDS:
            expected = entity_keys(kind, ad["entities"].get(kind, []))
            got = entity_keys(kind, found[kind])
            totals[kind].add(expected, got)
            by_language[ad["lang"]][kind].add(expected, got)
    print(f"\n### Entity extraction ({len(ads)} ads, precision / recall / F1)\n")
    print("| type | all | " + " | ".join(sorted(by_language)) + " |")
    print("|---|---|" + "---|" * len(by_language))
    for kind in KINDS:
        cells = [
            f"{totals[kind].precision:.3f} / {totals[kind].recall:.3f} / **{totals[kind].f1:.3f}**"
        ]
        cells += [f"{by_language[lang][kind].f1:.3f}" for lang in sorted(by_language)]
        print(f"| {kind} | " + " | ".join(cells) + " |")


def indicators() -> None:
    train, held_out = split_devset(load_devset())
    print(
        "\n### Indicators (precision / recall; train part, where the lexicon was tuned, and held-out)\n"
    )
    print("| code | train P | train R | held-out P | held-out R | held-out support |")
    print("|---|---|---|---|---|---|")
    results = {}
    for name, ads in (("train", train), ("held", held_out)):
        counts = {code: Counts() for code in INDICATOR_CODES}
        for ad in ads:
            found = {i.code for i in analyse(ad["text"]).indicators}
            for code in INDICATOR_CODES:
                counts[code].add(
                    {ad["id"]} if code in ad["indicators"] else set(),
                    {ad["id"]} if code in found else set(),
                )
        results[name] = counts
    for code in INDICATOR_CODES:
        t, h = results["train"][code], results["held"][code]
        support = h.true_positive + h.false_negative
        print(
            f"| {code} | {t.precision:.2f} | {t.recall:.2f} | {h.precision:.2f} | {h.recall:.2f} | {support} |"
        )


def risk_model() -> None:
    _, held_out = split_devset(load_devset())
    metrics = default_model().evaluate(*features_of(held_out))
    print(
        f"\n### Risk model (shipped model, trained on the train part; {int(metrics['n'])} held-out ads)\n"
    )
    print("| precision | recall | F1 | PR-AUC | Brier |\n|---|---|---|---|---|")
    print(
        f"| {metrics['precision']:.3f} | {metrics['recall']:.3f} | {metrics['f1']:.3f} | "
        f"{metrics['pr_auc']:.3f} | {metrics['brier']:.3f} |"
    )


def screening_speed() -> None:
    pin_to_one_core()
    ads = [ad for ad in load_devset() if 450 <= len(ad["text"]) <= 800]
    batch = [Ad(f"{n}", ads[n % len(ads)]["text"]) for n in range(3000)]
    mean_length = statistics.mean(len(ad.text) for ad in batch)
    screener = Screener()
    prepare_batch_process(screener)  # as the command-line and Spark engines do
    rates = []
    for _ in range(5):  # this machine is a shared virtual one: report the median of 5 runs
        start = time.perf_counter()
        results = list(screener.screen_many(batch))
        rates.append(len(results) / (time.perf_counter() - start))
    print(
        f"\n### Screening speed (one core, {len(batch)} ads of {mean_length:.0f} characters on average)\n"
    )
    print(
        "| ads/s (median of 5 runs) | slowest and fastest run | peak memory (MB) |\n|---|---|---|"
    )
    print(
        f"| {statistics.median(rates):,.0f} | {min(rates):,.0f} – {max(rates):,.0f} "
        f"| {peak_memory_mb():,.0f} |"
    )


def baseline_clusters(ads: list, settings: ClusterSettings) -> list[str]:
    """Plain MinHash LSH (datasketch) + union-find over every candidate pair, no verification."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.5, num_perm=settings.num_perm)
    parent = list(range(len(ads)))

    def find(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for position, ad in enumerate(ads):
        minhash = MinHash(
            num_perm=settings.num_perm,
            seed=settings.seed,
            hashvalues=signature(shingle_hashes(tokens_of(ad.text)), settings),
            scheme="affine32",
        )
        for other in lsh.query(minhash):
            parent[find(position)] = find(int(other))
        lsh.insert(str(position), minhash)
    return [str(find(position)) for position in range(len(ads))]


def clustering(n_ads: int = 20_000) -> None:
    settings = ClusterSettings()
    print(
        f"\n### Template clustering ({n_ads:,} generated ads; pairwise precision / recall / F1)\n"
    )
    print(
        "| setting | Fener P | Fener R | **Fener F1** | Fener ads/s | baseline P | baseline R | baseline F1 | baseline ads/s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for label, noise, slots, transliteration in (
        ("3 % noise, 3 slots, transliteration 0.3", 0.03, 3, 0.3),
        ("1 % noise, 1 slot, no transliteration", 0.01, 1, 0.0),
    ):
        ads = generate_families(
            n_ads, word_noise=noise, slots=slots, transliteration=transliteration, seed=11
        )
        families = [ad.family for ad in ads]
        start = time.perf_counter()
        clusterer = TemplateClusterer(settings)
        for ad in ads:
            clusterer.insert(ad.id, ad.text)
        fener_rate = n_ads / (time.perf_counter() - start)
        ours = pairwise_scores(families, [clusterer.assignments()[ad.id] for ad in ads])
        start = time.perf_counter()
        theirs = pairwise_scores(families, baseline_clusters(ads, settings))
        baseline_rate = n_ads / (time.perf_counter() - start)
        print(
            f"| {label} | {ours['precision']:.3f} | {ours['recall']:.3f} | **{ours['f1']:.3f}** | "
            f"{fener_rate:,.0f} | {theirs['precision']:.3f} | {theirs['recall']:.3f} | "
            f"{theirs['f1']:.3f} | {baseline_rate:,.0f} |"
        )


def incremental(n_ads: int) -> None:
    ads = generate_families(n_ads, word_noise=0.03, slots=3, transliteration=0.3, seed=5)
    probe = ads[-2000:]
    clusterer = TemplateClusterer()
    start = time.perf_counter()
    for ad in ads[:-2000]:
        clusterer.insert(ad.id, ad.text)
    build = time.perf_counter() - start
    timings = []
    for ad in probe:
        begin = time.perf_counter()
        clusterer.insert(ad.id, ad.text)
        timings.append((time.perf_counter() - begin) * 1000)
    timings.sort()
    print(
        f"\n### Incremental insertion ({len(clusterer) - len(probe):,} ads indexed, "
        f"{len(clusterer.clusters):,} clusters)\n"
    )
    print("| p50 ms | p99 ms | max ms | build ads/s | peak memory (MB) |\n|---|---|---|---|---|")
    print(
        f"| {timings[len(timings) // 2]:.2f} | {timings[int(len(timings) * 0.99)]:.2f} | "
        f"{timings[-1]:.2f} | {(n_ads - len(probe)) / build:,.0f} | {peak_memory_mb():,.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--million", action="store_true", help="incremental figure at 1,000,000 ads"
    )
    parser.add_argument("--cluster-ads", type=int, default=20_000)
    options = parser.parse_args()
    language_detection()
    extraction()
    indicators()
    risk_model()
    screening_speed()
    clustering(options.cluster_ads)
    incremental(1_000_000 if options.million else 100_000)


if __name__ == "__main__":
    main()
