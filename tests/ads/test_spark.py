"""Apache Spark (local[2]) gives exactly the in-process answers."""

import io
import json
import os
import shutil

import pytest

from fener.analytics.ads.devset import load_devset
from fener.analytics.ads.records import RejectedLine, read_lines
from fener.analytics.ads.screening import Ad
from fener.analytics.engines import local

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None:
        if os.environ.get("FENER_REQUIRE_JAVA") == "1":
            pytest.fail("Java is required here (FENER_REQUIRE_JAVA=1) but absent")
        pytest.skip("Java is not installed: Spark cannot run")
    from fener.analytics.engines.spark import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


def _input(tmp_path):
    ads = load_devset()[:120]
    lines = [
        json.dumps({"id": ad["id"], "text": ad["text"]}, ensure_ascii=False).encode() for ad in ads
    ]
    lines[5] = b'{"id": "broken'
    lines[9] = b'{"id": "x", "text": "\xff bad bytes"}'
    path = tmp_path / "ads.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_spark_screening_equals_in_process_screening(spark, tmp_path):
    from fener.analytics.engines.spark import screen_file

    path = _input(tmp_path)
    expected_results, expected_errors = [], []
    for item in local.screen_lines(read_lines(io.BytesIO(path.read_bytes()))):
        if isinstance(item, RejectedLine):
            expected_errors.append((item.line, item.reason))
        else:
            expected_results.append(item)
    results, errors = [], []
    for line, result, error in screen_file(spark, str(path)):
        if error is not None:
            errors.append((line, error))
        else:
            results.append(result)
    assert errors == expected_errors
    assert len(results) == len(expected_results) == 118
    assert results == expected_results


def test_spark_clustering_equals_in_process_clustering(spark):
    from fener.analytics.ads.synthetic import generate_families
    from fener.analytics.engines.spark import cluster_ads as spark_cluster

    synthetic = generate_families(600, mean_family_size=6, seed=3)
    ads = [Ad(ad.id, ad.text, ad.lang) for ad in synthetic]
    expected, _ = local.cluster_ads(ads)
    found = spark_cluster(spark, [(ad.id, ad.text, ad.lang) for ad in ads])
    assert found == expected
    assert len({row["cluster_id"] for row in found}) < len(ads) / 2
