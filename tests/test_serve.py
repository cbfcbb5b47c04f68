"""`rcsim serve`: one address per role on one simulation file, printed in the user's language; the
file made sure of before anything is served; a port in use refused with nothing left running;
Ctrl+C ends every tab's app. Real processes and real sockets throughout (the browser itself is in
tests/browser/)."""

from __future__ import annotations

import asyncio
import shlex
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import aiohttp
import psutil
import pytest

from rcsim.engine import Simulation
from rcsim.tui.serve import ROLES, child_command

from .serving import ROOT, WAIT, start_serve


def free_port_triple() -> int:
    """A port N with N, N + 1 and N + 2 free just now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first > 65533:
            continue
        try:
            for port in (first, first + 1, first + 2):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise AssertionError("no three free ports in a row")


def serve_run(*args: str) -> subprocess.CompletedProcess[str]:
    """`rcsim serve ARGS` that is expected to end by itself."""
    return subprocess.run([sys.executable, "-m", "rcsim", "serve", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=WAIT)


def test_the_command_of_each_role_is_this_python_on_the_file_in_the_language(tmp_path) -> None:
    db = tmp_path / "a class" / "sim.json"  # a space: quoted for the shell textual-serve uses
    for role in ROLES:
        args = shlex.split(child_command(role, db, "de"))
        assert args[:3] == [sys.executable, "-m", "rcsim"]
        assert args[args.index("--db") + 1] == str(db)
        assert args[args.index("--lang") + 1] == "de"
        assert ("--as" in args) == (role != "trainer")
        if role != "trainer":
            assert args[args.index("--as") + 1] == role


def test_serve_creates_the_file_then_prints_an_address_per_role(tmp_path) -> None:
    db = tmp_path / "class.json"
    served = start_serve(db)
    try:
        addresses = served.addresses
        assert list(addresses) == list(ROLES), served.lines
        assert len(set(addresses.values())) == 3
        assert all(a.startswith("http://127.0.0.1:") for a in addresses.values())
        assert str(db) in served.lines[0]
        assert "Ctrl+C" in served.lines[-1]
        # the file exists before anything is served: the demo, as plain `rcsim --db` makes it
        sim = Simulation.open(db, read_only=True)
        try:
            assert sim.order_view("FO-1006").open_request is not None
        finally:
            sim.close()
        for role, address in addresses.items():  # each address is textual-serve's page
            page = urllib.request.urlopen(address, timeout=WAIT).read().decode()
            assert f"rcsim: {role}" in page
            port = address.rsplit(":", 1)[1].strip("/")
            assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in page
        assert served.interrupt() == 0
        assert served.stderr() == ""  # on 127.0.0.1: no warning
    finally:
        served.kill()


def test_the_addresses_are_printed_in_german(tmp_path) -> None:
    served = start_serve(tmp_path / "kurs.json", lang="de")
    try:
        text = "\n".join(served.lines)
        assert "die Simulation" in text and "im Browser" in text
        assert "Trainer (beide Seiten, die Uhr):" in text
        assert "Kunde:" in text and "Freelancer:" in text
        assert "Strg+C" in text
        assert list(served.addresses) == list(ROLES)
        assert served.interrupt() == 0
    finally:
        served.kill()


def test_the_roles_take_the_port_and_the_two_after_it(tmp_path) -> None:
    first = free_port_triple()
    served = start_serve(tmp_path / "class.json", port=first)
    try:
        assert served.addresses == {role: f"http://127.0.0.1:{first + i}/"
                                    for i, role in enumerate(ROLES)}
        assert served.interrupt() == 0
    finally:
        served.kill()


@pytest.mark.parametrize("taken", [0, 2])
def test_a_port_in_use_is_refused_and_nothing_is_left_running(tmp_path, taken) -> None:
    first = free_port_triple()
    db = tmp_path / "class.json"
    with socket.socket() as other:  # another program listens on one of the three ports
        other.bind(("127.0.0.1", first + taken))
        other.listen()
        result = serve_run("--db", str(db), "--port", str(first), "--lang", "en")
    assert result.returncode == 2
    assert f"port {first + taken} on 127.0.0.1 is in use" in result.stderr
    assert f"--port (now {first})" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not db.exists()  # refused before the file was touched
    for port in (first, first + 1, first + 2):  # every port it had bound is let go
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))


def test_the_port_in_use_message_is_german_too(tmp_path) -> None:
    first = free_port_triple()
    with socket.socket() as other:
        other.bind(("127.0.0.1", first + 1))
        other.listen()
        result = serve_run("--db", str(tmp_path / "k.json"), "--port", str(first), "--lang", "de")
    assert result.returncode == 2
    assert f"Port {first + 1} auf 127.0.0.1 ist belegt" in result.stderr


@pytest.mark.parametrize("port", ["-1", "65534", "70000"])
def test_a_port_that_leaves_no_room_for_three_roles_is_refused(tmp_path, port) -> None:
    result = serve_run("--db", str(tmp_path / "c.json"), "--port", port, "--lang", "en")
    assert result.returncode == 2
    assert "is not a port for three roles" in result.stderr and "65533" in result.stderr
    assert not (tmp_path / "c.json").exists()


def test_a_refused_file_is_said_and_nothing_is_served(tmp_path) -> None:
    db = tmp_path / "class.json"
    Simulation.create(db, start="2026-03-02T09:00:00Z").close()
    before = db.read_bytes()
    first = free_port_triple()
    result = serve_run("--db", str(db), "--port", str(first), "--lang", "en",
                       "--rule", "cancellation_response_hours=72")
    assert result.returncode == 2
    assert "already exists and has its own rules" in result.stderr
    assert result.stdout == "" and db.read_bytes() == before
    for port in (first, first + 1, first + 2):
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))


def test_a_new_simulation_with_a_rule_is_made_before_serving(tmp_path) -> None:
    db = tmp_path / "what-if.json"
    served = start_serve(db, "--rule", "cancellation_response_hours=72")
    try:
        assert list(served.addresses) == list(ROLES)
        sim = Simulation.open(db, read_only=True)
        try:
            assert sim.rules.hours("cancellation_response_hours") == 72
        finally:
            sim.close()
        assert served.interrupt() == 0
    finally:
        served.kill()


def page_at(address: str, host_header: str | None = None) -> str:
    request = urllib.request.Request(address, headers={"Host": host_header} if host_header else {})
    return urllib.request.urlopen(request, timeout=WAIT).read().decode()


def test_any_other_host_is_said_to_let_anyone_act(tmp_path) -> None:
    served = start_serve(tmp_path / "class.json", "--host", "0.0.0.0")
    try:
        assert list(served.addresses) == list(ROLES)
        # the page sends the browser back where it came from, not to 0.0.0.0
        port = served.addresses["buyer"].rsplit(":", 1)[1].strip("/")
        page = page_at(f"http://127.0.0.1:{port}/")
        assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in page
        page = page_at(f"http://127.0.0.1:{port}/", host_header=f"trainer-laptop.local:{port}")
        assert f'data-session-websocket-url="ws://trainer-laptop.local:{port}/ws"' in page
        assert f'href="http://trainer-laptop.local:{port}/static/css/xterm.css"' in page
        assert served.interrupt() == 0
        warning = served.stderr()
        assert "listening on 0.0.0.0" in warning
        assert "anyone who can reach this address can open these pages and act" in warning
        assert "--host 127.0.0.1" in warning
    finally:
        served.kill()


def test_the_warning_is_german_too(tmp_path) -> None:
    served = start_serve(tmp_path / "kurs.json", "--host", "0.0.0.0", lang="de")
    try:
        assert served.interrupt() == 0
        warning = served.stderr()
        assert "WARNUNG: erreichbar unter 0.0.0.0" in warning
        assert "kann diese Seiten öffnen und in der Simulation handeln" in warning
    finally:
        served.kill()


async def open_tab(session: aiohttp.ClientSession, address: str) -> aiohttp.ClientWebSocketResponse:
    """What a browser tab does: the websocket that starts the app; returned once the app drew."""
    ws = await session.ws_connect(address.replace("http:", "ws:") + "ws?width=160&height=50")
    while True:
        message = await asyncio.wait_for(ws.receive(), timeout=WAIT)
        assert message.type == aiohttp.WSMsgType.BINARY, message
        if b"my orders" in message.data:
            return ws


async def read_until_closed(ws: aiohttp.ClientWebSocketResponse) -> None:
    """As a browser tab does: keep reading, and answer the server's close."""
    async for _ in ws:
        pass


@pytest.mark.parametrize("whole_group", [True, False], ids=["ctrl-c-in-a-terminal", "sigint-to-serve"])
def test_ctrl_c_ends_every_tab_app_and_leaves_no_process(tmp_path, whole_group) -> None:
    served = start_serve(tmp_path / "class.json")
    try:
        async def tabs_open() -> list[psutil.Process]:
            async with aiohttp.ClientSession() as session:
                sockets = [await open_tab(session, served.addresses[role]) for role in ROLES]
                readers = [asyncio.create_task(read_until_closed(ws)) for ws in sockets]
                apps = served.app_processes()
                assert len(apps) == len(sockets), apps
                assert await asyncio.to_thread(served.interrupt, whole_group) == 0
                await asyncio.wait_for(asyncio.gather(*readers), timeout=WAIT)
                assert all(ws.closed for ws in sockets)  # the server closed every tab
                return apps

        apps = asyncio.run(tabs_open())
        gone, alive = psutil.wait_procs(apps, timeout=WAIT)
        assert not alive, alive
        assert not served.app_processes()
    finally:
        served.kill()


def test_rcsim_serve_is_a_command_of_rcsim() -> None:
    result = subprocess.run([sys.executable, "-m", "rcsim", "serve", "--help"], capture_output=True,
                            text=True, cwd=ROOT, timeout=WAIT, env={"PATH": "/usr/bin:/bin",
                                                                     "LANG": "C.UTF-8"})
    assert result.returncode == 0
    assert "usage: rcsim serve" in result.stdout and "--host" in result.stdout
    assert Path(ROOT / "tui" / "serve.py").exists()
