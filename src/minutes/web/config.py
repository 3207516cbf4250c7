"""Web settings: read from the environment on demand (``MINUTES_WEB_*``), overridable per app."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from minutes.errors import ConfigError
from minutes.settings import home

SECURE_COOKIE_MODES: tuple[str, ...] = ("auto", "always", "never")
"""``auto``: cookies are ``Secure`` when the request came over https (directly, or through a
trusted proxy that says so: see :attr:`WebSettings.proxy_from`)."""

UPLOAD_EXTENSIONS: frozenset[str] = frozenset(
    # Each is a container of minutes.demuxers.ACCEPTED (tests/web/test_upload_media.py uploads one of each).
    ".wav .w64 .aif .aiff .caf .au .flac .wv .ape .mp3 .aac .ac3 .amr .ogg .oga .opus .webm .mkv .mka "  # noqa: SIM905
    ".mp4 .m4a .mov .3gp .wma .wmv .asf .avi .flv .ts .mts .mpg .mpeg".split()
)
"""File name endings accepted for upload (the content is then checked with ffprobe)."""

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class WebSettings:
    """Everything the web app is configured with; see docs/web.md for the variables."""

    media_dir: Path
    upload_max_bytes: int = 2048 * MIB
    session_hours: float = 12.0
    secure_cookies: str = "auto"
    login_max_failures: int = 5
    """Failed sign-ins for one user name from one address within the window before it locks."""
    login_window_seconds: int = 15 * 60
    login_account_max_failures: int = 20
    """Failed sign-ins for one user name from all addresses within the window before the name
    is held back: then one attempt per :attr:`login_backoff_seconds` gets through."""
    login_backoff_seconds: int = 60
    proxy_from: tuple[str, ...] = ()
    """Addresses (or networks) of the reverse proxies whose ``X-Forwarded-For``/``-Proto`` are
    believed; from anyone else forwarded headers are ignored."""
    page_size: int = 50
    upload_preset: str | None = None
    """The preset uploads are processed with (``None``: the worker's default, MINUTES_PRESET)."""
    upload_no_summary: bool = False
    """Process uploads without the minutes (LLM) stage."""

    def __post_init__(self) -> None:
        if self.secure_cookies not in SECURE_COOKIE_MODES:
            raise ConfigError(
                f"unknown secure-cookies mode {self.secure_cookies!r}; choose one of: "
                f"{', '.join(SECURE_COOKIE_MODES)}"
            )
        if self.upload_max_bytes < 1:
            raise ConfigError("the upload size limit must be at least 1 MB")
        if self.session_hours <= 0:
            raise ConfigError("the session lifetime must be a positive number of hours")
        for proxy in self.proxy_from:
            check_proxy_address(proxy)

    @classmethod
    def from_env(cls, **overrides: object) -> WebSettings:
        """Settings from ``MINUTES_WEB_UPLOAD_MAX_MB``, ``..._SESSION_HOURS``, ``..._SECURE_COOKIES``.

        ``overrides`` (e.g. from command-line options) win over the environment; ``None`` values
        are ignored.
        """
        values: dict[str, object] = {"media_dir": home() / "media"}
        if raw := os.environ.get("MINUTES_WEB_UPLOAD_MAX_MB"):
            values["upload_max_bytes"] = _number("MINUTES_WEB_UPLOAD_MAX_MB", raw, int) * MIB
        if raw := os.environ.get("MINUTES_WEB_SESSION_HOURS"):
            values["session_hours"] = _number("MINUTES_WEB_SESSION_HOURS", raw, float)
        if raw := os.environ.get("MINUTES_WEB_SECURE_COOKIES"):
            values["secure_cookies"] = raw.strip().lower()
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def check_proxy_address(value: str) -> str:
    """``value`` if it is an IP address or network a trusted proxy may have; else :class:`ConfigError`."""
    text = value.strip()
    try:
        if "/" in text:
            ipaddress.ip_network(text)
        else:
            ipaddress.ip_address(text)
    except ValueError:
        hint = (
            "trusting every address would let any client forge its address"
            if text == "*"
            else "give the IP address the proxy connects from (e.g. 127.0.0.1) or a network (10.0.0.0/24)"
        )
        raise ConfigError(f"--proxy-from {value!r} is not an IP address or network; {hint}") from None
    return text


def _number(name: str, raw: str, kind: type[int] | type[float]) -> int | float:
    try:
        return kind(raw.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number; give e.g. {name}=100") from None
