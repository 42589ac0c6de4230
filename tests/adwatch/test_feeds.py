"""Feeds pulled over HTTP from a server started on loopback in the test (never the internet):
RSS, Atom and JSON become ads; a broken feed is recorded on its source and stops no other."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from django.utils import timezone

from fener.adwatch import feeds
from fener.adwatch.models import Ad, Arrival, Platform, Source
from fener.adwatch.services.sources import feeds_pull_due
from fener.adwatch.tasks import feeds_pull
from fener.cli import main
from fener.core.models import AuditEvent
from tests.adwatch.conftest import CLEAN, SUSPICIOUS

RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Jobs</title>
  <item><title>Работа во Германија</title>
    <description>&lt;p&gt;{SUSPICIOUS}&lt;/p&gt;</description>
    <link>https://jobs.example/1</link><guid>job-1</guid>
    <pubDate>Sun, 01 Mar 2026 10:00:00 +0100</pubDate></item>
  <item><title>Пекар</title><description>{CLEAN}</description>
    <link>https://jobs.example/2</link><guid>job-2</guid><pubDate>not a date</pubDate></item>
</channel></rss>""".encode()

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Jobs</title>
  <entry><title>Work abroad</title><id>urn:ad:1</id>
    <link rel="alternate" href="https://atom.example/1"/>
    <updated>2026-03-02T09:30:00Z</updated>
    <summary>{SUSPICIOUS}</summary></entry>
</feed>""".encode()

JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [
            {
                "id": "j1",
                "url": "https://json.example/1",
                "title": "Пекар",
                "content_text": CLEAN,
                "date_published": "2026-03-03T08:00:00+01:00",
            }
        ],
    }
).encode()

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rss version="2.0"><channel><item><title>&lol2;</title></item></channel></rss>"""


class _Feeds(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, bytes]] = {}
    hits: list[str] = []

    def do_GET(self):
        self.hits.append(self.path)
        code, body = self.routes.get(self.path, (404, b"not found"))
        self.send_response(code)
        if code in {301, 302}:
            self.send_header("Location", body.decode())
            body = b""
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server():
    """An HTTP server on 127.0.0.1 (a free port) answering the routes the test sets."""
    _Feeds.routes, _Feeds.hits = {}, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feeds)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield base, _Feeds.routes
    server.shutdown()
    server.server_close()


def _feed_source(home_institution, url, feed_format, name="Feed"):
    return Source.objects.create(
        name=name,
        platform=Platform.JOB_PORTAL,
        arrival=Arrival.FEED,
        feed_url=url,
        feed_format=feed_format,
        institution=home_institution,
    )


# --- Parsing (no server) ----------------------------------------------------------------------


def test_rss_items_become_records_with_plain_text():
    records = feeds.feed_parse(RSS, "rss")
    (line1, first), (line2, second) = records
    assert (line1, line2) == (1, 2)
    assert first["text"] == f"Работа во Германија\n\n{SUSPICIOUS}"
    assert (first["id"], first["url"]) == ("job-1", "https://jobs.example/1")
    assert first["posted_at"] == "2026-03-01T10:00:00+01:00"
    assert second["posted_at"] == "" and second["feed_item"]["pubDate"] == "not a date"


def test_atom_and_json_feed_items_become_records():
    ((_, entry),) = feeds.feed_parse(ATOM, "atom")
    assert (entry["id"], entry["url"]) == ("urn:ad:1", "https://atom.example/1")
    assert entry["text"].startswith("Work abroad\n\n") and entry["posted_at"].startswith(
        "2026-03-02"
    )
    ((_, item),) = feeds.feed_parse(JSON_FEED, "json")
    assert (item["id"], item["text"]) == ("j1", f"Пекар\n\n{CLEAN}")
    ((_, plain),) = feeds.feed_parse(json.dumps([{"text": "Ad", "id": 7}]).encode(), "json")
    assert (plain["text"], plain["id"]) == ("Ad", 7)


@pytest.mark.parametrize(
    ("body", "feed_format", "message"),
    [
        (BILLION_LAUGHS, "rss", "declares a document type"),
        (b"<rss><channel><item>", "rss", "not well-formed"),
        (b"<html><body>hello</body></html>", "rss", "neither RSS nor Atom"),
        (b"{not json", "json", "not valid JSON"),
        (b'{"title": "no items"}', "json", "neither a list"),
    ],
)
def test_broken_feeds_are_refused_with_a_reason(body, feed_format, message):
    with pytest.raises(feeds.FeedError, match=message):
        feeds.feed_parse(body, feed_format)


def test_html_in_a_feed_body_keeps_only_its_text():
    body = b"""<rss><channel><item><title>T</title><description>&lt;p&gt;Pay &amp;amp; room&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description></item></channel></rss>"""
    ((_, record),) = feeds.feed_parse(body, "rss")
    assert record["text"] == "T\n\nPay & room"


# --- Fetching and pulling (local server) ------------------------------------------------------


def test_fetch_refuses_large_bodies_errors_and_other_schemes(feed_server):
    base, routes = feed_server
    routes["/big"] = (200, b"x" * 2000)
    routes["/gone"] = (500, b"oops")
    routes["/away"] = (302, b"ftp://files.example.invalid/feed")
    routes["/local"] = (302, b"file:///etc/passwd")
    with pytest.raises(feeds.FeedError, match="larger than 1,000 bytes"):
        feeds.feed_fetch(base + "/big", max_bytes=1000)
    with pytest.raises(feeds.FeedError, match="HTTP 500"):
        feeds.feed_fetch(base + "/gone")
    with pytest.raises(feeds.FeedError, match="non-HTTP"):
        feeds.feed_fetch(base + "/away")
    with pytest.raises(feeds.FeedError, match="302"):
        feeds.feed_fetch(base + "/local")
    with pytest.raises(feeds.FeedError, match="http:// or https://"):
        feeds.feed_fetch("file:///etc/passwd")


@pytest.mark.django_db
def test_rss_atom_and_json_feeds_are_pulled_into_ads(feed_server, home_institution):
    base, routes = feed_server
    routes.update({"/rss": (200, RSS), "/atom": (200, ATOM), "/json": (200, JSON_FEED)})
    rss = _feed_source(home_institution, base + "/rss", "rss", "RSS")
    _feed_source(home_institution, base + "/atom", "atom", "Atom")
    _feed_source(home_institution, base + "/json", "json", "JSON")
    summary = feeds_pull.call()
    assert summary == {"pulled": 3, "failed": 0, "stored": 4, "seen_again": 0}
    ad = Ad.objects.get(external_id="job-1")
    assert ad.source == rss and ad.url == "https://jobs.example/1" and ad.label == "suspicious"
    assert ad.posted_at.isoformat() == "2026-03-01T09:00:00+00:00"
    assert Ad.objects.get(external_id="j1").text.startswith("Пекар")
    rss.refresh_from_db()
    assert rss.last_pulled_at is not None and rss.last_pull_error == ""
    assert AuditEvent.objects.filter(action="adwatch.feed.pull").count() == 3


@pytest.mark.django_db
def test_pulling_twice_stores_once_and_only_due_feeds_are_pulled(feed_server, home_institution):
    base, routes = feed_server
    routes["/rss"] = (200, RSS)
    source = _feed_source(home_institution, base + "/rss", "rss")
    assert feeds_pull_due()["stored"] == 2
    assert feeds_pull_due() == {"pulled": 0, "failed": 0, "stored": 0, "seen_again": 0}
    assert feeds_pull_due(force=True) == {"pulled": 1, "failed": 0, "stored": 0, "seen_again": 2}
    Source.objects.filter(pk=source.pk).update(
        last_pulled_at=timezone.now() - timedelta(minutes=16)
    )
    assert feeds_pull_due()["seen_again"] == 2
    assert Ad.objects.count() == 2
    assert set(Ad.objects.values_list("sightings_count", flat=True)) == {3}
    assert _Feeds.hits == ["/rss"] * 3


@pytest.mark.django_db
def test_a_broken_feed_is_recorded_and_does_not_stop_the_others(feed_server, home_institution):
    base, routes = feed_server
    routes.update({"/rss": (200, RSS), "/evil": (200, BILLION_LAUGHS), "/down": (503, b"")})
    evil = _feed_source(home_institution, base + "/evil", "rss", "A evil")
    down = _feed_source(home_institution, base + "/down", "rss", "B down")
    good = _feed_source(home_institution, base + "/rss", "rss", "C good")
    inactive = _feed_source(home_institution, base + "/rss", "rss", "D off")
    Source.objects.filter(pk=inactive.pk).update(active=False)
    summary = feeds_pull_due()
    assert (summary["pulled"], summary["failed"], summary["stored"]) == (1, 2, 2)
    evil.refresh_from_db(), down.refresh_from_db(), good.refresh_from_db()
    inactive.refresh_from_db()
    assert "document type" in evil.last_pull_error
    assert "HTTP 503" in down.last_pull_error
    assert good.last_pull_error == "" and inactive.last_pulled_at is None
    assert set(Ad.objects.values_list("source", flat=True)) == {good.pk}


@pytest.mark.django_db
def test_the_cli_pulls_feeds_now(feed_server, home_institution):
    base, routes = feed_server
    routes["/rss"] = (200, RSS)
    _feed_source(home_institution, base + "/rss", "rss")
    result = CliRunner().invoke(main, ["adwatch", "pull-feeds"])
    assert result.exit_code == 0, result.output
    assert "Feeds pulled: 1, failed: 0; new ads: 2" in result.output
    routes["/rss"] = (500, b"")
    failed = CliRunner().invoke(main, ["adwatch", "pull-feeds", "--all"])
    assert failed.exit_code == 1 and "failed: 1" in failed.output


def test_feeds_are_never_read_from_internal_addresses(feed_server, settings):
    """Only public addresses, unless a private range is explicitly allowed (tests allow
    127.0.0.1): a feed source must not make Fener read its own or the internal network."""
    base, routes = feed_server
    routes["/rss"] = (200, b"<rss><channel></channel></rss>")
    settings.FENER_FEED_ALLOWED_NETWORKS = []
    for url in (base + "/rss", base.replace("127.0.0.1", "[::ffff:127.0.0.1]") + "/rss"):
        with pytest.raises(feeds.FeedError, match="non-public address"):
            feeds.feed_fetch(url)
    assert _Feeds.hits == []  # refused before any request was sent


def test_a_redirect_to_an_internal_address_is_refused(settings):
    """An allowed server redirecting to a non-allowed one: every hop is checked."""
    _Feeds.routes, _Feeds.hits = {}, []
    inner = ThreadingHTTPServer(("127.0.0.1", 0), _Feeds)
    outer = ThreadingHTTPServer(("127.0.0.2", 0), _Feeds)
    for server in (inner, outer):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        inner_url = f"http://127.0.0.1:{inner.server_address[1]}/secret"
        _Feeds.routes["/hop"] = (302, inner_url.encode())
        _Feeds.routes["/secret"] = (200, b"internal")
        settings.FENER_FEED_ALLOWED_NETWORKS = ["127.0.0.2/32"]
        with pytest.raises(feeds.FeedError, match="non-public address"):
            feeds.feed_fetch(f"http://127.0.0.2:{outer.server_address[1]}/hop")
        assert _Feeds.hits == ["/hop"]
    finally:
        for server in (inner, outer):
            server.shutdown()
            server.server_close()


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/feed",
        "http://127.0.0.1:8000/x",
        "http://[::1]/x",
        "http://10.0.0.5/f",
        "http://169.254.169.254/latest/meta-data",
    ],
)
def test_a_feed_source_naming_an_internal_address_is_refused(monitor, url, settings):
    from django.core.exceptions import ValidationError

    from fener.adwatch.services.sources import source_create

    settings.FENER_FEED_ALLOWED_NETWORKS = []
    with pytest.raises(ValidationError) as refused:
        source_create(
            actor=monitor,
            name="Internal",
            platform=Platform.JOB_PORTAL,
            arrival=Arrival.FEED,
            feed_url=url,
            feed_format="rss",
            country="MK",
        )
    assert "feed_url" in refused.value.message_dict
    assert not Source.objects.filter(name="Internal").exists()


def test_https_to_an_internal_address_is_refused_before_any_byte_is_sent(feed_server, settings):
    base, _ = feed_server
    settings.FENER_FEED_ALLOWED_NETWORKS = []
    with pytest.raises(feeds.FeedError, match="non-public address"):
        feeds.feed_fetch(base.replace("http://", "https://") + "/rss")
    assert _Feeds.hits == []


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.5",
        "169.254.169.254",
        "::1",
        "::ffff:10.0.0.5",
        "64:ff9b::a00:5",
        "64:ff9b:1::a00:5",
        "2002:7f00:1::",
        "::7f00:1",
        "::ffff:0:a00:5",
        "fd00::1",
        "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
    ],
)
def test_private_addresses_and_ipv6_forms_that_embed_them_are_not_allowed(address, settings):
    settings.FENER_FEED_ALLOWED_NETWORKS = []
    assert not feeds.address_allowed(address)
    assert feeds.address_allowed("93.184.215.14") and feeds.address_allowed("2606:4700::1")
