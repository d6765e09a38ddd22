"""Security for every response: cookies, CSRF, rate limits, headers, error pages.

``init_app`` runs before any blueprint is registered (web/__init__.py), so CSRF protection
and the headers cover every route. Embedding is the one exception: a response that carries
``X-Signwatch-Embed: 1`` (the embed route) keeps its own CSP and may be framed; the marker
never leaves the server. A response that set its own Content-Security-Policy (the archive
download sandboxes itself) keeps it.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
EMBED_MARKER = "X-Signwatch-Embed"
HSTS = "max-age=31536000; includeSubDomains"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
LIMITER_KEY = "signwatch.limiter"

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Cookie flags, CSRF, the rate limiter, security headers and error pages."""
    _configure_cookies(app)
    app.config.setdefault("MAX_CONTENT_LENGTH", MAX_UPLOAD_BYTES)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    csrf.init_app(app)
    app.extensions[LIMITER_KEY] = _make_limiter(app)
    app.after_request(add_security_headers)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.register_error_handler(413, _too_large)
    app.register_error_handler(429, _too_many)


def _configure_cookies(app: Flask) -> None:
    secure = app.config.get("SECURE_COOKIES")
    if secure is None:
        secure = app.config.get("ENV") == "production"
    elif isinstance(secure, str):
        secure = secure.strip().lower() in {"1", "true", "yes", "on"}
    app.config["SESSION_COOKIE_SECURE"] = bool(secure)
    app.config["REMEMBER_COOKIE_SECURE"] = bool(secure)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"


def _make_limiter(app: Flask) -> Limiter:
    # One limiter per app: its storage is the app's (memory://, or Redis for many processes).
    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=app.config.get("RATELIMIT_STORAGE_URI") or "memory://",
        headers_enabled=True,
    )
    limiter.init_app(app)
    return limiter


def limiter_of(app: Flask) -> Limiter:
    return app.extensions[LIMITER_KEY]


def add_security_headers(response: Response) -> Response:
    """The CSP and friends on every response; embeds and sandboxed downloads keep theirs."""
    embed = response.headers.pop(EMBED_MARKER, None) == "1"
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if not embed:
        headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = HSTS
    return response


def _error_page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("admin/error.html", title=title, message=message), status


def _csrf_failed(error: CSRFError) -> tuple[str, int]:
    return _error_page(400, "Form expired or forged",
                       f"{error.description} Reload the page and submit the form again.")


def _too_large(_error: HTTPException) -> tuple[str, int]:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or MAX_UPLOAD_BYTES
    return _error_page(413, "Upload too large",
                       f"The upload is larger than the limit of {limit // 1024:,} KiB.")


def _too_many(error: HTTPException) -> tuple[str, int] | Response:
    if request.endpoint == "auth.login":
        return render_template("login.html", locked=True, form=None), 429
    return _error_page(429, "Too many requests", f"Rate limit: {error.description}.")
