"""``create_app``: the FastAPI application behind ``flashpoint serve``.

Why a factory and not a module-level app: tests, the CLI and embedding callers each need their
own store and token, and a factory keeps configuration explicit instead of global.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from flashpoint import __version__
from flashpoint.api import errors, web
from flashpoint.api.auth import require_read
from flashpoint.api.bodies import BodyGuard, BodyLimit
from flashpoint.api.context import ApiContext
from flashpoint.api.hosts import TrustedHosts
from flashpoint.api.ingest import body_limit
from flashpoint.api.routes import actors, aggregates, alerts, articles, corrections, events, search, stories
from flashpoint.api.routes._responses import AUTH
from flashpoint.api.security import SecurityHeaders, docs_csp
from flashpoint.settings import Settings, get_settings

DESCRIPTION = """Flashpoint's events, actors, places and stories as JSON, with the evidence behind
every field. Reads are open unless the server sets FLASHPOINT_READ_TOKEN_REQUIRED=1; writes
(ingest, corrections) need `Authorization: Bearer <FLASHPOINT_TOKEN>`. Bad parameters answer 400
with `{"detail": "..."}`; a Host header not in FLASHPOINT_TRUSTED_HOSTS answers 400 too."""

DOCS_ASSETS = Path(__file__).resolve().parent / "static" / "swagger"

_READ_ROUTERS = (events.router, articles.read_router, actors.router, aggregates.router,
                 stories.router, search.router, corrections.read_router, alerts.router)
_WRITE_ROUTERS = (articles.write_router, corrections.write_router)


def create_app(db_url: str | None = None, *, token: str | None = None,
               read_token_required: bool | None = None, web_dir: Path | None = None,
               trusted_hosts: tuple[str, ...] | None = None) -> FastAPI:
    """The app over the store at ``db_url`` (default: settings). ``token``, ``read_token_required``
    and ``trusted_hosts`` default to FLASHPOINT_TOKEN, FLASHPOINT_READ_TOKEN_REQUIRED and
    FLASHPOINT_TRUSTED_HOSTS."""
    settings = get_settings()
    ctx = ApiContext(
        db_url=db_url or settings.db_url,
        token=token if token is not None else settings.api_token,
        read_token_required=settings.read_token_required if read_token_required is None else read_token_required,
        settings=settings,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        ctx.close()

    app = FastAPI(title="Flashpoint", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.ctx = ctx
    errors.install(app)

    read_deps = [Depends(require_read)] if ctx.read_token_required else []
    for router in _READ_ROUTERS:
        app.include_router(router, dependencies=read_deps, responses=AUTH if read_deps else None)
    for router in _WRITE_ROUTERS:
        app.include_router(router)

    # Swagger UI from the vendored npm package (api/static/swagger): /docs works offline too.
    app.mount("/docs-assets", StaticFiles(directory=DOCS_ASSETS), name="docs-assets")
    docs_html = bytes(get_swagger_ui_html(
        openapi_url="/openapi.json", title="Flashpoint API",
        swagger_js_url="/docs-assets/swagger-ui-bundle.js",
        swagger_css_url="/docs-assets/swagger-ui.css", swagger_favicon_url="/favicon.svg",
    ).body).decode()

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs() -> str:
        return docs_html

    _tidy_openapi(app)
    web.mount_dashboard(app, web_dir or web.WEB_DIR)  # last: it answers every other path
    # Outermost last: security headers on every answer, then the Host check, then the body guard.
    app.add_middleware(BodyGuard, token=lambda: ctx.token, limit_for=_body_limits(settings))
    app.add_middleware(TrustedHosts, hosts=settings.trusted_hosts if trusted_hosts is None else trusted_hosts)
    app.add_middleware(SecurityHeaders, overrides={"/docs": docs_csp(docs_html)})
    return app


def _body_limits(settings: Settings) -> Callable[[str], BodyLimit]:
    """Ingest carries articles (its limit follows the article size limit); every other body is a
    small JSON object and gets FLASHPOINT_MAX_BODY_BYTES."""
    by_path = {"/api/articles": BodyLimit(body_limit(settings.max_article_bytes), "FLASHPOINT_MAX_ARTICLE_BYTES",
                                          "send fewer or smaller articles")}
    default = BodyLimit(settings.max_body_bytes, "FLASHPOINT_MAX_BODY_BYTES")
    return lambda path: by_path.get(path.rstrip("/") or path, default)


def _tidy_openapi(app: FastAPI) -> None:
    """Drop FastAPI's generated 422 answers: this API answers bad input with 400 {"detail"}."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            for path in schema.get("paths", {}).values():
                for op in path.values():
                    op.get("responses", {}).pop("422", None)
            for name in ("HTTPValidationError", "ValidationError"):
                schema.get("components", {}).get("schemas", {}).pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
