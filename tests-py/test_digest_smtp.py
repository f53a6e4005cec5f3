"""The digest against real SMTP servers (aiosmtpd on loopback): headers, parts, links, DKIM signatures checked
by an independent verifier (dkimpy), STARTTLS with a certificate made here, and exactly-once delivery when the
sending process is killed at many points, the server drops connections mid-DATA, or answers 421 to everything.
"""
import asyncio
import datetime
import email
import email.policy
import ipaddress
import os
import random
import secrets
import socket
import sqlite3
import ssl
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import dkim
import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import FIXTURES, binary, free_port

DAY = "2024-12-04"


class Sink:
    """Keeps every message it accepts; optionally slow, or refusing."""

    def __init__(self, delay=0.0, refuse_with=None):
        self.messages = []
        self.lock = threading.Lock()
        self.delay = delay
        self.refuse_with = refuse_with

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_with:
            return self.refuse_with
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Like a real MTA: the message is kept once the final dot is in, then the reply follows (slowly here,
        # so that kills land in every phase of a run).
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted"


def start(handler, **kwargs):
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, port


@pytest.fixture
def workdir():
    d = tempfile.mkdtemp(prefix="dailypapers-digest-")
    yield d


def make_db(workdir, subscribers, **prefs):
    db = os.path.join(workdir, "d.sqlite")
    subprocess.run([binary(), "import", "hf-daily", "--database", db, str(FIXTURES / "hf-daily" / "2024-12-04.json")],
                   check=True, capture_output=True)
    c = sqlite3.connect(db)
    now = int(time.time() * 1000)
    tokens = {}
    for i in range(subscribers):
        address = f"reader{i}@example.org"
        tokens[address] = secrets.token_urlsafe(32)
        c.execute("INSERT INTO subscriptions (email, status, frequency, size, keywords, send_when_empty, manage_token, created_at)"
                  " VALUES (?, 'active', 'daily', ?, ?, 0, ?, ?)",
                  (address, prefs.get("size", 5), prefs.get("keywords", "[]"), tokens[address], now))
    c.commit()
    c.close()
    return db, tokens


def digest(db, port, *extra, url=None, check=False, timeout=120):
    url = url or f"smtp://127.0.0.1:{port}?tls=none"
    cmd = [binary(), "digest", "send", "--database", db, "--date", DAY, "--smtp-url", url,
           "--mail-from", "digest@papers.example.org", "--public-url", "https://papers.example.org", *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=check)


def keygen(workdir, ed25519):
    key = os.path.join(workdir, "ed.key" if ed25519 else "rsa.key")
    out = subprocess.run([binary(), "dkim", "keygen", "--out", key, "--domain", "papers.example.org", "--selector", "s1"]
                         + (["--ed25519"] if ed25519 else []), check=True, capture_output=True, text=True).stdout
    record = out.split("IN TXT ", 1)[1].splitlines()[0]
    txt = "".join(part for part in record.split('"') if part.strip())
    assert oct(os.stat(key).st_mode & 0o777) == "0o600"
    return key, txt


@pytest.mark.parametrize("ed25519", [False, True])
def test_digest_mail_is_well_formed_and_dkim_signed(workdir, ed25519):
    sink = Sink()
    controller, port = start(sink)
    try:
        db, tokens = make_db(workdir, 3)
        key, txt = keygen(workdir, ed25519)
        run = digest(db, port, "--dkim-key", key, "--dkim-selector", "s1")
        assert run.returncode == 0, run.stdout + run.stderr
        assert "3 sent" in run.stdout
    finally:
        controller.stop()
    assert sorted(r for _, rcpts, _ in sink.messages for r in rcpts) == sorted(tokens)
    for mail_from, rcpts, raw in sink.messages:
        assert mail_from == "digest@papers.example.org"
        # An independent verifier, with our public key as the DNS answer.
        assert dkim.verify(raw, dnsfunc=lambda name, timeout=5: txt.encode() if name == b"s1._domainkey.papers.example.org." else None)
        assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        token = tokens[rcpts[0]]
        assert msg["Subject"] == "Daily Papers: 5 trending papers · Wednesday, December 4, 2024"
        assert msg["List-Unsubscribe"] == (f"<https://papers.example.org/unsubscribe/{token}>, "
                                           f"<mailto:digest@papers.example.org?subject=unsubscribe%20{token}>")
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert msg["MIME-Version"] == "1.0" and msg["Date"] and msg["Message-ID"].startswith("<digest.daily.2024-12-04.")
        signed = msg["DKIM-Signature"].replace(" ", "")
        for h in ["from", "to", "subject", "list-unsubscribe", "list-unsubscribe-post"]:
            assert h in signed.split("h=")[1].split(";")[0].split(":")
        text = msg.get_body(preferencelist=("plain",)).get_content()
        html = msg.get_body(preferencelist=("html",)).get_content()
        assert "VideoGen-of-Thought" in text and "https://papers.example.org/papers/2412.02259" in text
        assert f"https://papers.example.org/unsubscribe/{token}" in html and "<img" not in html and "<style" not in html


def self_signed(workdir):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = os.path.join(workdir, "cert.pem"), os.path.join(workdir, "key.pem")
    Path(cert_path).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    Path(key_path).write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


def test_starttls_with_a_verified_certificate_and_refusal_of_an_unknown_one(workdir):
    cert, key = self_signed(workdir)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    sink = Sink()
    controller, port = start(sink, tls_context=context, require_starttls=True)
    try:
        db, tokens = make_db(workdir, 2)
        # Without trusting the certificate: refused, nothing sent, the run says so and exits 1.
        untrusted = digest(db, port, url=f"smtp://localhost:{port}?tls=required")
        assert untrusted.returncode == 1, untrusted.stdout + untrusted.stderr
        assert "2 deferred" in untrusted.stdout
        assert sink.messages == []
        trusted = digest(db, port, url=f"smtp://localhost:{port}?tls=required&ca={cert}")
        assert trusted.returncode == 0, trusted.stdout + trusted.stderr
        assert "2 sent" in trusted.stdout
    finally:
        controller.stop()
    assert sorted(r for _, rcpts, _ in sink.messages for r in rcpts) == sorted(tokens)


def test_a_server_answering_421_to_everything_loses_nothing(workdir):
    busy = Sink(refuse_with="421 Service not available, closing channel")
    controller, port = start(busy)
    db, tokens = make_db(workdir, 3)
    try:
        run = digest(db, port)
        assert run.returncode == 1 and "3 deferred" in run.stdout, run.stdout + run.stderr
    finally:
        controller.stop()
    c = sqlite3.connect(db)
    assert c.execute("SELECT status, COUNT(*), MIN(attempts) FROM deliveries GROUP BY status").fetchall() == [("planned", 3, 1)]
    good = Sink()
    controller, port = start(good)
    try:
        assert "3 sent" in digest(db, port, check=True).stdout
    finally:
        controller.stop()
    assert Counter(r for _, rcpts, _ in good.messages for r in rcpts) == Counter({t: 1 for t in tokens})


class DropsDuringData:
    """A hand-written SMTP server that hangs up in the middle of the first message's DATA, then behaves."""

    def __init__(self):
        self.messages = []
        self.dropped = 0

    async def session(self, reader, writer):
        writer.write(b"220 sink ESMTP\r\n")
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    writer.write(b"250-sink\r\n250 PIPELINING\r\n")
                elif verb == b"DATA":
                    writer.write(b"354 go ahead\r\n")
                    await writer.drain()
                    if self.dropped == 0:
                        # The line goes dead as the message starts to flow. (A drop that races the client's
                        # final dot is different: the client cannot know whether the dot arrived, counts the
                        # digest as sent and never repeats it; the kill test covers that window.)
                        self.dropped += 1
                        writer.close()
                        return
                    data = b""
                    while not data.endswith(b"\r\n.\r\n"):
                        chunk = await reader.read(65536)
                        if not chunk:
                            return
                        data += chunk
                    self.messages.append(data)
                    writer.write(b"250 accepted\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    await writer.drain()
                    writer.close()
                    return
                else:
                    writer.write(b"250 ok\r\n")
                await writer.drain()
        except ConnectionError:
            return

    def start(self):
        port = free_port()
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(loop)
            loop.run_until_complete(asyncio.start_server(self.session, "127.0.0.1", port))
            ready.set()
            loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        ready.wait(5)
        return port, loop


def test_a_connection_dropped_mid_data_is_sent_again_exactly_once(workdir):
    server = DropsDuringData()
    port, loop = server.start()
    db, tokens = make_db(workdir, 2)
    run = digest(db, port, "--concurrency", "1")
    loop.call_soon_threadsafe(loop.stop)
    assert run.returncode == 0, run.stdout + run.stderr
    assert server.dropped == 1
    recipients = Counter()
    for data in server.messages:
        to = [line for line in data.split(b"\r\n") if line.startswith(b"To: ")][0][4:].decode()
        recipients[to] += 1
    assert recipients == Counter({t: 1 for t in tokens})


def test_killed_at_many_points_every_subscriber_gets_exactly_one_digest(workdir):
    # Slow enough that half the 20 runs are still sending when killed 50-500 ms in (300 messages x 50 ms over
    # 4 connections: about 4 s of sending in all); at 4 ms a faster machine finished most runs before the kill.
    sink = Sink(delay=0.05)
    controller, port = start(sink)
    db, tokens = make_db(workdir, 300)
    rng = random.Random(20261127)
    kills = 0
    try:
        for _ in range(20):
            p = subprocess.Popen([binary(), "digest", "send", "--database", db, "--date", DAY, "--smtp-url",
                                  f"smtp://127.0.0.1:{port}?tls=none", "--mail-from", "digest@papers.example.org",
                                  "--public-url", "https://papers.example.org", "--concurrency", "4"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, 0.5))
            if p.poll() is None:
                p.kill()
                kills += 1
            p.wait()
        final = digest(db, port, check=True)
    finally:
        controller.stop()
    received = Counter(r for _, rcpts, _ in sink.messages for r in rcpts)
    assert kills >= 10, f"only {kills} runs were killed mid-way; the test needs a slower sink"
    duplicates = {r: n for r, n in received.items() if n > 1}
    assert not duplicates, f"sent twice: {duplicates}"
    c = sqlite3.connect(db)
    rows = c.execute("SELECT s.email, d.status, d.updated_at FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id").fetchall()
    states = {email: status for email, status, _ in rows}
    committed_at = {email: at for email, _, at in rows}
    assert len(states) == 300 and set(states.values()) <= {"sent", "sending"}
    # Every subscriber got exactly one digest, except where a kill fell between a commit of "sending" and
    # the final dots leaving the process (they are written from the database's completion callback, but
    # still cross to the connections' event loops): those digests are lost, their rows say "sending", and
    # they are never sent twice. "sending" is committed for a group of messages at once (all that reached
    # their final dot meanwhile, at most one per connection), so such a kill loses one group: rows with one
    # commit time. Measured here: about one kill in twenty. The README and closing note describe it.
    missing = set(tokens) - set(received)
    assert all(states[m] == "sending" for m in missing), "a digest is missing without its row saying why"
    groups = Counter(committed_at[m] for m in missing)
    assert all(n <= 4 for n in groups.values()), f"a commit group larger than the 4 connections: {groups}"
    # One kill can catch two commits a few milliseconds apart; kills are at least 50 ms apart (and a process start).
    # Where the kills fall is random: about one in twenty lands in a window, so more than four of twenty (a Poisson
    # tail of 0.4%) would say the window grew, not chance.
    windows = 0
    last = None
    for at in sorted(groups):
        if last is None or at - last > 20:
            windows += 1
        last = at
    assert windows <= 4, f"{windows} kills of {kills} fell in a commit-to-dot window: more than expected ({len(missing)} lost)"
    print(f"{kills} kills; {windows} in a commit-to-dot window, {len(missing)} lost; final run: {final.stdout.strip()}")
