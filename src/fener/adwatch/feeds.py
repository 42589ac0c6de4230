"""Fetching and reading feeds of ads: RSS 2.0, Atom, JSON Feed or a plain JSON array.

Standard library only. Fetching has a timeout and a size cap and follows redirects only to
http(s). XML with a document type declaration is refused before it is parsed, so no entity
can be declared and expanded (the "billion laughs") or fetched from elsewhere.

Each item becomes a record with Fener's fields: ``text`` (title, then description, summary
or content, as plain text), ``id`` (guid or id), ``url`` (link), ``posted_at`` (ISO 8601) and
the item's own fields under ``feed_item`` (kept as the raw payload).
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any
from xml.parsers import expat

from django.conf import settings

MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_ITEMS = 5000
TIMEOUT_SECONDS = 20.0
USER_AGENT = "Fener feed reader (+https://github.com/fener)"
_ITEM_FIELD_CHARACTERS = 20_000


class FeedError(Exception):
    """The feed could not be fetched or read; the message says why (kept on the source)."""


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 3

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        if not newurl.lower().startswith(("http://", "https://")):
            raise FeedError(f"redirected to a non-HTTP address: {newurl[:200]}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


# IPv6 ranges that carry an IPv4 address inside (NAT64, 6to4, Teredo, IPv4-compatible and
# -translated forms): they could reach a private IPv4 network, so they are refused.
_EMBEDDING_IPV4 = tuple(
    ipaddress.ip_network(network)
    for network in (
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "2002::/16",
        "2001::/32",
        "::/96",
        "::ffff:0:0:0/96",
    )
)


def address_allowed(address: str) -> bool:
    """Whether the server may fetch from IP ``address``: public addresses only, unless the
    operator allows a private range (``FENER_FEED_ALLOWED_NETWORKS``), so that a feed source can
    never make Fener read its own or the internal network's services."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for network in getattr(settings, "FENER_FEED_ALLOWED_NETWORKS", ()):
        if ip in ipaddress.ip_network(network, strict=False):
            return True
    if isinstance(ip, ipaddress.IPv6Address) and any(ip in net for net in _EMBEDDING_IPV4):
        return False
    return ip.is_global and not ip.is_multicast


def _checked_connection(
    address: tuple[str, int], timeout: Any = None, source_address: Any = None
) -> socket.socket:
    """``socket.create_connection`` that resolves the name first and connects only to an
    allowed address (before any byte, TLS handshake included, is sent anywhere)."""
    host, port = address
    try:
        candidates = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise FeedError("the feed's host name could not be resolved") from None
    allowed = [info for info in candidates if address_allowed(str(info[4][0]))]
    if not allowed or len(allowed) != len(candidates):
        raise FeedError("the feed address leads to a non-public address")
    family, kind, protocol, _, socket_address = allowed[0]
    sock = socket.socket(family, kind, protocol)
    try:
        if timeout is not None and timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
            sock.settimeout(timeout)
        if source_address:
            sock.bind(source_address)
        sock.connect(socket_address)
    except OSError:
        sock.close()
        raise
    return sock


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _checked_connection


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _checked_connection


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: Any) -> Any:
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: Any) -> Any:
        return self.do_open(_CheckedHTTPSConnection, req, context=ssl.create_default_context())


def feed_fetch(
    url: str, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_FEED_BYTES
) -> bytes:
    """The body at ``url`` (http or https only, public addresses only, also after redirects,
    never through a proxy from the environment), or :class:`FeedError`."""
    if not url.lower().startswith(("http://", "https://")):
        raise FeedError("the feed address must start with http:// or https://")
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        _CheckedHTTPHandler,
        _CheckedHTTPSHandler,
        _HttpOnlyRedirects,
    )
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    try:
        with opener.open(request, timeout=timeout) as response:
            body: bytes = response.read(max_bytes + 1)
    except FeedError:
        raise
    except urllib.error.HTTPError as error:
        raise FeedError(f"the server answered HTTP {error.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise FeedError(f"could not fetch the feed: {reason}") from None
    if len(body) > max_bytes:
        raise FeedError(f"the feed is larger than {max_bytes:,} bytes")
    return body


def feed_parse(data: bytes, feed_format: str) -> list[tuple[int, dict[str, Any]]]:
    """The feed's items as (item number, record) pairs, or :class:`FeedError`."""
    items = _json_items(data) if feed_format == "json" else _xml_items(data)
    records = [(number, record) for number, record in enumerate(items, start=1)]
    if len(records) > MAX_ITEMS:
        raise FeedError(f"the feed has more than {MAX_ITEMS:,} items")
    return records


# --- XML: RSS 2.0 and Atom -------------------------------------------------------------------


def _refuse_declarations(data: bytes) -> None:
    """Refuse any DOCTYPE or entity declaration (a first pass with expat, building nothing)."""

    def refuse(*_args: Any) -> None:
        raise FeedError("the feed declares a document type or entities, which are refused")

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise FeedError(f"the feed is not well-formed XML ({error})") from None


def _xml_items(data: bytes) -> list[dict[str, Any]]:
    _refuse_declarations(data)
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - declarations refused above
    except ElementTree.ParseError as error:
        raise FeedError(f"the feed is not well-formed XML ({error})") from None
    kind = _local(root.tag)
    if kind == "rss":
        channel = _child(root, "channel")
        if channel is None:
            raise FeedError("the RSS feed has no <channel>")
        return [_rss_item(item) for item in _children(channel, "item")]
    if kind == "RDF":  # RSS 1.0 keeps its items beside the channel
        return [_rss_item(item) for item in _children(root, "item")]
    if kind == "feed":
        return [_atom_entry(entry) for entry in _children(root, "entry")]
    raise FeedError(f"the XML is neither RSS nor Atom (its root element is <{kind[:40]}>)")


def _rss_item(item: ElementTree.Element) -> dict[str, Any]:
    title = _text(item, "title")
    body = _text(item, "encoded") or _text(item, "description")
    link = _text(item, "link")
    published = _text(item, "pubDate") or _text(item, "date")
    return _record(
        title=title,
        body=body,
        id=_text(item, "guid") or link,
        url=link,
        posted_at=_rfc822_or_iso(published),
        item=_fields(item),
    )


def _atom_entry(entry: ElementTree.Element) -> dict[str, Any]:
    link = ""
    for element in _children(entry, "link"):
        if element.get("rel", "alternate") == "alternate" and element.get("href"):
            link = element.get("href", "")
            break
    return _record(
        title=_text(entry, "title"),
        body=_text(entry, "content") or _text(entry, "summary"),
        id=_text(entry, "id") or link,
        url=link,
        posted_at=_iso(_text(entry, "published") or _text(entry, "updated")),
        item=_fields(entry),
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: ElementTree.Element, name: str) -> ElementTree.Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _text(element: ElementTree.Element, name: str) -> str:
    child = _child(element, name)
    if child is None:
        return ""
    return "".join(child.itertext()).strip()


def _fields(element: ElementTree.Element) -> dict[str, str]:
    fields: dict[str, str] = {}
    for child in element:
        name = _local(child.tag)
        value = "".join(child.itertext()).strip() or child.get("href", "")
        fields.setdefault(name, value[:_ITEM_FIELD_CHARACTERS])
    return fields


# --- JSON: JSON Feed, a JSON array, or {"items"|"ads": [...]} ---------------------------------


def _json_items(data: bytes) -> list[dict[str, Any]]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise FeedError(f"the feed is not valid JSON in UTF-8 ({error})") from None
    items = document.get("items", document.get("ads")) if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise FeedError('the JSON feed is neither a list nor an object with "items"')
    return [_json_item(item) for item in items]


def _json_item(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        return {"text": None, "feed_item": item}
    if isinstance(item.get("text"), str):  # already in Fener's fields
        record = {key: item.get(key) for key in ("text", "id", "url", "posted_at", "lang")}
        return {**record, "feed_item": item}
    body = _first_string(item, "content_text", "content_html", "summary", "description", "body")
    url = _first_string(item, "url", "link", "external_url")
    return _record(
        title=_first_string(item, "title"),
        body=body,
        id=str(item.get("id") or item.get("guid") or url),
        url=url,
        posted_at=_rfc822_or_iso(
            _first_string(item, "date_published", "posted_at", "published", "date_modified")
        ),
        item=item,
    )


def _first_string(item: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


# --- Shared -----------------------------------------------------------------------------------


def _record(
    *, title: str, body: str, id: str, url: str, posted_at: str, item: Any
) -> dict[str, Any]:
    parts = [_plain_text(title), _plain_text(body)]
    text = "\n\n".join(part for part in parts if part)
    return {"text": text, "id": id, "url": url, "posted_at": posted_at, "feed_item": item}


class _TextOnly(HTMLParser):
    _HIDDEN = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: Iterable[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in {"br", "p", "div", "li"}:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN and self.hidden:
            self.hidden -= 1


def _plain_text(value: str) -> str:
    """Feed bodies often carry HTML: keep only its text (ads are analysed as text)."""
    if "<" not in value and "&" not in value:
        return value.strip()
    parser = _TextOnly()
    parser.feed(value)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _rfc822_or_iso(value: str) -> str:
    """RSS dates (RFC 822) as ISO 8601; ISO dates kept; anything else dropped (the item is
    kept, without a date: its raw fields keep what the feed said)."""
    if not value:
        return ""
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return _iso(value)


def _iso(value: str) -> str:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat() if value else ""
    except ValueError:
        return ""
