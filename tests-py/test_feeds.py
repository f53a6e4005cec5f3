"""Every feed parsed by feedparser (Atom, RSS) or checked against JSON Feed 1.1, on a live server."""
import json
import urllib.error
import urllib.request

import feedparser
import pytest

FEEDS = ["daily", "trending", "category/cs.LG", "user/lievan", "search"]


def url(server, name, fmt):
    return f"{server}/feeds/{name}.{fmt}" + ("?q=process+rewards" if name == "search" else "")


def get(u, headers=None):
    req = urllib.request.Request(u, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.mark.parametrize("name", FEEDS)
@pytest.mark.parametrize("fmt,version", [("atom", "atom10"), ("rss", "rss20")])
def test_xml_feeds_parse_with_their_fields(server, name, fmt, version):
    d = feedparser.parse(url(server, name, fmt))
    assert not d.bozo, d.get("bozo_exception")
    assert d.version == version
    assert d.feed.title.startswith("Daily Papers")
    assert d.feed.link.startswith(server)
    assert d.entries, "the feed has no entries"
    for e in d.entries:
        assert e.link.startswith(server + "/papers/")
        assert e.id == e.link  # stable: the paper's permanent address
        assert e.title
        assert e.get("published_parsed") or e.get("updated_parsed")
        assert e.summary
    api = json.loads(get(f"{server}/api/papers/2412.01981")[2])
    paper = [e for e in d.entries if e.link.endswith("/papers/2412.01981")]
    if paper:
        assert paper[0].title == api["title"]
        assert [a["name"] for a in paper[0].authors][:2] == [a["name"] for a in api["authors"]][:2]


@pytest.mark.parametrize("name", FEEDS)
def test_json_feed_has_the_required_fields(server, name):
    status, headers, body = get(url(server, name, "json"))
    assert status == 200
    assert headers["Content-Type"].startswith("application/feed+json")
    feed = json.loads(body)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"].startswith(server) and feed["home_page_url"].startswith(server)
    assert feed["items"]
    for item in feed["items"]:
        assert item["id"] == item["url"] and item["url"].startswith(server + "/papers/")
        assert item["title"] and item["content_text"]
        assert item["date_published"].endswith("Z")
        assert all(a["name"] for a in item["authors"])


def test_category_feed_holds_only_that_category(server):
    d = feedparser.parse(url(server, "category/cs.LG", "atom"))
    assert [e.link.rsplit("/", 1)[1] for e in d.entries] == ["2412.01981"]
    assert {t.term for t in d.entries[0].tags} == {"cs.LG", "cs.AI"}


def test_conditional_get_answers_304(server):
    u = url(server, "daily", "atom")
    status, headers, _ = get(u)
    assert status == 200 and headers.get("ETag") and headers.get("Last-Modified")
    assert get(u, {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(u, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert get(u, {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})[0] == 200
    # feedparser asks for gzip, so it gets (and must send back) the gzip representation's ETag.
    first = feedparser.parse(u)
    assert first.etag != headers["ETag"]
    assert feedparser.parse(u, etag=first.etag).status == 304
    assert feedparser.parse(u, modified=first.modified).status == 304


@pytest.mark.parametrize("path,status", [
    ("/feeds/category/xx.NOPE.atom", 404),
    ("/feeds/category/%3Cscript%3E.atom", 400),
    ("/feeds/user/nobody-here.rss", 404),
    ("/feeds/search.atom", 400),
    ("/feeds/search.atom?q=" + "x" * 600, 400),
    ("/feeds/daily.xml", 404),
    ("/feeds/nothing.atom", 404),
])
def test_bad_feed_urls_answer_plainly(server, path, status):
    code, headers, body = get(server + path)
    assert code == status
    assert b"Traceback" not in body and len(body) > 0
