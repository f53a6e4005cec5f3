"""Starts the real `dailypapers` binary on a fresh SQLite file for the live-server tests.

The database holds the repository's Hugging Face fixtures plus one JSON-lines record written here that
gives 2412.01981 arXiv categories (the HF fixture has none), so category feeds have content.
"""
import http.cookiejar
import json
import re
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "DailyPapersTestSupport" / "Fixtures"


def binary() -> str:
    if os.environ.get("DAILYPAPERS_BIN"):
        return os.environ["DAILYPAPERS_BIN"]
    subprocess.run(["swift", "build", "--product", "dailypapers"], cwd=ROOT, check=True, capture_output=True)
    path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True)
    return str(Path(path.stdout.strip()) / "dailypapers")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live():
    """The running server: its base URL and its work folder (database, mail folder, log)."""
    bin_path = binary()
    work = tempfile.mkdtemp(prefix="dailypapers-live-")
    db = os.path.join(work, "live.sqlite")
    quiet = dict(check=True, capture_output=True)
    subprocess.run([bin_path, "import", "hf-daily", "--database", db,
                    str(FIXTURES / "hf-daily" / "2024-12-04.json"),
                    str(FIXTURES / "hf-daily" / "daily_papers_2024-03-29.json")], **quiet)
    extra = os.path.join(work, "categories.jsonl")
    with open(extra, "w") as f:
        f.write(json.dumps({"id": "2412.01981", "title": "Free Process Rewards without Process Labels",
                            "categories": ["cs.LG", "cs.AI"], "authors": []}) + "\n")
    subprocess.run([bin_path, "import", "arxiv-jsonl", "--database", db, extra], **quiet)
    port = free_port()
    log = open(os.path.join(work, "serve.log"), "w")
    # Mail goes to a folder the tests read; no arXiv lookups; the cheapest bcrypt cost allowed.
    proc = subprocess.Popen([bin_path, "serve", "--database", db, "--port", str(port),
                             "--public-url", f"http://127.0.0.1:{port}", "--mail-folder", os.path.join(work, "mail"),
                             "--arxiv-api", "off", "--github-api", "off", "--bcrypt-cost", "10"], stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        raise RuntimeError("dailypapers did not start: " + open(log.name).read())
    yield SimpleNamespace(base=base, work=work, mail=os.path.join(work, "mail"))
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def server(live):
    return live.base


class Client:
    """A browser without a browser: cookies, the form's CSRF token, redirects not followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), self.NoRedirect)

    def get(self, url):
        try:
            with self.opener.open(url, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def post(self, url, fields, accept="text/html"):
        data = urllib.parse.urlencode(fields).encode()
        req = urllib.request.Request(url, data=data, headers={"Accept": accept})
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    @staticmethod
    def csrf(html):
        return re.search(r'name="csrf" value="([^"]+)"', html).group(1)

    def log_in(self, base, login, password):
        status, page = self.get(base + "/login")
        assert status == 200
        status, _ = self.post(base + "/login", {"login": login, "password": password, "csrf": self.csrf(page)})
        assert status == 303, f"log in as {login} on {base}: {status}"
