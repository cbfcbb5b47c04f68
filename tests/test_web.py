"""tui/web/textual_serve.py is the one module that knows how textual-serve's client and Textual's
web driver work inside: these tests pin each fact it relies on against the installed packages
(a version bump that changes one fails here, not in a browser), what it makes of the messages
both sides send, and that no other module of rcsim reaches into textual-serve."""

from __future__ import annotations

import ast
import inspect
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from rcsim.tui.web import textual_serve as client

ROOT = Path(__file__).resolve().parent.parent
ADAPTER = ROOT / "tui" / "web" / "textual_serve.py"


# ---------------------------------------------------------------- the installed packages

def test_the_client_files_served_are_in_the_installed_textual_serve() -> None:
    for name, (path, content_type) in client.CLIENT_FILES.items():
        found = client.client_file(name)
        assert found is not None and found[1] == content_type
        assert found[0] == files("textual_serve").joinpath("static", *path.split("/")).read_bytes()
        assert len(found[0]) > 1000, name
    assert client.client_file("../server.py") is None
    assert client.client_file("index.html") is None


def test_the_client_speaks_the_messages_the_adapter_reads_and_sends() -> None:
    script = client.client_file("textual.js")
    assert script is not None
    text = script[0].decode("utf-8")
    for kind in ("stdin", "resize", "ping", "pong", "focus", "blur", "open_url"):
        assert f'"{kind}"' in text, kind
    # the page hands the client its websocket's address in this attribute
    assert "sessionWebsocketUrl" in text


def test_the_web_driver_speaks_the_protocol_the_adapter_speaks() -> None:
    from textual.drivers import web_driver

    source = inspect.getsource(web_driver)
    assert client.PRELUDE.decode().strip() in source
    assert client.DRIVER_ENVIRONMENT["TEXTUAL_DRIVER"] == (
        f"{web_driver.__name__}:{web_driver.WebDriver.__name__}")
    assert '.to_bytes(4, "big")' in source  # a packet's length: 4 bytes, big-endian
    for kind in ("resize", "focus", "blur", "quit", "exit", "open_url"):
        assert f'"{kind}"' in source, kind


# ---------------------------------------------------------------- what the adapter makes of them

@pytest.mark.parametrize("raw, kind, text, size", [
    ('["stdin", "q"]', "stdin", "q", client.DEFAULT_SIZE),
    ('["ping", "1"]', "ping", "1", client.DEFAULT_SIZE),
    ('["resize", {"width": 9999, "height": "x"}]', "resize", "", (400, 24)),
    ('["focus"]', "focus", "", client.DEFAULT_SIZE),
    ('["blur"]', "blur", "", client.DEFAULT_SIZE),
])
def test_a_client_message_is_read(raw: str, kind: str, text: str, size: tuple[int, int]) -> None:
    assert client.client_message(raw) == client.ClientMessage(kind, text, size)


@pytest.mark.parametrize("raw", ['not json', '{"stdin": "q"}', '[]', '[1]', '["stdin", 1]',
                                 '["deliver_chunk_request", {}]', '["resize", 3]'])
def test_anything_else_from_a_client_is_ignored(raw: str) -> None:
    assert client.client_message(raw) is None


class _Recorded(client.AppProcess):
    """An app process that records what it would write to the app."""

    def __init__(self) -> None:
        async def nothing(_: Any) -> None:
            return None

        super().__init__(["true"], {}, nothing, nothing)
        self.written: list[tuple[bytes, bytes]] = []

    async def _write(self, data: bytes) -> None:
        self.written.extend(client.packets(data))


async def test_a_client_message_is_relayed_to_the_app_as_the_driver_reads_it() -> None:
    app = _Recorded()
    assert await app.relay(client.ClientMessage("stdin", "ä")) is None
    assert await app.relay(client.ClientMessage("resize", size=(100, 30))) is None
    assert await app.relay(client.ClientMessage("focus")) is None
    assert await app.relay(client.ClientMessage("ping", "x" * 100)) == ["pong", "x" * 64]
    assert app.written == [
        (client.DATA, "ä".encode()),
        (client.META, json.dumps({"type": "resize", "width": 100, "height": 30}).encode()),
        (client.META, json.dumps({"type": "focus"}).encode()),
    ]


def test_what_an_app_asks_of_its_tab() -> None:
    assert client.app_request({"type": "exit"}) == client.AppRequest("exit")
    assert client.app_request({"type": "open_url", "url": "/s/pair/1/", "new_tab": True}) == \
        client.AppRequest("open_url", "/s/pair/1/")
    assert client.app_request({"type": "open_url", "url": 3}) == client.AppRequest("")
    assert client.app_request({"type": "deliver_file_start"}) == client.AppRequest("")
    assert client.open_url_reply("/s/") == ["open_url", {"url": "/s/", "new_tab": False}]


def test_an_app_gets_the_servers_environment_without_textual_settings() -> None:
    assert client.app_environment({"PATH": "/bin", "TEXTUAL_FPS": "1", "TEXTUAL": "x"}) == {
        "PATH": "/bin"}


def test_a_packet_is_a_type_a_length_and_the_payload() -> None:
    data = client.packet(client.DATA, b"abc") + client.packet(client.META, b"{}")
    assert data[:5] == b"D\x00\x00\x00\x03"
    assert list(client.packets(data)) == [(b"D", b"abc"), (b"M", b"{}")]


# ---------------------------------------------------------------- no other module reaches in

PRIVATE = ("_make_app", "handle_index", "handle_websocket", "public_url")


def _reaches_in(path: Path) -> list[str]:
    """Where a module imports textual-serve, or Textual's web driver, or names a part of
    textual-serve's server."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        line = getattr(node, "lineno", 0)
        found += [f"{path.name}:{line}: import {name}" for name in names
                  if name.split(".")[0] == "textual_serve" or name.endswith("web_driver")]
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE:
            found.append(f"{path.name}:{line}: .{node.attr}")
        if isinstance(node, ast.Constant) and node.value in ("textual_serve", "__GANGLION__\n"):
            found.append(f"{path.name}:{node.lineno}: {node.value!r}")
    return found


def test_no_module_but_the_adapter_reaches_into_textual_serve() -> None:
    wrong = []
    for path in sorted((ROOT / "tui").rglob("*.py")):
        if path != ADAPTER:
            wrong += _reaches_in(path)
    assert not wrong, "\n".join(wrong)


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import textual_serve.server\nfrom textual.drivers.web_driver import X\n"
                      "server._make_app()\nfiles('textual_serve')\n", encoding="utf-8")
    assert len(_reaches_in(sample)) == 4
    assert _reaches_in(ADAPTER)  # the adapter itself does
