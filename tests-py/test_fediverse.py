"""The fediverse against a second server on loopback: a small ActivityPub peer (aiohttp) that follows the site's
`daily` actor with a request signed by bovine, and checks every request the site sends it with bovine's own HTTP
Signature verifier (an implementation independent of ours), fetching the site's key as any server would. New
papers reach the follower's inbox signed, once each, across a kill -9 of the site in the middle of delivering."""
import asyncio
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from bovine.clients.signed_http import legacy_digest_method
from bovine.clients.signed_http_methods import signed_post
from bovine.crypto import build_validate_http_signature_raw, generate_rsa_public_private_key
from bovine.crypto.types import CryptographicIdentifier, CryptographicSecret

from conftest import FIXTURES, binary, free_port


class Peer:
    """A fediverse account `reader` on loopback: its actor document, and an inbox that keeps what it is sent
    and whether bovine found each request's signature valid."""

    def __init__(self, delay=0.0):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.actor = self.base + "/users/reader"
        self.public, self.private = generate_rsa_public_private_key()
        # Another account on the same server, with a key of its own.
        self.mallory = self.base + "/users/mallory"
        self.mallory_public, self.mallory_private = generate_rsa_public_private_key()
        self.received = []  # (activity, signer or None)
        self.delay = delay
        self.loop = asyncio.new_event_loop()
        self.validate = build_validate_http_signature_raw(self.fetch_key)
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self.start(), self.loop).result(10)

    async def fetch_key(self, key_id):
        async with aiohttp.ClientSession() as session:
            async with session.get(key_id.split("#")[0], headers={"accept": "application/activity+json"}) as r:
                data = await r.json(content_type=None)
        return CryptographicIdentifier.from_pem(data["publicKey"]["publicKeyPem"], data["publicKey"]["owner"])

    async def start(self):
        app = web.Application()
        app.router.add_get("/users/reader", self.actor_document)
        app.router.add_get("/users/mallory", self.mallory_document)
        app.router.add_post("/users/reader/inbox", self.inbox)
        app.router.add_post("/inbox", self.inbox)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()

    async def actor_document(self, request):
        return web.json_response({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.actor, "type": "Person", "preferredUsername": "reader",
            "inbox": self.actor + "/inbox", "endpoints": {"sharedInbox": self.base + "/inbox"},
            "publicKey": {"id": self.actor + "#main-key", "owner": self.actor, "publicKeyPem": self.public},
        }, content_type="application/activity+json")

    async def mallory_document(self, request):
        return web.json_response({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.mallory, "type": "Person", "preferredUsername": "mallory", "inbox": self.mallory + "/inbox",
            "publicKey": {"id": self.mallory + "#main-key", "owner": self.mallory, "publicKeyPem": self.mallory_public},
        }, content_type="application/activity+json")

    async def inbox(self, request):
        body = await request.read()

        async def get_body():
            return body

        # HTTP header names are case-insensitive; bovine looks them up in lower case.
        headers = {k.lower(): v for k, v in request.headers.items()}
        signer = await self.validate(request.method, str(request.url), headers, get_body)
        if self.delay:
            await asyncio.sleep(self.delay)
        self.received.append((json.loads(body), signer))
        return web.Response(status=202)

    def follow(self, target_inbox, object_id, kind="Follow", signed=True):
        activity = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{self.actor}#follows/{time.time_ns()}",
                    "type": kind, "actor": self.actor, "object": object_id}
        return self.send(target_inbox, activity, signed), activity

    def send(self, inbox, activity, signed=True, as_mallory=False):
        async def go():
            async with aiohttp.ClientSession() as session:
                if signed:
                    secret = (CryptographicSecret.from_pem(self.mallory + "#main-key", self.mallory_private) if as_mallory
                              else CryptographicSecret.from_pem(self.actor + "#main-key", self.private))
                    r = await signed_post(session, secret, inbox, json.dumps(activity), digest_method=legacy_digest_method)
                else:
                    r = await session.post(inbox, data=json.dumps(activity), headers={"content-type": "application/activity+json"})
                return r.status
        return asyncio.run_coroutine_threadsafe(go(), self.loop).result(30)

    def of_type(self, kind):
        return [(a, s) for a, s in list(self.received) if a.get("type") == kind]


def wait_for(condition, seconds=60, what="condition"):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Site:
    def __init__(self, work, db, port):
        self.work, self.db, self.port = work, db, port
        self.base = f"http://127.0.0.1:{port}"
        self.proc = None

    def start(self):
        log = open(os.path.join(self.work, "serve.log"), "a")
        self.proc = subprocess.Popen([binary(), "serve", "--database", self.db, "--port", str(self.port), "--public-url", self.base,
                                      "--mail-folder", os.path.join(self.work, "mail"), "--arxiv-api", "off", "--github-api", "off",
                                      "--fediverse-private-peers", "on", "--fediverse-every", "1"], stdout=log, stderr=log)
        wait_for(lambda: self.up(), 30, "the site to start")

    def up(self):
        try:
            urllib.request.urlopen(self.base + "/healthz", timeout=1)
            return True
        except OSError:
            return False

    def get_json(self, path):
        req = urllib.request.Request(self.base + path, headers={"accept": "application/activity+json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())


@pytest.fixture
def site():
    work = tempfile.mkdtemp(prefix="dailypapers-fediverse-")
    db = os.path.join(work, "site.sqlite")
    subprocess.run([binary(), "import", "hf-daily", "--database", db, str(FIXTURES / "hf-daily" / "2024-12-04.json")],
                   check=True, capture_output=True)
    s = Site(work, db, free_port())
    s.start()
    yield s
    if s.proc and s.proc.poll() is None:
        s.proc.terminate()
        s.proc.wait(timeout=10)


def feature_new_papers(site, count):
    """Papers put on today's feed now, as a Hugging Face daily file imported while the site runs."""
    template = json.loads((FIXTURES / "hf-daily" / "2024-12-04.json").read_text())[0]
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    items = []
    for i in range(count):
        item = json.loads(json.dumps(template))
        item["paper"]["id"] = f"2612.{90001 + i:05d}"
        item["paper"]["title"] = f"A fediverse test paper number {i}"
        item["paper"]["publishedAt"] = now
        item["publishedAt"] = now
        item["title"] = item["paper"]["title"]
        items.append(item)
    path = Path(site.work) / (now[:10] + ".json")
    path.write_text(json.dumps(items))
    subprocess.run([binary(), "import", "hf-daily", "--database", site.db, str(path)], check=True, capture_output=True)
    return [it["paper"]["id"] for it in items]


def test_webfinger_actor_and_outbox(site):
    with urllib.request.urlopen(f"{site.base}/.well-known/webfinger?resource=acct:daily@127.0.0.1:{site.port}", timeout=10) as r:
        jrd = json.loads(r.read())
    self_link = next(link for link in jrd["links"] if link["rel"] == "self")
    assert self_link["type"] == "application/activity+json"
    actor = site.get_json("/ap/actors/daily")
    assert actor["id"] == self_link["href"] and actor["inbox"].endswith("/ap/actors/daily/inbox")
    assert "BEGIN PUBLIC KEY" in actor["publicKey"]["publicKeyPem"]
    page = site.get_json("/ap/actors/daily/outbox?page=1")
    first = page["orderedItems"][0]
    assert first["type"] == "Create" and first["object"]["type"] == "Note"
    assert first["object"]["url"].startswith(site.base + "/papers/") and "<a href=" in first["object"]["content"]
    assert all(tag["name"].startswith("#") for tag in first["object"]["tag"])


def test_follow_deliveries_signed_once_across_a_kill(site):
    peer = Peer(delay=0.4)
    inbox = site.base + "/ap/actors/daily/inbox"
    daily = site.base + "/ap/actors/daily"
    # Unsigned, or signed by a key that is not the actor's: refused, nothing recorded.
    status, _ = peer.follow(inbox, daily, signed=False)
    assert status == 401
    forged = {"@context": "https://www.w3.org/ns/activitystreams", "id": peer.actor + "#forged", "type": "Follow",
              "actor": peer.actor, "object": daily}
    assert peer.send(inbox, forged, as_mallory=True) == 401  # a valid signature, but another account's key
    assert site.get_json("/ap/actors/daily/followers")["totalItems"] == 0

    status, follow = peer.follow(inbox, daily)
    assert status == 202
    assert site.get_json("/ap/actors/daily/followers")["totalItems"] == 1
    wait_for(lambda: peer.of_type("Accept"), 30, "the Accept")
    accept, signer = peer.of_type("Accept")[0]
    assert signer == daily and accept["object"]["id"] == follow["id"]

    papers = feature_new_papers(site, 6)
    expected = {f"{daily}/papers/{p}#create" for p in papers}
    wait_for(lambda: len(peer.of_type("Create")) >= 2, 60, "the first deliveries")
    site.proc.send_signal(signal.SIGKILL)
    site.proc.wait(timeout=10)
    site.start()
    wait_for(lambda: {a["id"] for a, _ in peer.of_type("Create")} >= expected, 90, "every paper after the restart")
    creates = peer.of_type("Create")
    ids = [a["id"] for a, _ in creates]
    assert set(ids) == expected
    # Once each; a delivery in flight at the kill may arrive a second time (the same activity id, which servers dedupe).
    assert len(ids) - len(set(ids)) <= 1
    assert all(signer == daily for _, signer in creates), "every delivery verifies with the site's key"
    note = creates[0][0]["object"]
    assert note["attributedTo"] == daily and note["to"] == ["https://www.w3.org/ns/activitystreams#Public"]

    # Unfollow: Undo of the Follow.
    undo = {"@context": "https://www.w3.org/ns/activitystreams", "id": peer.actor + "#undo", "type": "Undo",
            "actor": peer.actor, "object": follow}
    assert peer.send(inbox, undo) == 202
    assert site.get_json("/ap/actors/daily/followers")["totalItems"] == 0
