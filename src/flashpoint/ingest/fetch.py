"""Fetching articles and feeds over HTTP(S), refusing addresses a server-side fetcher must not reach.

Why a guard: ``flashpoint watch`` and ``flashpoint run URL`` fetch addresses that come from feeds,
that is, from strangers. On a team server a feed item pointing at ``http://169.254.169.254/`` or
``http://localhost:5432/`` would make Flashpoint probe the network it runs in (server-side
request forgery). So the host is resolved, every address it resolves to must be public, and the
connection goes to the address that was checked: there is no second DNS lookup that an attacker
could answer differently. Redirects are followed here, one hop at a time, each hop checked again.
``FLASHPOINT_ALLOW_PRIVATE_URLS=1`` lifts the address check (an intranet feed, tests).

Why the standard library (``http.client``) and not an HTTP client package: pinning the connection
to a checked address while keeping the host name for TLS and the Host header takes a few lines
here, and no dependency.

Caps: the response body may not exceed ``max_bytes`` (the max-article-bytes setting), and the whole
fetch, redirects included, may not take longer than ``timeout`` seconds. Why a deadline and not
only a socket timeout: a socket timeout bounds each wait, so a server that sends its headers a byte
at a time, each within the timeout, could hold a fetch (and ``flashpoint watch`` with it) for as
long as it liked. Every connect, send and read here is given only the time left before the deadline.
Not covered: the DNS lookup (``getaddrinfo`` takes no timeout; the resolver's own applies).
"""

from __future__ import annotations

import functools
import http.client
import io
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urljoin, urlsplit

from flashpoint.about import __version__
from flashpoint.settings import get_settings

USER_AGENT = f"Flashpoint/{__version__} (news event coding)"
ALLOW_SETTING = "FLASHPOINT_ALLOW_PRIVATE_URLS"
_MAX_REDIRECTS = 5
_CHUNK = 1 << 16
_SCHEMES = {"http": 80, "https": 443}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A URL that could not be fetched; ``reason`` is one line for the user and the store.

    ``retry`` says whether trying again later may help (a timeout, a 503) or not (a refused
    address, a 404): a watcher retries the first kind on its next pass and forgets the second.
    """

    def __init__(self, reason: str, *, retry: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 for a conditional request whose resource has not changed
    body: bytes
    content_type: str = ""  # media type only, lower case: "text/html"
    charset: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names


# ----------------------------------------------------------------------------------- the guard


def _why_refused(ip: IPAddress) -> str | None:
    """What kind of non-public address ``ip`` is, or None for a public one."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
        for inner in embedded:
            if inner is not None and (why := _why_refused(inner)):
                return why
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_unspecified or ip.is_reserved:
        return "a reserved address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "not a public address"
    return None


def _split(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an http(s) URL; FetchError for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"refused: not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise FetchError(f"refused: only http and https URLs are fetched, not {scheme or 'a bare path'!r}")
    host = parts.hostname
    if not host:
        raise FetchError("refused: the URL has no host")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or _SCHEMES[scheme], path


def resolve_checked(host: str, port: int, *, allow_private: bool) -> list[IPAddress]:
    """Every address ``host`` resolves to; FetchError when any one of them is not public.

    Why every one and not the first: a name with one public and one private address would
    otherwise reach the private one whenever the connection tried it.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot fetch: host {host!r} does not resolve ({exc})", retry=True) from None
    addresses: list[IPAddress] = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if ip not in addresses:
            addresses.append(ip)
    if not allow_private:
        for ip in addresses:
            why = _why_refused(ip)
            if why:
                named = f"{ip} is" if host.strip("[]") == str(ip) else f"{host} resolves to {ip},"
                raise FetchError(f"refused: {named} {why} (set {ALLOW_SETTING}=1 to allow)")
    if not addresses:
        raise FetchError(f"cannot fetch: host {host!r} has no address", retry=True)
    return addresses


def check_url(url: str, *, allow_private: bool | None = None) -> None:
    """Raise FetchError if ``url`` is not an http(s) URL whose host is public (or allowed)."""
    allow = get_settings().allow_private_urls if allow_private is None else allow_private
    _, host, port, _ = _split(url)
    resolve_checked(host, port, allow_private=allow)


# ----------------------------------------------------------------------------------- fetching


def _time_left(deadline: float) -> float:
    """Seconds until ``deadline``; TimeoutError once it has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("deadline passed")
    return left


def _connect_any(ips: list[IPAddress], port: int, deadline: float) -> socket.socket:
    """A connection to the first of the checked addresses that answers (a dual-stack name on a
    host without IPv6 routes fails on its IPv6 address and must go on to the IPv4 one)."""
    last: OSError | None = None
    for ip in ips:
        try:
            return socket.create_connection((str(ip), port), _time_left(deadline))
        except TimeoutError:
            raise
        except OSError as exc:
            last = exc
    raise last or OSError("no address to connect to")


class _DeadlineReader(io.RawIOBase):
    """The response's bytes, each read allowed only the time left before the deadline."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._raw = sock.makefile("rb", buffering=0)  # holds the socket open for the response
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int | None:  # type: ignore[override]
        self._sock.settimeout(_time_left(self._deadline))
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineResponse(http.client.HTTPResponse):
    """An HTTPResponse whose status line, headers and body are all read before ``deadline``."""

    def __init__(self, sock: socket.socket, *args: object, deadline: float, **kwargs: object) -> None:
        super().__init__(sock, *args, **kwargs)  # type: ignore[arg-type]
        timed = io.BufferedReader(_DeadlineReader(sock, deadline))
        self.fp.close()
        # typeshed asks for a raw stream whose read() never returns None; a RawIOBase's may, and
        # wrapping one in a BufferedReader is what the io docs prescribe.
        self.fp = timed  # type: ignore[assignment]


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to checked addresses only; ``host`` stays the name, for the Host header."""

    def __init__(self, host: str, port: int, ips: list[IPAddress], deadline: float) -> None:
        super().__init__(host, port, timeout=max(deadline - time.monotonic(), 0.001))
        self._ips = ips
        self._deadline = deadline
        self.response_class = functools.partial(_DeadlineResponse, deadline=deadline)  # type: ignore[assignment]

    def connect(self) -> None:
        self.sock = _connect_any(self._ips, self.port, self._deadline)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """As ``_PinnedHTTP``, and the certificate is verified against the host name, not the address."""

    def __init__(self, host: str, port: int, ips: list[IPAddress], deadline: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=max(deadline - time.monotonic(), 0.001), context=self._tls)
        self._ips = ips
        self._deadline = deadline
        self.response_class = functools.partial(_DeadlineResponse, deadline=deadline)  # type: ignore[assignment]

    def connect(self) -> None:
        sock = _connect_any(self._ips, self.port, self._deadline)
        sock.settimeout(_time_left(self._deadline))  # the handshake as a whole (CPython bounds it)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def _content_type(value: str) -> tuple[str, str | None]:
    msg = Message()
    msg["content-type"] = value or "application/octet-stream"
    charset = msg.get_param("charset")
    return msg.get_content_type().lower(), str(charset) if isinstance(charset, str) else None


def _read_capped(resp: http.client.HTTPResponse, max_bytes: int, deadline: float, timeout: float) -> bytes:
    length = resp.getheader("content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"refused: response is {int(length):,} bytes, over the {max_bytes:,}-byte limit (max_bytes)")
    body = bytearray()
    while chunk := resp.read1(_CHUNK):
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(f"refused: response is over the {max_bytes:,}-byte limit (max_bytes)")
        if time.monotonic() > deadline:
            raise FetchError(f"cannot fetch: took longer than {timeout:g} s", retry=True)
    return bytes(body)


def fetch(
    url: str,
    *,
    max_bytes: int | None = None,
    timeout: float | None = None,
    allow_private: bool | None = None,
    headers: dict[str, str] | None = None,
) -> Fetched:
    """GET ``url`` through the guard, following up to five redirects (each one checked).

    ``headers`` are extra request headers (``If-None-Match`` for a feed). Raises FetchError.
    """
    settings = get_settings()
    max_bytes = settings.max_article_bytes if max_bytes is None else max_bytes
    timeout = settings.fetch_timeout if timeout is None else timeout
    allow = settings.allow_private_urls if allow_private is None else allow_private
    deadline = time.monotonic() + timeout
    current = url.strip()
    for _ in range(_MAX_REDIRECTS + 1):
        scheme, host, port, path = _split(current)
        ips = resolve_checked(host, port, allow_private=allow)
        if deadline - time.monotonic() <= 0:
            raise FetchError(f"cannot fetch: took longer than {timeout:g} s", retry=True)
        conn_cls = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        conn = conn_cls(host, port, ips, deadline)
        resp: http.client.HTTPResponse | None = None
        try:
            conn.connect()
            if conn.sock is not None:
                conn.sock.settimeout(_time_left(deadline))  # sendall is bounded as a whole
            conn.request("GET", path, headers={
                "User-Agent": USER_AGENT, "Accept-Encoding": "identity", "Connection": "close",
                **(headers or {}),
            })
            resp = conn.getresponse()
            status = resp.status
            if status in (301, 302, 303, 307, 308):
                location = resp.getheader("location")
                if not location:
                    raise FetchError(f"cannot fetch: HTTP {status} redirect without a Location")
                current = urljoin(current, location)
                continue
            if status == 304:
                return Fetched(current, 304, b"", headers={k.lower(): v for k, v in resp.getheaders()})
            if status >= 400:
                raise FetchError(f"cannot fetch: HTTP {status} {resp.reason}".rstrip(),
                                 retry=status >= 500 or status == 429)
            if status != 200:
                raise FetchError(f"cannot fetch: unexpected HTTP {status} {resp.reason}".rstrip())
            body = _read_capped(resp, max_bytes, deadline, timeout)
            media, charset = _content_type(resp.getheader("content-type") or "")
            return Fetched(current, status, body, media, charset,
                           {k.lower(): v for k, v in resp.getheaders()})
        except ssl.SSLError as exc:
            raise FetchError(f"cannot fetch: TLS error ({exc.reason or exc})") from None
        except TimeoutError:
            raise FetchError(f"cannot fetch: took longer than {timeout:g} s", retry=True) from None
        except (OSError, http.client.HTTPException) as exc:
            detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise FetchError(f"cannot fetch: {detail}", retry=True) from None
        finally:
            if resp is not None:
                resp.close()  # the response holds the socket open until closed
            conn.close()
    raise FetchError(f"cannot fetch: more than {_MAX_REDIRECTS} redirects")
