"""Hugging Face's own Python client (huggingface_hub) and its `hf papers` command line against the live server:
papers, and whoami with a personal access token made in settings."""
import json
import os
import re
import subprocess
import sys

import pytest
from huggingface_hub import HfApi
from huggingface_hub.utils import HfHubHTTPError

from conftest import Client


def test_the_hub_client_reads_papers(server):
    api = HfApi(endpoint=server)
    paper = api.paper_info("2412.01981")
    assert paper.title == "Free Process Rewards without Process Labels"
    day = list(api.list_daily_papers(date="2024-12-04"))
    assert any(p.id == "2412.01981" for p in day)


def test_whoami_with_a_token_made_in_settings(server):
    c = Client()
    _, page = c.get(server + "/signup")
    status, _ = c.post(server + "/signup", {"csrf": Client.csrf(page), "username": "hubreader", "fullname": "Hub Reader",
                                            "email": "hubreader@example.org", "password": "a long enough secret"})
    assert status in (200, 303)
    c.log_in(server, "hubreader", "a long enough secret")
    status, page = c.get(server + "/settings")
    assert status == 200
    status, page = c.post(server + "/settings/tokens", {"csrf": Client.csrf(page), "name": "hub client", "scope": "read"})
    assert status == 200
    token = re.search(r'<code class="token">(dp_[A-Za-z0-9_-]+)</code>', page).group(1)
    who = HfApi(endpoint=server, token=token).whoami()
    assert who["name"] == "hubreader" and who["fullname"] == "Hub Reader"
    assert who["auth"]["accessToken"]["role"] == "read"
    assert who["auth"]["accessToken"]["displayName"] == "hub client"
    with pytest.raises(HfHubHTTPError):
        HfApi(endpoint=server, token="dp_" + "A" * 43).whoami()


def test_the_hf_cli_lists_searches_shows_and_reads_papers(server):
    """`hf papers ls | search | info | read`, the Hub's command line, pointed at this site by HF_ENDPOINT."""
    env = dict(os.environ, HF_ENDPOINT=server, HF_HUB_DISABLE_TELEMETRY="1", NO_COLOR="1", HF_HUB_DISABLE_UPDATE_CHECK="1")

    def hf(*args):
        done = subprocess.run([sys.executable, "-m", "huggingface_hub.cli.hf", "papers", *args], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "2412.01981" in hf("ls", "--date", "2024-12-04")
    assert "2412.01981" in hf("search", "process rewards")
    assert json.loads(hf("info", "2412.01981"))["title"] == "Free Process Rewards without Process Labels"
    assert hf("read", "2412.01981").startswith("# Free Process Rewards without Process Labels")
