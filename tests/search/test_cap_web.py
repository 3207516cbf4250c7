"""The web app shows a search that stopped at ``MAX_MATCHES`` as "N+" (page and API)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from minutes.search import _scope
from tests.web.conftest import Browser, api, app_for, browser, cheap_hashing, engine, settings, world

__all__ = ["api", "app_for", "browser", "cheap_hashing", "engine", "settings", "world"]


def test_a_capped_search_says_n_plus(
    api: Callable[[str], TestClient], browser: Callable[[str], Browser], monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = api("ada").get("/api/v1/search", params={"q": "pricing"}).json()
    assert (exact["total"], exact["total_capped"]) == (3, False)

    monkeypatch.setattr(_scope, "MAX_MATCHES", 2)
    capped = api("ada").get("/api/v1/search", params={"q": "pricing"}).json()
    assert (capped["total"], capped["total_capped"], len(capped["hits"])) == (2, True, 2)
    page = browser("ada").client.get("/search", params={"q": "pricing"}).text
    assert ">2+ matching lines</p>" in page
    assert "The search stopped at 2 matching lines, the most recently stored" in page
