"""Two `dailypapers serve` processes on one PostgreSQL database, as behind a load balancer: a session made on
one is valid on the other, votes sent through both at once are counted once each, and two digest runs started
together send each subscriber one digest. Skipped without DAILYPAPERS_TEST_POSTGRES (.ci/run sets it)."""
import http.cookiejar
import os
import re
import secrets
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from conftest import FIXTURES, Client, binary, free_port
from test_digest_smtp import DAY, Sink, start

PG = os.environ.get("DAILYPAPERS_TEST_POSTGRES")
pytestmark = pytest.mark.skipif(not PG, reason="set DAILYPAPERS_TEST_POSTGRES (scripts/postgres-for-tests.sh starts a server)")
PAPER = "2412.01981"


def psql(shared, sql):
    """Runs SQL in the test's schema with Debian's psql (our URL's own parameters stripped)."""
    url = shared.url.split("?", 1)[0]
    env = dict(os.environ, PGOPTIONS=f"-c search_path={shared.schema}")
    out = subprocess.run(["psql", url, "-tAX", "-v", "ON_ERROR_STOP=1", "-c", sql], env=env,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def serve(url, work, name):
    port = free_port()
    log = open(os.path.join(work, f"{name}.log"), "w")
    proc = subprocess.Popen([binary(), "serve", "--database", url, "--port", str(port),
                             "--public-url", f"http://127.0.0.1:{port}", "--mail-folder", os.path.join(work, f"mail-{name}"),
                             "--arxiv-api", "off", "--bcrypt-cost", "10", "--digest-at", "off"], stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return proc, base
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{name} did not start: " + open(log.name).read())


@pytest.fixture(scope="module")
def shared():
    work = tempfile.mkdtemp(prefix="dailypapers-two-")
    schema = "live_" + secrets.token_hex(6)
    url = PG + ("&" if "?" in PG else "?") + f"schema={schema}"
    subprocess.run([binary(), "import", "hf-daily", "--database", url, str(FIXTURES / "hf-daily" / "2024-12-04.json")],
                   check=True, capture_output=True)
    a, base_a = serve(url, work, "a")
    b, base_b = serve(url, work, "b")
    ns = SimpleNamespace(url=url, schema=schema, work=work, a=base_a, b=base_b)
    yield ns
    for p in (a, b):
        p.terminate()
        p.wait(timeout=10)
    psql(ns, f"DROP SCHEMA {schema} CASCADE")


def create_users(shared, names):
    for name in names:
        subprocess.run([binary(), "user", "create", "--database", shared.url, "--username", name,
                        "--email", f"{name}@example.org", "--bcrypt-cost", "10"],
                       input="correct horse battery\n", text=True, check=True, capture_output=True)


def test_a_session_made_on_one_server_is_valid_on_the_other(shared):
    create_users(shared, ["ada"])
    c = Client()
    c.log_in(shared.a, "ada", "correct horse battery")
    for base in (shared.a, shared.b):
        status, page = c.get(base + "/settings")
        assert status == 200 and "ada" in page, base
    # Logging out on B ends the session on A too.
    _, settings = c.get(shared.b + "/settings")
    status, _ = c.post(shared.b + "/logout", {"csrf": Client.csrf(settings)})
    assert status == 303
    status, _ = c.get(shared.a + "/settings")
    assert status == 303


def test_votes_through_both_servers_at_once_are_counted_once(shared):
    names = [f"voter{i}" for i in range(16)]
    create_users(shared, names)
    imported = int(psql(shared, f"SELECT imported_upvotes FROM featured WHERE paper_id = '{PAPER}'"))
    members = []
    for i, name in enumerate(names):
        c = Client()
        c.log_in(shared.a if i % 2 else shared.b, name, "correct horse battery")
        _, page = c.get(shared.a + "/settings")
        members.append((c, Client.csrf(page)))

    def vote(member, base, value):
        c, csrf = member
        status, body = c.post(base + "/vote", {"csrf": csrf, "paper": PAPER, "vote": value}, accept="application/json")
        assert status == 200, body

    # Every member votes through both servers at the same time (a double click split by the balancer).
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda job: vote(*job), [(m, base, 1) for m in members for base in (shared.a, shared.b)]))
    assert int(psql(shared, f"SELECT upvotes FROM featured WHERE paper_id = '{PAPER}'")) == imported + 16
    # Half take it back through both, the others vote again.
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda job: vote(*job),
                      [(m, base, 0 if i % 2 == 0 else 1) for i, m in enumerate(members) for base in (shared.a, shared.b)]))
    assert int(psql(shared, f"SELECT upvotes FROM featured WHERE paper_id = '{PAPER}'")) == imported + 8
    assert int(psql(shared, f"SELECT COUNT(*) FROM votes WHERE paper_id = '{PAPER}'")) == 8
    # Both servers' API says so once the counts' grace second has passed.
    time.sleep(1.2)
    for base in (shared.a, shared.b):
        with urllib.request.urlopen(f"{base}/api/papers/{PAPER}", timeout=10) as r:
            assert f'"upvotes":{imported + 8}' in r.read().decode().replace(" ", "")


def test_two_digest_runs_at_once_send_each_subscriber_one_digest(shared):
    now = int(time.time() * 1000)
    addresses = [f"reader{i}@example.org" for i in range(40)]
    values = ", ".join(f"('{a}', 'active', 'daily', 5, '[]', 0, '{secrets.token_urlsafe(24)}', {now})" for a in addresses)
    psql(shared, "INSERT INTO subscriptions (email, status, frequency, size, keywords, send_when_empty, manage_token, created_at) "
                 f"VALUES {values}")
    sink = Sink(delay=0.01)
    controller, port = start(sink)
    try:
        cmd = [binary(), "digest", "send", "--database", shared.url, "--date", DAY, "--smtp-url", f"smtp://127.0.0.1:{port}?tls=none",
               "--mail-from", "digest@papers.example.org", "--public-url", "https://papers.example.org"]
        runs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [p.communicate(timeout=120) for p in runs]
        for p, (out, err) in zip(runs, outputs):
            assert p.returncode == 0, out + err
    finally:
        controller.stop()
    received = Counter(rcpt for _, rcpts, _ in sink.messages for rcpt in rcpts)
    assert set(received) == set(addresses)
    assert max(received.values()) == 1, [a for a, n in received.items() if n > 1]
    assert psql(shared, "SELECT COUNT(*) FROM deliveries WHERE status = 'sent'") == "40"
