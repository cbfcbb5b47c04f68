"""Where `rcsim serve` listens and by which names it may be reached: the socket it binds, the
addresses of this computer, and the Host header read as a name and a port. No aiohttp here."""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from urllib.parse import urlsplit

from rcsim.tui.words.i18n import t

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


class ListenError(Exception):
    """A port that cannot be listened on: in use, or the host or port refused."""

    def __init__(self, host: str, port: int, error: OSError) -> None:
        super().__init__(f"{host}:{port}: {error}")
        self.host, self.port, self.error = host, port, error

    def message(self) -> str:
        if self.error.errno == errno.EADDRINUSE:
            return t("serve.port_in_use", host=self.host, port=self.port)
        reason = self.error.strerror or str(self.error)
        return t("serve.cannot_listen", host=self.host, port=self.port, reason=reason)


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port), not yet listening; ListenError if it cannot be."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except OSError as error:  # socket.gaierror: a host name that does not resolve
        raise ListenError(host, port, error) from None
    sock = socket.socket(family, kind, proto)
    try:
        if os.name != "nt":  # restart at once after Ctrl+C (on Windows it would share the port)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise ListenError(host, port, error) from None
    return sock


def address_of(sock: socket.socket) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The address a socket is bound to (an IPv4-mapped IPv6 address as the IPv4 one)."""
    address = ipaddress.ip_address(sock.getsockname()[0].split("%")[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_loopback(sock: socket.socket) -> bool:
    """True when the socket listens only on this computer's loopback address."""
    return address_of(sock).is_loopback


def machine_addresses() -> list[str]:
    """This computer's IP addresses on its networks (not loopback, not link-local), IPv4 first:
    what trainees' computers can reach it by, where its name may not resolve."""
    import psutil

    found: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    for entries in psutil.net_if_addrs().values():
        for entry in entries:
            if entry.family not in (socket.AF_INET, socket.AF_INET6):
                continue
            try:
                address = ipaddress.ip_address(entry.address.split("%")[0])
            except ValueError:
                continue
            if not (address.is_loopback or address.is_link_local or address in found):
                found.append(address)
    found.sort(key=lambda a: (a.version, a.packed))
    return [str(a) for a in found]


def url_host(address: str) -> str:
    """An address as a URL names it: an IPv6 address in brackets."""
    return f"[{address}]" if ":" in address else address


def split_host(header: str) -> tuple[str, int | None] | None:
    """A Host header as (name, port): the name lowercased, an IPv6 address without brackets,
    the port None where it is not given; None for a header that is no host."""
    try:
        parts = urlsplit(f"//{header}")
        name, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not name or any(c.isspace() for c in header) or "@" in header or "/" in header:
        return None
    return name.lower(), port


def is_ip(text: str) -> bool:
    """True for an IP address (not a name)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
