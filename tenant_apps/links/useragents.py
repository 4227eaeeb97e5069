"""Browser, operating system and device class from a User-Agent header.

Pure Python (no Django), built on the ``ua-parser`` package (1.x API; its regexes come
from the ``ua-parser-builtins`` package it depends on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import ua_parser

__all__ = ["DeviceClass", "UserAgentInfo", "parse_user_agent"]

DeviceClass = Literal["desktop", "mobile", "tablet", "bot", "other"]


@dataclass(frozen=True, slots=True)
class UserAgentInfo:
    """What a User-Agent says about the visitor; unknown parts are ``"Other"``/``""``."""

    browser: str
    browser_version: str
    os: str
    device: DeviceClass


# Programs rather than people: HTTP libraries and command-line tools.
_AUTOMATED_BROWSERS = frozenset(
    {
        "curl",
        "wget",
        "python requests",
        "python-urllib",
        "python aiohttp",
        "go-http-client",
        "apache-httpclient",
        "java",
        "libwww-perl",
        "httpie",
        "axios",
        "node-fetch",
        "headlesschrome",
    }
)
_BOT_HINT = re.compile(r"bot\b|crawler|spider|slurp|preview|fetcher|headless", re.IGNORECASE)
_TABLET_HINT = re.compile(r"ipad|tablet|kindle|silk|playbook|nexus (7|9|10)\b", re.IGNORECASE)
_MOBILE_HINT = re.compile(r"mobi|iphone|ipod|windows phone|blackberry|opera mini", re.IGNORECASE)
_DESKTOP_OS = frozenset(
    {
        "windows",
        "mac os x",
        "linux",
        "ubuntu",
        "fedora",
        "debian",
        "chrome os",
        "freebsd",
        "openbsd",
        "netbsd",
    }
)


def _version(*parts: str | None) -> str:
    out: list[str] = []
    for part in parts:
        if part is None or part == "":
            break
        out.append(part)
    return ".".join(out)


def parse_user_agent(ua: str) -> UserAgentInfo:
    """Parse a User-Agent header into browser, version, OS and a device class.

    The device class is ``"bot"`` for crawlers and automated clients (curl, wget, HTTP
    libraries, headless browsers), ``"tablet"`` for iPads, Android devices without
    "Mobile" and e-readers, ``"mobile"`` for phones, ``"desktop"`` for desktop
    operating systems, and ``"other"`` for everything else, the empty string included.
    iPadOS Safari asking for the desktop site announces itself as a Mac and is counted
    as desktop: the header gives no way to tell.
    """
    ua = (ua or "").strip()
    if not ua:
        return UserAgentInfo(browser="Other", browser_version="", os="Other", device="other")
    result = ua_parser.parse(ua)
    agent, os_info, device = result.user_agent, result.os, result.device
    browser = agent.family if agent else "Other"
    version = _version(agent.major, agent.minor, agent.patch) if agent else ""
    os_name = os_info.family if os_info else "Other"
    device_family = device.family if device else "Other"

    is_automated = device_family == "Spider" or browser.lower() in _AUTOMATED_BROWSERS
    kind: DeviceClass
    if is_automated or (_BOT_HINT.search(ua) and os_name == "Other"):
        kind = "bot"
    elif _TABLET_HINT.search(ua) or (os_name == "Android" and "mobile" not in ua.lower()):
        kind = "tablet"
    elif _MOBILE_HINT.search(ua) or os_name in ("iOS", "Android"):
        kind = "mobile"
    elif os_name.lower() in _DESKTOP_OS or os_name.lower().startswith("windows"):
        kind = "desktop"
    else:
        kind = "other"
    return UserAgentInfo(browser=browser, browser_version=version, os=os_name, device=kind)
