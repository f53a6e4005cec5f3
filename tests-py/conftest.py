"""Starts the real `dailypapers` binary on a fresh SQLite file for the live-server tests.

The database holds the repository's Hugging Face fixtures plus one JSON-lines record written here that
gives 2412.01981 arXiv categories (the HF fixture has none), so category feeds have content.
"""
import json
import os
import socket
import subprocess
import tempfile
import time
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
                             "--arxiv-api", "off", "--bcrypt-cost", "10"], stdout=log, stderr=log)
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
