"""Settings whose effect only the running binary shows: the connection limit, the log format and level, the
bcrypt cost written into a new account's hash, and the DKIM signing domain. The others are shown by the Swift
tests (trending, site name, cache, sessions, counts lag, community limits, schedules, ingest rules) and by the
other live tests (idle timeout, rate limits, mail transport); README's Configuration table lists them all.
"""
import gzip
import json
import os
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.request

import dkim
import pytest

import urllib.parse

from conftest import FIXTURES, binary, free_port
from test_digest_smtp import Sink, digest, keygen, make_db, start
from test_hostile_server import serve


@pytest.fixture
def work():
    return tempfile.mkdtemp(prefix="dailypapers-settings-")


def request(port, path="/healthz"):
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def test_max_connections_holds_the_next_connection_until_one_closes(work):
    proc, base, port = serve(work, "--max-connections", "2")
    try:
        held = []
        for _ in range(2):  # two keep-alive connections, each answered once and kept open
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(request(port))
            s.settimeout(5)
            assert s.recv(4096).startswith(b"HTTP/1.1 200")
            held.append(s)
        third = socket.create_connection(("127.0.0.1", port))  # the kernel's backlog takes it; the server does not
        third.sendall(request(port))
        third.settimeout(1.5)
        with pytest.raises(socket.timeout):
            third.recv(4096)
        held[0].close()
        third.settimeout(5)
        assert third.recv(4096).startswith(b"HTTP/1.1 200")
        for s in held[1:] + [third]:
            s.close()
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_log_format_and_level_from_the_config_file_and_a_flag(work):
    config = os.path.join(work, "dailypapers.json")
    with open(config, "w") as f:
        json.dump({"log-format": "json", "log-level": "debug"}, f)
    proc, base, port = serve(work, "--config", config, "--log-level", "info")  # the flag wins over the file
    try:
        urllib.request.urlopen(base + "/papers", timeout=5).read()
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    lines = [line for line in open(os.path.join(work, "serve.log")).read().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line one JSON object
    assert any(r.get("message") == "starting" for r in records)
    assert all(r.get("level") != "debug" for r in records), "the flag's level (info) wins over the file's (debug)"


def test_bcrypt_cost_is_the_cost_of_a_new_accounts_hash(work):
    db = os.path.join(work, "accounts.sqlite")
    for name, cost in [("eleven", "11"), ("ten", None)]:
        args = [binary(), "user", "create", "--database", db, "--username", name, "--email", f"{name}@example.org"]
        if cost:
            args += ["--bcrypt-cost", cost]
        run = subprocess.run(args, input="a long enough password\n", capture_output=True, text=True,
                             env={**os.environ, "DAILYPAPERS_BCRYPT_COST": "10"})
        assert run.returncode == 0, run.stderr
    hashes = dict(sqlite3.connect(db).execute("SELECT username, password_hash FROM users"))
    assert hashes["eleven"].split("$")[2] == "11"
    assert hashes["ten"].split("$")[2] == "10"  # from the environment


def test_dkim_domain_signs_for_the_domain_given(work):
    sink = Sink()
    controller, port = start(sink)
    try:
        db, _ = make_db(work, 1)
        key, txt = keygen(work, False)
        run = digest(db, port, "--dkim-key", key, "--dkim-selector", "s1", "--dkim-domain", "example.net")
        assert run.returncode == 0, run.stdout + run.stderr
    finally:
        controller.stop()
    (_, _, raw), = sink.messages
    assert b"d=example.net;" in raw.replace(b"\r\n ", b" ").replace(b" ", b"")
    assert dkim.verify(raw, dnsfunc=lambda name, timeout=5: txt.encode() if name == b"s1._domainkey.example.net." else None)


def test_search_index_file_ranks_as_memory_and_a_damaged_one_stops_start_up(work):
    db = os.path.join(work, "index.sqlite")
    subprocess.run([binary(), "import", "hf-daily", "--database", db, str(FIXTURES / "hf-daily" / "2024-12-04.json")], check=True, capture_output=True)
    index = os.path.join(work, "search.index")
    run = subprocess.run([binary(), "reindex", "--database", db, "--search-file", index], capture_output=True, text=True)
    assert run.returncode == 0 and "search index file" in run.stdout, run.stderr
    queries = ["process rewards", "video generation", "language models", "reasoning"]

    def answers(*extra):
        port = free_port()
        proc = subprocess.Popen([binary(), "serve", "--database", db, "--port", str(port), "--arxiv-api", "off", *extra],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.05)
            return [[i["paper"]["id"] for i in json.load(urllib.request.urlopen(
                f"http://127.0.0.1:{port}/api/papers/search?q={urllib.parse.quote(q)}&limit=50", timeout=10))] for q in queries]
        finally:
            proc.terminate()
            proc.wait(timeout=15)

    from_memory = answers()
    assert all(from_memory)
    assert answers("--search-index-file", index) == from_memory
    with open(index, "r+b") as f:
        f.write(b"XXXXXXXX")
    bad = subprocess.run([binary(), "serve", "--database", db, "--port", str(free_port()), "--search-index-file", index],
                         capture_output=True, text=True, timeout=30)
    assert bad.returncode != 0 and "not a search index file" in bad.stderr


def test_a_new_search_index_file_is_mapped_by_a_running_server(work):
    """`reindex --search-file` renames a new file over the one a server maps; the server maps it within seconds
    (no restart) and answers from it and the rows written after it."""
    db = os.path.join(work, "h.sqlite")  # the database `serve` below starts on
    subprocess.run([binary(), "import", "hf-daily", "--database", db, str(FIXTURES / "hf-daily" / "2024-12-04.json")], check=True, capture_output=True)
    index = os.path.join(work, "search.index")
    subprocess.run([binary(), "reindex", "--database", db, "--search-file", index], check=True, capture_output=True)
    proc, base, _ = serve(work, "--search-index-file", index)
    log = os.path.join(work, "serve.log")
    try:
        subprocess.run([binary(), "import", "arxiv-jsonl", "--database", db, str(FIXTURES / "arxiv" / "corpus-excerpt.jsonl.gz")],
                       check=True, capture_output=True)
        run = subprocess.run([binary(), "reindex", "--database", db, "--search-file", index], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        deadline = time.time() + 20
        while time.time() < deadline and "mapped the new index file" not in open(log).read():
            time.sleep(0.2)
        assert "mapped the new index file" in open(log).read()
        with gzip.open(FIXTURES / "arxiv" / "corpus-excerpt.jsonl.gz") as f:
            first = json.loads(f.readline())
        found = json.load(urllib.request.urlopen(
            f"{base}/api/papers/search?q={urllib.parse.quote(' '.join(first['title'].split()))}&limit=5", timeout=10))
        assert found and found[0]["paper"]["id"] == first["id"]
    finally:
        proc.terminate()
        proc.wait(timeout=15)
