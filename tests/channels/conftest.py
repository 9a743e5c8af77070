"""Fixtures for the adapter tests (the shared helpers are in `helpers.py`)."""

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer


@pytest.fixture(autouse=True)
def served_as_expected(httpserver: HTTPServer) -> Iterator[None]:
    """After each test, fail on any request the local server did not expect (pytest-httpserver records them)."""
    yield
    httpserver.check_assertions()
