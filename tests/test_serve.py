"""`rcsim serve`: one secret link per seat on one port, printed in the user's language; the file
made sure of before anything is served; and every attack refused: no app without a valid secret,
no foreign Host or Origin, no folder listing, no traceback, at most --max-apps apps, one tab per
seat, and no process left behind, even after kill -9. Real processes and real sockets
throughout, on loopback only (the browser itself is in tests/browser/)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp
import psutil
import pytest

from rcsim.engine import Simulation
from rcsim.tui.web.network import split_host
from rcsim.tui.web.seats import ROLES, Seat, child_command, find_seat, seats_of

from .serving import ROOT, WAIT, Served, start_serve


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_run(*args: str) -> subprocess.CompletedProcess[str]:
    """`rcsim serve ARGS` that is expected to end by itself."""
    return subprocess.run([sys.executable, "-m", "rcsim", "serve", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=WAIT)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """A GET: its status, headers and body (an error status too, never raised)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def port_of(served: Served) -> int:
    return int(served.addresses["trainer"].split(":")[2].split("/")[0])


def secret_of(address: str) -> str:
    return address.rstrip("/").rsplit("/", 1)[1]


def origin(address: str) -> str:
    return address.split("/", 3)[0] + "//" + address.split("/", 3)[2]


async def open_tab(session: aiohttp.ClientSession, address: str, *, size: str = "160&height=50",
                   headers: dict[str, str] | None = None) -> aiohttp.ClientWebSocketResponse:
    """What a browser tab does: the websocket that starts the app, from the page's own origin;
    returned once the app drew."""
    ws = await session.ws_connect(address.replace("http:", "ws:") + f"ws?width={size}",
                                  headers={"Origin": origin(address), **(headers or {})})
    while True:
        message = await asyncio.wait_for(ws.receive(), timeout=WAIT)
        assert message.type == aiohttp.WSMsgType.BINARY, message
        if b"my orders" in message.data:
            return ws


async def read_until_closed(ws: aiohttp.ClientWebSocketResponse) -> None:
    """As a browser tab does: keep reading, and answer the server's close."""
    async for _ in ws:
        pass


@pytest.fixture
def served(tmp_path: Path):
    served = start_serve(tmp_path / "class.json")
    try:
        yield served
    finally:
        served.kill()


# ---------------------------------------------------------------- the links


def test_each_seat_has_a_secret_of_its_own_compared_in_full(tmp_path) -> None:
    seats = seats_of(tmp_path / "c.json")
    assert [seat.role for seat in seats] == list(ROLES)
    secrets_ = [seat.secret for seat in seats]
    assert len(set(secrets_)) == 3 and all(len(s) >= 32 for s in secrets_)  # >= 192 bits
    for seat in seats:
        assert find_seat(seats, seat.secret) is seat
        for changed in (seat.secret[:-1], seat.secret + "x", seat.secret[:-1] + "A"
                        if seat.secret[-1] != "A" else seat.secret[:-1] + "B", "", "é" * 32):
            assert find_seat(seats, changed) is None
    assert seats_of(tmp_path / "c.json")[0].secret not in secrets_  # new ones every time


def test_the_command_of_each_seat_is_this_python_confined_on_the_file(tmp_path) -> None:
    db = tmp_path / "a class" / "sim.json"
    for role in ROLES:
        args = child_command(Seat(role, db, "x"), "de")
        assert args[:3] == [sys.executable, "-m", "rcsim"]
        assert args[args.index("--db") + 1] == str(db)  # one argument: no shell in between
        assert args[args.index("--lang") + 1] == "de" and "--served" in args
        assert ("--as" in args) == (role != "trainer")


def test_serve_creates_the_file_then_prints_a_link_per_seat_on_one_port(tmp_path) -> None:
    db = tmp_path / "class.json"
    served = start_serve(db)
    try:
        addresses = served.addresses
        assert list(addresses) == list(ROLES), served.lines
        assert len({secret_of(a) for a in addresses.values()}) == 3
        assert len({a.split("/")[2] for a in addresses.values()}) == 1  # one host and port
        assert all(a.startswith("http://127.0.0.1:") for a in addresses.values())
        assert str(db) in served.lines[0]
        sim = Simulation.open(db, read_only=True)  # made before anything is served
        try:
            assert sim.order_view("FO-1006").open_request is not None
        finally:
            sim.close()
        for role, address in addresses.items():
            status, headers, page = fetch(address)
            assert status == 200 and f"rcsim: {role}" in page
            assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
            assert headers["X-Frame-Options"] == "DENY" and headers["Referrer-Policy"] == "no-referrer"
            assert "googleapis" not in page  # nothing from another origin
        assert served.interrupt() == 0
        assert served.stderr() == ""  # on 127.0.0.1 and nothing refused: nothing said
    finally:
        served.kill()


def test_the_links_are_printed_in_german(tmp_path) -> None:
    served = start_serve(tmp_path / "kurs.json", lang="de")
    try:
        text = "\n".join(served.lines)
        assert "die Simulation" in text and "im Browser" in text
        assert "Trainer (beide Parteien, die Uhr):" in text and "Kunde:" in text
        assert list(served.addresses) == list(ROLES)
        assert served.interrupt() == 0
    finally:
        served.kill()


def test_a_port_in_use_is_refused_and_nothing_is_left_running(tmp_path) -> None:
    db = tmp_path / "class.json"
    with socket.socket() as other:  # another program listens there
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = serve_run("--db", str(db), "--port", str(port), "--lang", "en")
        german = serve_run("--db", str(db), "--port", str(port), "--lang", "de")
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not db.exists()  # refused before the file was touched
    assert german.returncode == 2 and f"Port {port} auf 127.0.0.1 ist belegt" in german.stderr


@pytest.mark.parametrize("args, said", [
    (["--port", "-1"], "is not a port"), (["--port", "70000"], "is not a port"),
    (["--max-apps", "0"], "at least one tab's app"),
    (["--public-url", "javascript:alert(1)"], "is not an address a browser opens"),
])
def test_bad_options_are_refused_before_anything_is_made(tmp_path, args, said) -> None:
    result = serve_run("--db", str(tmp_path / "c.json"), "--lang", "en", *args)
    assert result.returncode == 2 and said in result.stderr, result.stderr
    assert not (tmp_path / "c.json").exists()


def test_a_refused_file_is_said_and_nothing_is_served(tmp_path) -> None:
    db = tmp_path / "class.json"
    Simulation.create(db, start="2026-03-02T09:00:00Z").close()
    before = db.read_bytes()
    port = free_port()
    result = serve_run("--db", str(db), "--port", str(port), "--lang", "en",
                       "--rule", "cancellation_response_hours=72")
    assert result.returncode == 2 and "already exists and has its own rules" in result.stderr
    assert result.stdout == "" and db.read_bytes() == before
    with socket.socket() as s:  # the port it had bound is let go
        s.bind(("127.0.0.1", port))


def test_a_new_simulation_with_a_rule_is_made_before_serving(tmp_path) -> None:
    db = tmp_path / "what-if.json"
    served = start_serve(db, "--rule", "cancellation_response_hours=72")
    try:
        with Simulation.open(db, read_only=True) as sim:
            assert sim.rules.hours("cancellation_response_hours") == 72
        assert served.interrupt() == 0
    finally:
        served.kill()


# ---------------------------------------------------------------- what is refused


def test_no_app_without_a_valid_secret(served: Served) -> None:
    port = port_of(served)
    buyer = served.addresses["buyer"]
    secret = secret_of(buyer)
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    for url in (f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port}/{wrong}/",
                f"http://127.0.0.1:{port}/{secret[:-1]}/", f"http://127.0.0.1:{port}/ws",
                f"http://127.0.0.1:{port}/{secret}x/"):
        status, headers, page = fetch(url)
        assert status == 404 and "This link is incomplete" in page, url
        assert secret not in page

    async def attempt() -> None:
        async with aiohttp.ClientSession() as session:
            for path in (f"/{wrong}/ws", "/ws", f"/{secret[:8]}/ws"):
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    await session.ws_connect(f"ws://127.0.0.1:{port}{path}",
                                             headers={"Origin": f"http://127.0.0.1:{port}"})
                assert refused.value.status == 404

    asyncio.run(attempt())
    assert served.app_processes() == []  # nothing was started
    served.interrupt()
    said = served.stderr()
    assert said.count("no seat's link") >= 8 and "Traceback" not in said
    assert secret not in said and wrong not in said  # a link is never written to the terminal


def test_a_foreign_host_header_is_refused_dns_rebinding(served: Served) -> None:
    port = port_of(served)
    buyer = served.addresses["buyer"]
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}",
                 f"127.0.0.2:{port}", f"localhost.evil.example:{port}", "", "a b"):
        status, _, page = fetch(buyer, headers={"Host": host})
        assert status in (400, 421), (host, status)
    for host in (f"localhost:{port}", f"127.0.0.1:{port}"):
        assert fetch(buyer, headers={"Host": host})[0] == 200, host

    async def attempt() -> None:
        async with aiohttp.ClientSession() as session:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(buyer.replace("http:", "ws:") + "ws", headers={
                    "Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"})
            assert refused.value.status == 421

    asyncio.run(attempt())
    assert served.app_processes() == []
    served.interrupt()
    assert "names none of this server's addresses" in served.stderr()


def test_a_websocket_from_another_origin_starts_no_app(served: Served) -> None:
    """Cross-site websocket hijacking: a page of another origin (even one that knew a link)."""
    port = port_of(served)
    trainer = served.addresses["trainer"]

    async def attempt() -> None:
        async with aiohttp.ClientSession() as session:
            for other in (f"http://127.0.0.1:{port + 1}", "http://evil.example",
                          f"https://127.0.0.1:{port}.evil.example", "null", None):
                headers = {} if other is None else {"Origin": other}
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    await session.ws_connect(trainer.replace("http:", "ws:") + "ws",
                                             headers=headers)
                assert refused.value.status == 403, other

    asyncio.run(attempt())
    assert served.app_processes() == []
    served.interrupt()
    assert "a websocket from another web page" in served.stderr()


def test_no_folder_listing_no_other_file_and_no_traceback(served: Served) -> None:
    port = port_of(served)
    base = f"http://127.0.0.1:{port}"
    status, headers, _ = fetch(f"{base}/static/textual.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    for path in ("/static/", "/static", "/static/js/textual.js", "/static/..%2f..%2fserve.py",
                 "/static/" + "a/" * 500 + "x", "/" + "x" * 5000, "/static/xterm.css/"):
        assert fetch(base + path)[0] in (404, 414, 431, 400), path
    secret = secret_of(served.addresses["buyer"])
    # a websocket address asked for without the websocket upgrade, as a plain page
    status, _, page = fetch(f"{base}/{secret}/ws", headers={"Origin": base})
    assert status == 400 and "Bad request" in page
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as raw:
        raw.sendall(b"NONSENSE / HTTP/9.9\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.")
    assert served.app_processes() == []
    served.interrupt()
    said = served.stderr()
    assert "Traceback" not in said and "not a websocket request" in said
    assert all(len(line) < 300 for line in said.splitlines())


def test_the_terminal_size_a_tab_asks_for_is_capped(served: Served) -> None:
    async def tab() -> dict[str, str]:
        async with aiohttp.ClientSession() as session:
            ws = await open_tab(session, served.addresses["buyer"], size="100000&height=99999")
            environment = served.app_processes()[0].environ()
            await ws.close()
            return environment

    environment = asyncio.run(tab())
    assert (environment["COLUMNS"], environment["ROWS"]) == ("400", "150")


# ---------------------------------------------------------------- seats and limits


def test_a_second_tab_on_a_seat_takes_it_over(served: Served) -> None:
    async def tabs() -> None:
        async with aiohttp.ClientSession() as session:
            first = await open_tab(session, served.addresses["buyer"])
            first_app = served.app_processes()
            assert len(first_app) == 1
            second = await open_tab(session, served.addresses["buyer"])
            await asyncio.wait_for(read_until_closed(first), timeout=WAIT)  # the first is told
            assert first.closed
            gone, alive = psutil.wait_procs(first_app, timeout=WAIT)
            assert not alive  # its app ended before the new one took the seat
            apps = served.app_processes()
            assert len(apps) == 1 and apps[0].pid != first_app[0].pid
            await second.close()

    asyncio.run(tabs())


def test_more_tabs_than_the_cap_get_a_page_and_no_process(tmp_path) -> None:
    served = start_serve(tmp_path / "class.json", "--max-apps", "1")
    try:
        async def tabs() -> None:
            async with aiohttp.ClientSession() as session:
                trainer = await open_tab(session, served.addresses["trainer"])
                status, _, page = fetch(served.addresses["buyer"])
                assert status == 503 and "All places are taken" in page and "at most 1" in page
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    await open_tab(session, served.addresses["freelancer"])
                assert refused.value.status == 503
                assert len(served.app_processes()) == 1
                await trainer.close()
                await asyncio.sleep(0)
                deadline = time.monotonic() + WAIT  # its place is free once its app has ended
                while served.app_processes() and time.monotonic() < deadline:
                    await asyncio.sleep(0.1)
                buyer = await open_tab(session, served.addresses["buyer"])
                await buyer.close()

        asyncio.run(tabs())
        served.interrupt()
        assert "all 1 places for tabs' apps are in use" in served.stderr()
    finally:
        served.kill()


def test_a_tab_whose_browser_went_away_ends_its_app(served: Served) -> None:
    async def tab() -> list[psutil.Process]:
        session = aiohttp.ClientSession()
        await open_tab(session, served.addresses["freelancer"])
        apps = served.app_processes()
        await session.close()  # the connection drops, as when a laptop lid is shut
        return apps

    apps = asyncio.run(tab())
    gone, alive = psutil.wait_procs(apps, timeout=WAIT)
    assert len(apps) == 1 and not alive


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
    finally:
        served.kill()


def test_kill_9_of_serve_leaves_no_process(tmp_path) -> None:
    served = start_serve(tmp_path / "class.json")
    try:
        async def tabs_open() -> tuple[list[psutil.Process], list[aiohttp.ClientWebSocketResponse],
                                       aiohttp.ClientSession]:
            session = aiohttp.ClientSession()
            sockets = [await open_tab(session, served.addresses[role]) for role in ROLES]
            return served.app_processes(), sockets, session

        async def run() -> list[psutil.Process]:
            apps, sockets, session = await tabs_open()
            assert len(apps) == 3
            os.kill(served.process.pid, signal.SIGKILL)  # serve alone: its apps are not told
            served.process.wait(timeout=WAIT)
            await session.close()
            return apps

        apps = asyncio.run(run())
        gone, alive = psutil.wait_procs(apps, timeout=WAIT)
        assert not alive, [p.cmdline() for p in alive]
    finally:
        served.kill()


# ---------------------------------------------------------------- other hosts


def test_on_every_address_the_links_use_this_computers_addresses(tmp_path) -> None:
    served = start_serve(tmp_path / "class.json", "--host", "0.0.0.0")
    try:
        addresses = served.addresses
        hosts = {a.split("/")[2].rsplit(":", 1)[0] for a in addresses.values()}
        assert len(hosts) == 1 and socket.gethostname() not in hosts
        port = port_of(served) if "[" not in next(iter(hosts)) else None
        if port is not None:  # reached over loopback: the loopback names work, others do not
            local = f"http://127.0.0.1:{port}/{secret_of(addresses['buyer'])}/"
            assert fetch(local)[0] == 200
            assert fetch(local, headers={"Host": f"trainer-laptop.local:{port}"})[0] == 421
        assert served.interrupt() == 0
        warning = served.stderr()
        assert "listening on the network" in warning and "whoever has a link" in warning
    finally:
        served.kill()


def test_a_name_allowed_by_the_trainer_is_answered(tmp_path) -> None:
    served = start_serve(tmp_path / "class.json", "--allow-host", "Trainer-Laptop.local",
                         "--public-url", "https://rcsim.example.org/")
    try:
        assert all(a.startswith("https://rcsim.example.org/") for a in served.addresses.values())
        port = port_of_any(served)
        secret = secret_of(served.addresses["buyer"])
        local = f"http://127.0.0.1:{port}/{secret}/"
        assert fetch(local, headers={"Host": "trainer-laptop.local:8000"})[0] == 200
        assert fetch(local, headers={"Host": "rcsim.example.org"})[0] == 200
        assert fetch(local, headers={"Host": "other.example.org"})[0] == 421
        assert served.interrupt() == 0
    finally:
        served.kill()


def port_of_any(served: Served) -> int:
    """The port serve listens on, from the process itself (the links may name a proxy)."""
    for connection in psutil.Process(served.process.pid).net_connections(kind="tcp"):
        if connection.status == psutil.CONN_LISTEN:
            return int(connection.laddr.port)
    raise AssertionError("rcsim serve listens nowhere")


def test_a_host_header_is_read_as_a_browser_sends_it() -> None:
    assert split_host("127.0.0.1:8000") == ("127.0.0.1", 8000)
    assert split_host("[::1]:8000") == ("::1", 8000)
    assert split_host("LocalHost") == ("localhost", None)
    for bad in ("", "a b", "user@evil:80", "evil/x", "[::1", "x:99999"):
        assert split_host(bad) is None, bad


def test_rcsim_serve_is_a_command_of_rcsim() -> None:
    result = subprocess.run([sys.executable, "-m", "rcsim", "serve", "--help"], capture_output=True,
                            text=True, cwd=ROOT, timeout=WAIT, env={"PATH": "/usr/bin:/bin",
                                                                     "LANG": "C.UTF-8"})
    assert result.returncode == 0
    assert "usage: rcsim serve" in result.stdout and "--allow-host" in result.stdout
