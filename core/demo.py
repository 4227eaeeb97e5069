"""Demo data for the `make run` demo organizations. Each tenant app registers a function that
fills the current schema with rows showing its features; seed_demo runs them once per new demo
organization, inside that organization's schema."""

from collections.abc import Callable

_demo_functions: list[Callable[..., None]] = []


def demo_data(function: Callable[..., None]) -> Callable[..., None]:
    """Decorator: `function(organization=..., owner=...)` fills a fresh demo site."""
    _demo_functions.append(function)
    return function


def run_demo_data(*, organization, owner) -> None:
    for function in _demo_functions:
        function(organization=organization, owner=owner)
