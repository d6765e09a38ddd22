"""Server-rendered pages for readers."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from models import queries
from models.db import get_session

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    summaries = queries.letter_summaries(get_session())
    return render_template("index.html", summaries=summaries)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
