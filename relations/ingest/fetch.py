"""The one module that touches the network: fetch an article's page with a time limit and a size cap.

Every failure becomes a `FetchError` whose message an editor can act on; nothing is stored here, so a failed fetch
leaves no partial record behind.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

USER_AGENT = "RelationsTracker/1.0 (article intake)"
CHUNK = 64 * 1024


class FetchError(Exception):
    """The page could not be fetched; the message says why in words an editor understands."""


@dataclass(frozen=True)
class FetchedPage:
    url: str
    body: bytes
    content_type: str
    charset: str | None


def fetch_url(url: str, *, timeout: float | None = None, max_bytes: int | None = None) -> FetchedPage:
    """The body of `url`, read within `timeout` seconds in all and at most `max_bytes` long."""
    timeout = timeout if timeout is not None else settings.ARTICLE_FETCH_TIMEOUT
    max_bytes = max_bytes if max_bytes is not None else settings.ARTICLE_MAX_BYTES
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise FetchError(_("Only http:// and https:// addresses can be fetched."))
    try:
        parts.port  # noqa: B018 - reading it checks it
    except ValueError as exc:  # urllib would report it as a host name that does not resolve
        raise FetchError(_("This address has no valid port: %(url)s") % {"url": url}) from exc
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain"})
    deadline = time.monotonic() + timeout
    try:
        with _open(request, timeout) as response:
            headers: Message = response.headers
            declared = headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(too_large_message(int(declared), max_bytes))
            body = bytearray()
            while chunk := response.read(CHUNK):
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise FetchError(too_large_message(len(body), max_bytes, at_least=True))
                if time.monotonic() > deadline:
                    raise FetchError(_("The page took longer than %(s)s seconds to download.") % {"s": timeout})
            return FetchedPage(
                url=response.geturl(),
                body=bytes(body),
                content_type=headers.get_content_type(),
                charset=headers.get_content_charset(),
            )
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        raise FetchError(
            _("The site answered %(code)s %(reason)s.") % {"code": exc.code, "reason": exc.reason}
        ) from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise FetchError(timeout_message(timeout)) from exc
        raise FetchError(_("The page could not be reached: %(reason)s.") % {"reason": describe(exc.reason)}) from exc
    except TimeoutError as exc:
        raise FetchError(timeout_message(timeout)) from exc
    except (OSError, ValueError) as exc:
        raise FetchError(_("The page could not be reached: %(reason)s.") % {"reason": describe(exc)}) from exc


class _PublicOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another public address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        ensure_public_host(urlsplit(newurl).hostname or "")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _open(request: urllib.request.Request, timeout: float):
    ensure_public_host(urlsplit(request.full_url).hostname or "")
    return urllib.request.build_opener(_PublicOnlyRedirects).open(request, timeout=timeout)


def ensure_public_host(host: str) -> None:
    """Refuse hosts that resolve to this server's own or its private network: an editor's URL must not become a way
    to read internal services (settings.ARTICLE_FETCH_ALLOW_PRIVATE lifts this for an intranet deployment)."""
    if settings.ARTICLE_FETCH_ALLOW_PRIVATE:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as exc:
        raise FetchError(_("The page could not be reached: %(reason)s.") % {"reason": describe(exc)}) from exc
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise FetchError(_("Addresses on this server or its private network cannot be fetched."))


def too_large_message(size: int, limit: int, *, at_least: bool = False) -> str:
    values = {"size": f"{size / 1024 / 1024:.1f}", "limit": f"{limit / 1024 / 1024:.0f}"}
    if at_least:
        return _("The article is larger than the %(limit)s MB limit (more than %(size)s MB).") % values
    return _("The article is larger than the %(limit)s MB limit (%(size)s MB).") % values


def timeout_message(timeout: float) -> str:
    return _("The page did not answer within %(s)s seconds.") % {"s": timeout}


def describe(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return _("the host name could not be resolved (no network, or a mistyped address)")
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason)
