"""The official Python MCP client (`mcp` on PyPI) against the live server's `/mcp`: connect as an assistant does
(the 2026 client probes for the newer protocol and falls back to the initialize handshake), list the tools, call
each one, and see mistakes answered as the protocol's errors, never an HTTP 5xx. A member connects with a personal
access token made in settings and saves a paper."""
import asyncio
import json
import re
import urllib.request

import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.exceptions import MCPError

from conftest import Client as Browser

PAPER = "2412.01981"
PUBLIC_TOOLS = {"list_papers", "search_papers", "get_paper", "read_paper", "similar_papers"}


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 60))


def connect(server, token=None, mode="auto"):
    if token is None:
        return Client(server + "/mcp", mode=mode)
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    return Client(streamable_http_client(server + "/mcp", http_client=http), mode=mode)


def test_an_assistant_lists_and_calls_every_public_tool(server):
    async def session():
        async with connect(server) as c:
            assert c.server_info.name == "dailypapers"
            tools = {t.name: t for t in (await c.list_tools()).tools}
            assert set(tools) == PUBLIC_TOOLS
            for tool in tools.values():
                assert len(tool.description) > 80 and tool.input_schema["type"] == "object"
            assert tools["search_papers"].input_schema["required"] == ["query"]

            day = await c.call_tool("list_papers", {"date": "2024-12-04", "limit": 50})
            assert not day.is_error
            assert PAPER in [p["id"] for p in day.structured_content["papers"]]
            week = await c.call_tool("list_papers", {"period": "week", "date": "2024-W49", "limit": 50})
            assert PAPER in [p["id"] for p in week.structured_content["papers"]]
            found = await c.call_tool("search_papers", {"query": "Free Process Rewards without Process Labels", "limit": 3})
            first = found.structured_content["papers"][0]
            assert first["id"] == PAPER and first["summary"] and first["url"].endswith("/papers/" + PAPER)
            # The text block carries the same answer for clients that read only text.
            assert json.loads(found.content[0].text) == found.structured_content
            paper = await c.call_tool("get_paper", {"id": PAPER})
            assert paper.structured_content["title"] == "Free Process Rewards without Process Labels"
            assert paper.structured_content["links"]["arxiv"] == f"https://arxiv.org/abs/{PAPER}"
            markdown = await c.call_tool("read_paper", {"id": PAPER})
            assert markdown.content[0].text.startswith("# Free Process Rewards without Process Labels")
            cited = await c.call_tool("read_paper", {"id": PAPER, "format": "bibtex"})
            assert cited.content[0].text.startswith("@") and PAPER in cited.content[0].text
            similar = await c.call_tool("similar_papers", {"id": PAPER, "limit": 3})
            assert similar.structured_content["papers"] and all(0 < p["similarity"] <= 1 for p in similar.structured_content["papers"])

            # Wrong arguments are the protocol's invalid params; a right call that cannot be done is a tool error.
            for name, arguments in [("search_papers", {}), ("search_papers", {"query": "x", "limit": 500}),
                                    ("get_paper", {"id": "nonsense"}), ("list_papers", {"date": "yesterday"}),
                                    ("list_papers", {"colour": "red"}), ("no_such_tool", {})]:
                with pytest.raises(MCPError) as refused:
                    await c.call_tool(name, arguments)
                assert refused.value.error.code == -32602, (name, arguments)
            missing = await c.call_tool("get_paper", {"id": "2101.00001"})
            assert missing.is_error and "2101.00001" in missing.content[0].text
            assert (await c.call_tool("save_paper", {"id": PAPER})).is_error

        # The handshake of the protocol's earlier revisions, as older assistants speak it.
        async with connect(server, mode="legacy") as c:
            assert c.protocol_version in ("2025-11-25", "2025-06-18")
            assert {t.name for t in (await c.list_tools()).tools} == PUBLIC_TOOLS

    run(session())


def test_a_member_connects_with_a_token_and_saves_a_paper(server):
    browser = Browser()
    _, page = browser.get(server + "/signup")
    status, _ = browser.post(server + "/signup", {"csrf": Browser.csrf(page), "username": "assisted", "fullname": "Assisted Reader",
                                                  "email": "assisted@example.org", "password": "a long enough secret"})
    assert status in (200, 303)
    browser.log_in(server, "assisted", "a long enough secret")

    def token(scope):
        _, page = browser.get(server + "/settings")
        status, page = browser.post(server + "/settings/tokens", {"csrf": Browser.csrf(page), "name": "assistant " + scope, "scope": scope})
        assert status == 200
        return re.search(r'<code class="token">(dp_[A-Za-z0-9_-]+)</code>', page).group(1)

    reader, writer = token("read"), token("write")

    async def session():
        async with connect(server, writer) as c:
            names = {t.name for t in (await c.list_tools()).tools}
            assert names == PUBLIC_TOOLS | {"save_paper", "list_collections"}
            saved = await c.call_tool("save_paper", {"id": PAPER, "note": "for Tuesday's reading group"})
            assert not saved.is_error and saved.structured_content["added"] is True
            again = await c.call_tool("save_paper", {"id": PAPER})
            assert again.structured_content["added"] is False
        async with connect(server, reader) as c:
            assert (await c.call_tool("save_paper", {"id": "2412.02259"})).is_error  # read-only token
            mine = await c.call_tool("list_collections", {})
            assert [(x["slug"], x["papers"]) for x in mine.structured_content["collections"]] == [("saved", 1)]
            kept = await c.call_tool("list_collections", {"collection": "saved"})
            assert [(p["id"], p["note"]) for p in kept.structured_content["papers"]] == [(PAPER, "for Tuesday's reading group")]

    run(session())
    # What the assistant saved is the member's, on the site.
    status, page = browser.get(server + "/collections")
    assert status == 200 and "Saved" in page


def test_a_token_that_is_not_live_is_refused(server):
    async def session():
        async with connect(server, "dp_" + "A" * 43) as c:
            await c.list_tools()

    with pytest.raises(BaseException):
        run(session())
    # and said so in HTTP terms, with the scheme to use
    req = urllib.request.Request(server + "/mcp", data=b'{"jsonrpc":"2.0","id":1,"method":"tools/list"}', method="POST",
                                 headers={"Authorization": "Bearer dp_" + "A" * 43, "Content-Type": "application/json",
                                          "Accept": "application/json, text/event-stream"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(req, timeout=10)
    assert refused.value.code == 401 and refused.value.headers["WWW-Authenticate"].startswith("Bearer")


def test_hostile_messages_never_get_a_server_error(server):
    bodies = [b"", b"[]", b"{", b"null", b'{"jsonrpc":"2.0","id":{},"method":"tools/list"}',
              b'{"jsonrpc":"2.0","id":1,"method":7}', b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"x"}',
              b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_papers","arguments":{"query":"' + b"a " * 5000 + b'"}}}',
              b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_papers","arguments":{"offset":1e300}}}',
              b"[" * 30000 + b"]" * 30000, b'{"jsonrpc":"2.0","id":"' + b"9" * 300 + b'","method":"ping"}']
    for body in bodies:
        req = urllib.request.Request(server + "/mcp", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        assert status < 500, body[:80]
