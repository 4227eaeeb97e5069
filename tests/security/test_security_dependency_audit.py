"""Dependency audit: every package pinned in uv.lock, checked with pip-audit's PyPI vulnerability
service (PyPI's JSON API, which carries the OSV advisories of each release).

Where this runs (the developers' machines and CI) PyPI is reachable but its per-release endpoint
`/pypi/<name>/<version>/json`, the one pip-audit asks, answers 404 for every package, and
api.osv.dev (pip-audit's other service) does not resolve. Plain `pip-audit` then skips all 175
packages as "not found on PyPI" and still prints "No known vulnerabilities found" with exit 0: a
false all-clear. So the audit here runs pip-audit's own service through a session that falls back
to the project endpoint `/pypi/<name>/json`, whose `vulnerabilities` are those of the latest
release: exact for a package pinned at PyPI's latest version, unknown for an older pin, which is
reported as not audited (the test fails only if nothing at all could be audited). Where the
per-release endpoint answers (the real pypi.org), nothing falls back and every pin is audited.
docs/security.md has the figures. SKIP_DEPENDENCY_AUDIT=1 skips it on a machine without PyPI.
"""

import os
import re
import threading
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from packaging.version import Version
from pip_audit._service.interface import ResolvedDependency, SkippedDependency
from pip_audit._service.pypi import PyPIService

LOCK_FILE = Path(__file__).resolve().parents[2] / "uv.lock"
RELEASE_URL = re.compile(r"^https://pypi\.org/pypi/(?P<name>[^/]+)/(?P<version>[^/]+)/json$")
TIMEOUT = 20


def locked_packages() -> list[tuple[str, str]]:
    """(name, version) of every package uv.lock takes from a registry (not the project)."""
    lock = tomllib.loads(LOCK_FILE.read_text())
    return sorted(
        (package["name"], package["version"])
        for package in lock["package"]
        if "registry" in package.get("source", {})
    )


class LatestReleaseFallback(requests.Session):
    """A session for pip-audit's PyPIService: when PyPI has no per-release JSON, answer with the
    project JSON if (and only if) the asked version is the latest release, whose vulnerabilities
    that document lists; otherwise the 404 stands and pip-audit skips the package."""

    def __init__(self, notes: dict):
        super().__init__()
        self.notes = notes

    def get(self, url, **kwargs):
        response = super().get(url, **kwargs)
        match = RELEASE_URL.match(url)
        if response.status_code != 404 or not match:
            return response
        project = super().get(f"https://pypi.org/pypi/{match['name']}/json", **kwargs)
        if project.status_code != 200:
            return response
        latest = project.json()["info"]["version"]
        if Version(latest) == Version(match["version"]):
            self.notes[match["name"], match["version"]] = "the latest release"
            return project
        self.notes[match["name"], match["version"]] = f"not audited: PyPI's latest is {latest}"
        return response


def audit(packages: list[tuple[str, str]]):
    notes: dict[tuple[str, str], str] = {}
    local = threading.local()

    def query(package):
        if not hasattr(local, "service"):
            local.service = PyPIService(timeout=TIMEOUT)
            local.service.session = LatestReleaseFallback(notes)
        name, version = package
        return local.service.query(ResolvedDependency(name=name, version=Version(version)))

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(query, packages))
    return results, notes


@pytest.mark.skipif(
    os.environ.get("SKIP_DEPENDENCY_AUDIT") == "1", reason="SKIP_DEPENDENCY_AUDIT=1"
)
def test_no_locked_dependency_has_a_known_vulnerability():
    packages = locked_packages()
    try:
        results, notes = audit(packages)
    except Exception as error:  # pip-audit's ConnectionError, requests' errors
        pytest.fail(
            f"The dependency audit could not reach PyPI ({error!r}); "
            "set SKIP_DEPENDENCY_AUDIT=1 to run the suite without it."
        )
    vulnerable = {
        f"{dependency.name} {dependency.version}": [
            f"{v.id} (fixed in {', '.join(map(str, v.fix_versions)) or 'no release yet'})"
            for v in vulnerabilities
        ]
        for dependency, vulnerabilities in results
        if vulnerabilities
    }
    skipped = [
        package
        for package, (dependency, _) in zip(packages, results, strict=True)
        if isinstance(dependency, SkippedDependency)
    ]
    audited = len(packages) - len(skipped)
    print(
        f"\ndependency audit: {len(packages)} locked packages, {audited} audited, "
        f"{len(skipped)} not audited, {len(vulnerable)} with known vulnerabilities"
    )
    for name, version in skipped:
        print(f"  {name} {version}: {notes.get((name, version), 'not found on PyPI')}")
    assert not vulnerable, f"known vulnerabilities in locked dependencies: {vulnerable}"
    assert audited, "PyPI answered for no locked package: the audit checked nothing"
