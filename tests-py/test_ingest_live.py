"""`ingest arxiv` against a local stand-in for arXiv (a recording proxy or a mirror, as an operator would point it):
the base URL settings, the contact in the User-Agent, and the auto-feature rules, through the real binary.
"""
import http.server
import os
import sqlite3
import subprocess
import tempfile
import threading

from conftest import FIXTURES, binary


class Recorder(http.server.BaseHTTPRequestHandler):
    seen = []
    body = b""

    def do_GET(self):
        Recorder.seen.append((self.path, self.headers.get("User-Agent", "")))
        self.send_response(200)
        self.send_header("Content-Type", "application/atom+xml")
        self.send_header("Content-Length", str(len(Recorder.body)))
        self.end_headers()
        self.wfile.write(Recorder.body)

    def log_message(self, *args):
        pass


def test_ingest_reaches_arxiv_where_the_settings_say_and_features_by_the_rules():
    Recorder.body = (FIXTURES / "arxiv" / "listing-atom-cs-LG.xml").read_bytes()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    work = tempfile.mkdtemp(prefix="dailypapers-ingest-")
    db = os.path.join(work, "ingest.sqlite")
    config = os.path.join(work, "dailypapers.json")
    with open(config, "w") as f:
        f.write('{"auto-feature-categories": "cs.AI", "auto-feature-max": 1}')
    try:
        run = subprocess.run([binary(), "ingest", "arxiv", "--database", db, "--config", config, "--categories", "cs.LG",
                              "--via", "listing", "--arxiv-listing", f"http://127.0.0.1:{server.server_port}/",
                              "--contact", "ops@example.org"], capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
    assert run.returncode == 0, run.stdout + run.stderr
    assert [path for path, _ in Recorder.seen] == ["/rss/cs.LG"]
    assert "mailto:ops@example.org" in Recorder.seen[0][1]
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM papers").fetchone()[0] == 3
    # Only the paper in cs.AI matches the rules, and the daily maximum is one.
    assert [r[0] for r in con.execute("SELECT paper_id FROM featured")] == ["2508.14001"]
    bad = subprocess.run([binary(), "ingest", "arxiv", "--database", db, "--categories", "cs.LG", "--arxiv-oai", "ftp://mirror"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "--arxiv-oai 'ftp://mirror' is not an http(s) URL" in bad.stderr
