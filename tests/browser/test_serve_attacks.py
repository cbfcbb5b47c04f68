"""rcsim serve attacked from a real browser (Debian's Chromium, through Playwright), on loopback:
a page of another origin that knows a link, a DNS name rebound to 127.0.0.1, a link with one
character changed, a second tab on a seat, and more tabs than allowed."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from ..serving import Served, start_serve
from .conftest import REBOUND, SIZE, WAIT, Tab, open_tab

# Its module-scoped fixtures (a server, a wheel, a site) are built once: its tests share a worker.
pytestmark = pytest.mark.xdist_group("test_serve_attacks")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    served = start_serve(tmp_path_factory.mktemp("attacks") / "class.json", "--max-apps", "2")
    try:
        yield served
    finally:
        try:
            served.interrupt()
        finally:
            served.kill()


class ForeignSite:
    """A web page of another origin (another port of 127.0.0.1), with the HTML it is given."""

    def __init__(self, html: str) -> None:
        body = html.encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _steps(served: Served) -> int:
    from rcsim.engine import Simulation

    assert served.db is not None
    with Simulation.open(served.db, read_only=True) as sim:
        return sim.step_count


def test_a_page_from_another_origin_cannot_start_a_session_or_send_a_key(
        browser: Browser, served: Served) -> None:
    """Cross-site websocket hijacking, with the worst case: the page knows the trainer's link."""
    ws = served.addresses["trainer"].replace("http:", "ws:") + "ws?width=80&height=24"
    steps = _steps(served)
    site = ForeignSite(f"""<!DOCTYPE html><script>
      window.result = "pending";
      const socket = new WebSocket({ws!r});
      socket.onopen = () => {{
        window.result = "open";
        for (let i = 0; i < 3; i++) socket.send(JSON.stringify(["stdin", "d"]));
      }};
      socket.onerror = () => {{ window.result = "refused"; }};
    </script>""")
    try:
        page = browser.new_page()
        page.goto(site.url)
        page.wait_for_function("window.result !== 'pending'", timeout=WAIT * 1000)
        assert page.evaluate("window.result") == "refused"
        page.close()
    finally:
        site.close()
    assert served.app_processes() == []  # no app was started for it
    assert _steps(served) == steps  # and nothing was done


def test_a_name_rebound_to_this_computer_gets_no_page(browser: Browser, served: Served) -> None:
    """DNS rebinding: a name the attacker controls, made to resolve to 127.0.0.1 (the browser
    is launched with that mapping: conftest.REBOUND)."""
    port = served.addresses["buyer"].split(":")[2].split("/")[0]
    secret = served.addresses["buyer"].rstrip("/").rsplit("/", 1)[1]
    page = browser.new_page()
    response = page.goto(f"http://{REBOUND}:{port}/{secret}/")
    assert response is not None and response.status == 421
    assert "Not this server's address" in page.content()
    page.close()
    assert served.app_processes() == []


def test_a_link_with_one_character_changed_gets_no_app(browser: Browser, served: Served) -> None:
    link = served.addresses["freelancer"]
    secret = link.rstrip("/").rsplit("/", 1)[1]
    changed = link.replace(secret, secret[:-1] + ("a" if secret[-1] != "a" else "b"))
    for address in (changed, link.replace(secret + "/", ""), link.replace(secret, secret[:-2])):
        page = browser.new_page()
        response = page.goto(address)
        assert response is not None and response.status == 404
        assert "This link is incomplete" in page.content()
        page.close()
    assert served.app_processes() == []


def test_a_second_tab_on_a_seat_takes_it_over_and_the_first_is_told(
        browser: Browser, served: Served) -> None:
    first = open_tab(browser, served.addresses["buyer"])
    second = open_tab(browser, served.addresses["buyer"])
    first.page.wait_for_function("document.body.classList.contains('-closed')",
                                 timeout=WAIT * 1000)
    assert "opened in another tab" in first.page.inner_text(".closed")
    assert len(served.app_processes()) == 1
    second.press("h")  # (a party's window has no clock key: nothing happens, nothing breaks)
    second.wait_for("Buyer: my orders")
    for tab in (first, second):
        tab.page.close()


def test_more_tabs_than_allowed_get_a_page_and_no_process(browser: Browser, served: Served) -> None:
    tabs: list[Tab] = [open_tab(browser, served.addresses[role]) for role in ("trainer", "buyer")]
    page = browser.new_page(viewport=SIZE)
    response = page.goto(served.addresses["freelancer"])
    assert response is not None and response.status == 503
    assert "All places are taken" in page.content() and "at most 2" in page.content()
    assert len(served.app_processes()) == 2
    page.close()
    for tab in tabs:
        tab.page.close()


def test_the_page_loads_nothing_from_another_origin(browser: Browser, served: Served) -> None:
    page = browser.new_page(viewport=SIZE)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    tab_origin = served.addresses["trainer"].split("/", 3)
    page.goto(served.addresses["trainer"])
    Tab(page)  # (the terminal draws: see open_tab)
    page.wait_for_timeout(1000)
    origin = f"{tab_origin[0]}//{tab_origin[2]}"
    assert asked and all(url.startswith(origin) or url.startswith("ws:") for url in asked), asked
    page.close()


@pytest.fixture(autouse=True)
def _tabs_end_between_tests(served: Served) -> Iterator[None]:
    """Each test starts with no tab's app running (closed tabs end theirs)."""
    yield
    import psutil

    psutil.wait_procs(served.app_processes(), timeout=WAIT)


def test_nothing_was_said_with_a_traceback(served: Served) -> None:
    # run last in this module: what serve said to the trainer's terminal so far
    served.interrupt()
    said = served.stderr()
    assert "Traceback" not in said
    assert "a websocket from another web page" in said and "names none of this server" in said
    secrets = [a.rstrip("/").rsplit("/", 1)[1] for a in served.addresses.values()]
    assert not any(secret in said for secret in secrets)

