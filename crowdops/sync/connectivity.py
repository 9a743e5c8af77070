"""Can we reach the platforms? A quick TCP connect to each channel's host, run on the worker thread (never the
GUI's). Online: every host answered; Offline: none did; Degraded: some did."""

import socket
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

# Where each platform's API lives when a channel does not name a server of its own.
DEFAULT_HOSTS = {
    "bluesky": "https://bsky.social",
    "x": "https://api.x.com",
    "facebook": "https://graph.facebook.com",
    "telegram": "https://api.telegram.org",
}
PROBE_TIMEOUT = 3.0


class Connectivity(StrEnum):
    ONLINE = "online"
    DEGRADED = "degraded"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class ProbeResult:
    state: Connectivity
    unreachable: tuple[str, ...] = ()  # host names that did not answer


def host_port(base_url: str) -> tuple[str, int] | None:
    parts = urlsplit(base_url)
    if not parts.hostname:
        return None
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def endpoint_of(kind: str, base_url: str) -> tuple[str, int] | None:
    """The host a channel publishes to; None for the sandbox (it never leaves this computer)."""
    if kind == "sandbox":
        return None
    return host_port(base_url or DEFAULT_HOSTS.get(kind, ""))


def _reachable(endpoint: tuple[str, int], timeout: float) -> bool:
    try:
        with socket.create_connection(endpoint, timeout=timeout):
            return True
    except OSError:
        return False


def probe(
    endpoints: Iterable[tuple[str, int]],
    *,
    timeout: float = PROBE_TIMEOUT,
    reachable: Callable[[tuple[str, int], float], bool] = _reachable,
) -> ProbeResult:
    unique = sorted(set(endpoints))
    if not unique:
        return ProbeResult(Connectivity.ONLINE)
    with ThreadPoolExecutor(max_workers=min(8, len(unique))) as pool:
        answers = list(pool.map(lambda e: reachable(e, timeout), unique))
    down = tuple(f"{host}:{port}" for (host, port), ok in zip(unique, answers, strict=True) if not ok)
    if not down:
        return ProbeResult(Connectivity.ONLINE)
    return ProbeResult(Connectivity.OFFLINE if len(down) == len(unique) else Connectivity.DEGRADED, down)
