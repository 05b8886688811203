"""Downloading media from the old site, and only from where the person running the import said.

The export is not trusted: an address in it could point at this machine or its network (a router's admin
page, a cloud metadata service) or redirect there. So a file is fetched only from the host named by
`--media-from` or an `--allow-host`; every connection's address is checked after the name is resolved
(no private, loopback, link-local or reserved address, unless it is the host `--media-from` names, which
the person chose); a redirect may not leave the host it came from; and a file may not be larger than the
limit.
"""

import http.client
import ipaddress
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

USER_AGENT = "children-first-wordpress-import (+https://getpelican.com)"
MAX_BYTES = 100 * 1024 * 1024
TIMEOUT = 30.0
MAX_REDIRECTS = 5


class FetchError(ValueError):
    """Why a file could not be fetched, in words for the report."""


def public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


@dataclass
class Fetcher:
    """Fetches files over HTTP(S) from the hosts the person named (`trusted` may be a private address)."""

    trusted: tuple[str, int] | None = None
    allowed_hosts: frozenset[str] = frozenset()
    max_bytes: int = MAX_BYTES
    timeout: float = TIMEOUT
    requested: list[str] = field(default_factory=list)

    def may_fetch(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            return False
        return self._is_trusted(host, parts.port or default_port(parts.scheme)) or host in self.allowed_hosts

    def _is_trusted(self, host: str, port: int) -> bool:
        return self.trusted is not None and self.trusted == (host, port)

    def resolve(self, host: str, port: int) -> str:
        """An address of `host` it is safe to connect to."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise FetchError(f"the host {host} could not be found ({error})") from error
        addresses = [info[4][0] for info in infos]
        if not self._is_trusted(host.lower(), port):
            private = [a for a in addresses if not public_address(a)]
            if private:
                raise FetchError(
                    f"{host} leads to the private address {private[0]}: media are never fetched from this "
                    "machine or its network unless --media-from names that host"
                )
        return addresses[0]

    def get(self, url: str) -> bytes:
        """The bytes at `url`; FetchError with the reason when it cannot be fetched."""
        if not self.may_fetch(url):
            raise FetchError(f"{url} is on a host the import was not allowed to fetch from")
        opener = urllib.request.build_opener(
            GuardedHTTPHandler(self), GuardedHTTPSHandler(self), SameHostRedirects(self)
        )
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        self.requested.append(url)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                length = response.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > self.max_bytes:
                    raise FetchError(f"{url} is {int(length):,} bytes, over the {self.max_bytes:,} limit")
                data = response.read(self.max_bytes + 1)
        except urllib.error.HTTPError as error:
            raise FetchError(f"{url} answered HTTP {error.code} ({error.reason})") from error
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, FetchError):
                raise reason from error
            raise FetchError(f"{url} could not be fetched ({reason})") from error
        except (OSError, http.client.HTTPException, ValueError) as error:
            if isinstance(error, FetchError):
                raise
            raise FetchError(f"{url} could not be fetched ({error})") from error
        if len(data) > self.max_bytes:
            raise FetchError(f"{url} is over the {self.max_bytes:,}-byte limit")
        return data


def default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


class GuardedHTTPConnection(http.client.HTTPConnection):
    fetcher: Fetcher

    def connect(self) -> None:
        address = self.fetcher.resolve(self.host, self.port)
        self.sock = socket.create_connection((address, self.port), self.timeout)


class GuardedHTTPSConnection(http.client.HTTPSConnection):
    fetcher: Fetcher

    def connect(self) -> None:
        address = self.fetcher.resolve(self.host, self.port)
        sock = socket.create_connection((address, self.port), self.timeout)
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(sock, server_hostname=self.host)


def _connection(base: type, fetcher: Fetcher) -> type:
    return type(base.__name__, (base,), {"fetcher": fetcher})


class GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, fetcher: Fetcher) -> None:
        super().__init__()
        self.connection = _connection(GuardedHTTPConnection, fetcher)

    def http_open(self, request):
        return self.do_open(self.connection, request)


class GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, fetcher: Fetcher) -> None:
        super().__init__()
        self.connection = _connection(GuardedHTTPSConnection, fetcher)

    def https_open(self, request):
        return self.do_open(self.connection, request)


class SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the same host (http to https allowed), at most MAX_REDIRECTS times."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, fetcher: Fetcher) -> None:
        super().__init__()
        self.fetcher = fetcher

    def redirect_request(self, request, fp, code, message, headers, new_url):
        old, new = urlsplit(request.full_url), urlsplit(new_url)
        if (new.hostname or "").lower() != (old.hostname or "").lower() or new.scheme not in (
            "http",
            "https",
        ):
            raise FetchError(
                f"{request.full_url} redirects to another site ({new_url}), which is not followed"
            )
        return super().redirect_request(request, fp, code, message, headers, new_url)
