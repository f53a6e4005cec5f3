"""The real binary under hostile use: many account mails at once through a real SMTP server (aiosmtpd), and
slow clients that hold connections open without finishing a request.
"""
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import FIXTURES, Client, binary, free_port
from test_digest_smtp import Sink, start


def serve(work, *extra):
    db = os.path.join(work, "h.sqlite")
    subprocess.run([binary(), "import", "hf-daily", "--database", db, str(FIXTURES / "hf-daily" / "2024-12-04.json")],
                   check=True, capture_output=True)
    port = free_port()
    log = open(os.path.join(work, "serve.log"), "w")
    proc = subprocess.Popen([binary(), "serve", "--database", db, "--port", str(port), "--public-url", f"http://127.0.0.1:{port}",
                             "--arxiv-api", "off", "--bcrypt-cost", "10", "--rate-limit-scale", "100", *extra],
                            stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return proc, base, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("dailypapers did not start: " + open(log.name).read())


@pytest.fixture
def work():
    return tempfile.mkdtemp(prefix="dailypapers-hostile-")


def test_many_account_mails_at_once_through_smtp_keep_the_server_up(work):
    # A slow sink, so that sends overlap: before account mail had its own queue and a pool of connections,
    # two sends met on one SMTP connection and the process died.
    sink = Sink(delay=0.2)
    controller, smtp_port = start(sink)
    proc, base, _ = serve(work, "--smtp-url", f"smtp://127.0.0.1:{smtp_port}?tls=none")
    try:
        def sign_up(i):
            c = Client()
            _, page = c.get(base + "/signup")
            return c.post(base + "/signup", {"csrf": Client.csrf(page), "username": f"reader{i}", "fullname": "Reader",
                                              "email": f"reader{i}@example.org", "password": "a long enough secret"})[0]

        def subscribe(i):
            c = Client()
            _, page = c.get(base + "/subscribe")
            return c.post(base + "/subscribe", {"csrf": Client.csrf(page), "email": f"sub{i}@example.org"})[0]

        started = time.time()
        with ThreadPoolExecutor(24) as pool:
            statuses = list(pool.map(sign_up, range(12))) + list(pool.map(subscribe, range(12)))
        answered = time.time() - started
        assert statuses == [200] * 24
        # The pages did not wait for the mail (24 sends at 0.2 s each over two connections take over 2 s).
        assert answered < 2.4, answered
        deadline = time.time() + 30
        while len(sink.messages) < 24 and time.time() < deadline:
            time.sleep(0.1)
        assert len(sink.messages) == 24
        recipients = sorted(r for _, rcpts, _ in sink.messages for r in rcpts)
        assert recipients == sorted([f"reader{i}@example.org" for i in range(12)] + [f"sub{i}@example.org" for i in range(12)])
        assert proc.poll() is None
        assert urllib.request.urlopen(base + "/healthz", timeout=5).status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        controller.stop()


def test_slow_clients_are_cut_off_and_do_not_block_others(work):
    proc, base, port = serve(work, "--idle-timeout", "2")
    try:
        # Slowloris: many connections sending a request's headers a piece at a time, never finishing.
        slow = []
        for _ in range(200):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(s)
        # Everyone else is still served at once.
        t = time.time()
        assert urllib.request.urlopen(base + "/papers", timeout=5).status == 200
        assert time.time() - t < 1.0
        time.sleep(1.0)
        for s in slow:
            s.sendall(b"a")  # a byte now and then does not count as progress
        time.sleep(2.5)
        closed = 0
        for s in slow:
            s.settimeout(2)
            try:
                closed += s.recv(1) == b""
            except ConnectionResetError:
                closed += 1
            except socket.timeout:
                pass
            s.close()
        assert closed == 200
        # An idle keep-alive connection is closed too.
        idle = socket.create_connection(("127.0.0.1", port))
        idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        idle.settimeout(6)
        answer = b""
        while chunk := idle.recv(4096):  # the answer, then the server's close
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"ok\n")
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(timeout=15)
