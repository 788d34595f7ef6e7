"""Fetching reports from the web, politely: the bytes of a URL with their provenance.

:class:`Fetcher` keeps one HTTP session (``requests``) and, per host, a minimum interval between requests
(``rate``), the host's ``robots.txt`` (read once; a disallowed URL is refused, a robots.txt that answers 5xx
means "do not crawl"), retries with exponential backoff on connection errors, timeouts, 429 and 5xx, a clear
user agent, at most :data:`MAX_REDIRECTS` redirects and a size limit (``max_bytes``: the body is streamed and
abandoned past it). Every failure is a :class:`FetchError` with one line naming the URL and the cause.
"""
from __future__ import annotations

import datetime
import threading
import time
import urllib.parse
import urllib.robotparser
from dataclasses import dataclass
from typing import Optional

from extractor.core import errors


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("extractor")
    except Exception:  # pragma: no cover - not installed
        return "dev"


USER_AGENT = (f"extractor/{_version()} (research tool reading published Chinese government reports; "
              "one request per host per second; respects robots.txt)")
MAX_REDIRECTS = 5
RETRY_STATUS = {429, 500, 502, 503, 504}
#: Content-Type → the file suffix the reader is chosen by
SUFFIXES = {"application/pdf": ".pdf", "text/html": ".html", "application/xhtml+xml": ".html",
            "text/plain": ".txt", "text/markdown": ".md",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"}


class FetchError(errors.ExtractorError):
    """A URL that could not be fetched (HTTP error, timeout, robots.txt, too large, redirect loop)."""

    stage = "fetch"


def is_url(s) -> bool:
    return isinstance(s, str) and s[:8].lower().startswith(("http://", "https://"))


@dataclass
class Fetched:
    url: str  # as asked
    final_url: str  # after redirects
    status: int
    content_type: Optional[str]
    data: bytes
    fetched_at: str  # UTC, ISO 8601

    @property
    def suffix(self) -> str:
        """The file suffix of the content: from its Content-Type, else from the URL's path."""
        ct = (self.content_type or "").split(";")[0].strip().lower()
        if ct in SUFFIXES:
            return SUFFIXES[ct]
        path = urllib.parse.urlparse(self.final_url).path.lower()
        for suf in (".pdf", ".docx", ".html", ".htm", ".txt", ".md"):
            if path.endswith(suf):
                return suf
        return ".html" if "html" in ct else ""

    def provenance(self) -> dict:
        return {"url": self.url, "fetched_at": self.fetched_at, "http_status": self.status,
                "content_type": self.content_type}


class Fetcher:
    """One polite HTTP client (see the module docstring); thread-safe."""

    def __init__(self, rate: float = 1.0, retries: int = 3, backoff: float = 1.0, timeout: float = 30.0,
                 max_bytes: int = 200 * 1024 * 1024, user_agent: str = USER_AGENT, robots: bool = True):
        import requests
        self.rate, self.retries, self.backoff, self.timeout = float(rate), int(retries), float(backoff), float(timeout)
        self.max_bytes, self.robots = int(max_bytes), robots
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.session.max_redirects = MAX_REDIRECTS
        self._last: dict = {}
        self._robots: dict = {}
        self._lock = threading.Lock()

    # -- politeness -------------------------------------------------------------------------------
    def _wait_turn(self, host: str) -> None:
        with self._lock:
            now = time.monotonic()
            due = self._last.get(host, 0.0) + self.rate
            self._last[host] = max(now, due)
        if due > now:
            time.sleep(due - now)

    def _allowed(self, url: str) -> bool:
        parts = urllib.parse.urlparse(url)
        host = parts.netloc
        if host not in self._robots:
            rp = urllib.robotparser.RobotFileParser()
            robots_url = f"{parts.scheme}://{host}/robots.txt"
            try:
                r = self._get(robots_url, stream=False)
                status = r.status_code
                body = r.text if status == 200 else ""
            except FetchError:
                status, body = 599, ""
            if status == 200:
                rp.parse(body.splitlines())
            elif status in (401, 403) or status >= 500:
                rp.disallow_all = True  # RFC 9309: an unreachable robots.txt means "do not crawl"
            else:
                rp.allow_all = True
            self._robots[host] = (rp, status)
        rp, _ = self._robots[host]
        return rp.can_fetch(self.session.headers["User-Agent"], url)

    def _get(self, url: str, stream: bool = True):
        import requests
        host = urllib.parse.urlparse(url).netloc
        last = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            self._wait_turn(host)
            try:
                r = self.session.get(url, timeout=self.timeout, stream=stream)
            except requests.TooManyRedirects as exc:
                raise FetchError(url, f"more than {MAX_REDIRECTS} redirects (a redirect loop?)") from exc
            except requests.Timeout:
                last = f"no answer within {self.timeout:g} s"
                continue
            except requests.ConnectionError as exc:
                last = f"cannot connect ({type(exc).__name__})"
                continue
            if r.status_code in RETRY_STATUS and attempt < self.retries:
                r.close()
                last = f"HTTP {r.status_code}"
                continue
            return r
        raise FetchError(url, f"{last} after {self.retries + 1} tries")

    # -- fetching ---------------------------------------------------------------------------------
    def fetch(self, url: str) -> Fetched:
        """The bytes at ``url`` with their provenance, or a FetchError."""
        import requests
        if not is_url(url):
            raise FetchError(url, "not an http(s) URL")
        if self.robots and not self._allowed(url):
            _, status = self._robots[urllib.parse.urlparse(url).netloc]
            why = "disallowed by the site's robots.txt" if status == 200 else \
                f"the site's robots.txt answers HTTP {status}, which means do not crawl"
            raise FetchError(url, why)
        when = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        r = self._get(url)
        with r:
            if r.status_code >= 400:
                raise FetchError(url, f"HTTP {r.status_code} {r.reason or ''}".strip())
            declared = r.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(url, f"{int(declared) / 2**20:.1f} MiB, over the {self.max_bytes / 2**20:.1f} MiB "
                                      "limit (--max-bytes)")
            chunks, size = [], 0
            try:
                for chunk in r.iter_content(1 << 16):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(url, f"more than the {self.max_bytes / 2**20:.1f} MiB limit (--max-bytes)")
                    chunks.append(chunk)
            except requests.RequestException as exc:
                raise FetchError(url, f"the download broke off ({type(exc).__name__})") from exc
        data = b"".join(chunks)
        if not data:
            raise errors.EmptyDocument(url, f"HTTP {r.status_code} with an empty body")
        return Fetched(url=url, final_url=r.url, status=r.status_code, content_type=r.headers.get("Content-Type"),
                       data=data, fetched_at=when)


_DEFAULT: Optional[Fetcher] = None


def fetch(url: str, **options) -> Fetched:
    """Fetch one URL with a shared default :class:`Fetcher` (or one made with ``options``)."""
    global _DEFAULT
    if options:
        return Fetcher(**options).fetch(url)
    if _DEFAULT is None:
        _DEFAULT = Fetcher()
    return _DEFAULT.fetch(url)
