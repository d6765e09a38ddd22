"""Editor forms and the validation of what editors type: URLs, intervals, CSS selectors.

Each check raises ``ValidationError`` with a message an editor can act on. The URL check
uses the fetcher's own SSRF policy (scrapers.netguard) and, when private addresses are not
allowed, also resolves the host name once so a name pointing inside the network is refused
at the form (the fetcher checks again at connect time, which is what stops DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import unicodedata
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

URL_MAX = 2048
TEXT_MAX = 500
SELECTOR_MAX = 500
NAME_MAX = 80
PASSWORD_MAX = 1024
INTERVAL_MAX = 32


def reject_control_characters(text: str, what: str) -> None:
    """NUL and other C0 controls never belong in a title, name or selector."""
    for char in text:
        if char == "\t" or unicodedata.category(char) != "Cc":
            continue
        raise ValidationError(f"{what} contains a control character (U+{ord(char):04X})")


def _no_controls(what: str) -> Callable[[Any, Any], None]:
    def check(_form: Any, field: Any) -> None:
        if field.data:
            reject_control_characters(field.data, what)
    return check


# --- URLs ----------------------------------------------------------------------------------


def check_letter_url(url: str, *, allow_private: bool,
                     resolver: Callable[[str, int], list[str]] | None = None) -> str:
    """A URL Signwatch may fetch, or ValidationError saying why not."""
    from scrapers.errors import DisallowedURL
    from scrapers.fetch import FetchSettings
    from scrapers.netguard import check_url

    url = url.strip()
    if not url:
        raise ValidationError("enter the letter's URL")
    reject_control_characters(url, "the URL")
    if any(unicodedata.category(char) == "Cf" for char in url):
        raise ValidationError("the URL contains an invisible formatting character "
                              "(such as a right-to-left override); type it plainly")
    if len(url) > URL_MAX:
        raise ValidationError(f"the URL is longer than {URL_MAX} characters")
    try:
        check_url(url, FetchSettings(allow_private=allow_private))
    except DisallowedURL as exc:
        raise ValidationError(f"refused: {exc}") from None
    if not allow_private and resolver is not None:
        _check_resolved_addresses(url, resolver)
    return url


def _check_resolved_addresses(url: str, resolver: Callable[[str, int], list[str]]) -> None:
    from scrapers.netguard import is_public_address

    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        addresses = resolver(host, parts.port or (443 if parts.scheme == "https" else 80))
    except OSError:
        return  # unresolvable today: the poll reports it; the connect guard still applies
    for text in addresses:
        if not is_public_address(ipaddress.ip_address(text.split("%")[0])):
            raise ValidationError(
                f"refused: {host} resolves to {text}, which is not a public internet address"
            )


def _app_resolver() -> Callable[[str, int], list[str]] | None:
    from scrapers.netguard import system_resolver

    return current_app.config.get("URL_RESOLVER") or system_resolver


# --- intervals and selectors ---------------------------------------------------------------


def check_interval(text: str) -> int:
    """Seconds between polls, or ValidationError with the parser's message."""
    from tracker.intervals import parse_interval

    reject_control_characters(text, "the interval")
    if len(text) > INTERVAL_MAX:
        raise ValidationError(f"the interval is longer than {INTERVAL_MAX} characters "
                              "(try 90s, 15m, 1h or 1d)")
    try:
        return parse_interval(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def check_selector(selector: str) -> str:
    """A CSS selector the html adapter can run, or ValidationError naming the problem."""
    from cssselect import GenericTranslator, SelectorError

    selector = selector.strip()
    reject_control_characters(selector, "the selector")
    if len(selector) > SELECTOR_MAX:
        raise ValidationError(f"the selector is longer than {SELECTOR_MAX} characters")
    try:
        GenericTranslator().css_to_xpath(selector)
    except SelectorError as exc:
        raise ValidationError(f"{selector!r} is not a valid CSS selector: {exc}") from None
    return selector


# --- forms ---------------------------------------------------------------------------------


class LoginForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=NAME_MAX)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    next = HiddenField()


class ActionForm(FlaskForm):
    """A button that changes state: only the CSRF token."""


class LetterForm(FlaskForm):
    url = StringField("URL", validators=[InputRequired()])
    kind = SelectField("Kind", default="auto")
    title = StringField("Title", validators=[Optional(), Length(max=TEXT_MAX),
                                             _no_controls("the title")])
    interval = StringField("Poll every", default="15m", validators=[InputRequired()])
    selector = StringField("Signer selector", validators=[Optional()])
    count_selector = StringField("Count selector", validators=[Optional()])
    render = BooleanField("Render in a browser (lists built by scripts)")
    organizer = StringField("Organizer", validators=[Optional(), Length(max=TEXT_MAX),
                                                     _no_controls("the organizer")])
    preview = SubmitField("Preview")
    save = SubmitField("Save")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from scrapers.base import known_kinds

        self.kind.choices = [(k, k) for k in ["auto", *known_kinds()]]

    def validate_url(self, field: StringField) -> None:
        allow = bool(current_app.config.get("ALLOW_PRIVATE_URLS"))
        field.data = check_letter_url(field.data or "", allow_private=allow,
                                      resolver=None if allow else _app_resolver())

    def validate_interval(self, field: StringField) -> None:
        self.interval_s = check_interval(field.data or "")

    def validate_selector(self, field: StringField) -> None:
        if field.data:
            field.data = check_selector(field.data)

    def validate_count_selector(self, field: StringField) -> None:
        if field.data:
            field.data = check_selector(field.data)

    def options(self) -> dict[str, Any]:
        """The adapter options the form carries (empty selectors and an unset render left out)."""
        pairs = {"selector": self.selector.data, "count_selector": self.count_selector.data,
                 "render": bool(self.render.data)}
        return {key: value for key, value in pairs.items() if value}


class RosterImportForm(FlaskForm):
    name = StringField("Roster name", validators=[DataRequired(), Length(max=200),
                                                  _no_controls("the roster name")])
    file = FileField("CSV file", validators=[FileRequired("choose a CSV file")])


class FacetForm(FlaskForm):
    key = StringField("Facet", validators=[DataRequired(), Length(max=60)])
    value = StringField("Value", validators=[DataRequired(), Length(max=TEXT_MAX),
                                             _no_controls("the value")])
    note = TextAreaField("Why", validators=[Optional(), Length(max=2000)])


class MergeForm(FlaskForm):
    source_id = IntegerField("Merge person #", validators=[InputRequired()])
    target_id = IntegerField("into person #", validators=[InputRequired()])


class SplitForm(FlaskForm):
    signature_ids = StringField("Signature ids to move (comma-separated)",
                                validators=[DataRequired(), Length(max=2000)])

    def ids(self) -> list[int]:
        try:
            return [int(p) for p in self.signature_ids.data.replace(" ", "").split(",") if p]
        except ValueError:
            return []
