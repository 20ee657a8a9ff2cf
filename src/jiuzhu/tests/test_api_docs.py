"""The API's documentation page works on an offline intranet: Swagger UI from jiuzhu's own static files."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders


def test_the_api_docs_load_nothing_from_the_internet(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.content.decode())
    assert assets and all(url.startswith("/static/") for url in assets), assets
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), url  # shipped with the installed package
