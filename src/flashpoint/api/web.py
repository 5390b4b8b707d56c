"""The dashboard (static files made by the web half of the project) served at "/".

Why a fallback page: an installation without the dashboard assets (a trimmed wheel, a checkout
mid-build) should still tell a visitor where the API and its documentation are.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

WEB_DIR = Path(__file__).resolve().parent.parent / "web"

FALLBACK_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Flashpoint API</title></head>
<body><h1>Flashpoint API</h1>
<p>The dashboard is not installed here. The API is: see <a href="/docs">/docs</a>
(schema: <a href="/openapi.json">/openapi.json</a>), e.g. <a href="/api/events">/api/events</a>.</p>
</body></html>
"""


def mount_dashboard(app: FastAPI, web_dir: Path = WEB_DIR) -> None:
    """Serve ``web_dir`` at "/" (index.html for "/"); must be called after every other route."""
    if (web_dir / "index.html").is_file():
        app.mount("/", StaticFiles(directory=web_dir, html=True), name="dashboard")
        return

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    def fallback() -> str:
        return FALLBACK_HTML
