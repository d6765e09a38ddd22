"""A container whose class or id says it holds the signers is the list (issue #14 point 4).

The pages are SYNTHETIC, shaped like coalition letters signed by organisations; the
organisation names are invented or generic.
"""

from __future__ import annotations

from scrapers.adapters.html_page import HTML

URL = "https://example.org/coalition-letter"
ORGS = [
    "ACME Digital Rights Coalition",
    "3rd Street Tenants Union",
    "<script>alert('x')</script>",
    "Friends of the Library (Springfield)",
    "=HYPERLINK(\"http://evil.example\")",
]
STAFF = "".join(
    f"<li>{name}</li>" for name in ["Ann Lee", "Bo Diaz", "Cy Young", "Di Park", "Ed Moss",
                                    "Flo Rida", "Gus Tan", "Hal Ong"]
)


def _page(body: str) -> bytes:
    return f"<html><body><main>{body}</main></body></html>".encode()


def _items(names: list[str]) -> str:
    escaped = [n.replace("&", "&amp;").replace("<", "&lt;") for n in names]
    return "".join(f"<li>{name}</li>" for name in escaped)


def _names(body: str) -> list[str]:
    return [s.name for s in HTML.parse(_page(body), URL, {}).signers]


def test_html_declared_list_keeps_items_that_are_not_names():
    page = _page(f"<p>Our letter.</p><ul class=\"signatories\">{_items(ORGS)}</ul>")
    signers = HTML.parse(page, URL, {}).signers
    assert [s.raw for s in signers] == ORGS
    assert signers[0].name == "ACME Digital Rights Coalition"


def test_html_declared_list_named_by_an_ancestor_id():
    body = f"<section id=\"endorsers\"><h2>Endorsed by</h2><ol>{_items(ORGS)}</ol></section>"
    assert len(_names(body)) == len(ORGS)


def test_html_declared_list_beats_a_longer_list_of_names():
    body = (f"<div class=\"staff\"><ul>{STAFF}</ul></div>"
            f"<div class=\"supporters-list\"><ul>{_items(ORGS)}</ul></div>")
    assert len(_names(body)) == len(ORGS)


def test_html_declared_list_is_not_a_sign_up_form_or_a_counter():
    form = ("<div class=\"sign-the-letter\"><ul><li>Your name</li><li>Your email</li>"
            "<li>Your organisation</li></ul></div>")
    counter = "<div class=\"signature-count\"><span>1,204</span><span>signatures</span></div>"
    body = f"<ul>{STAFF}</ul>{form}{counter}"
    assert len(_names(body)) == 8


def test_html_declared_list_of_one_item_is_not_promoted():
    body = f"<ul>{STAFF}</ul><div class=\"signature\"><p>Jo Bloggs</p></div>"
    assert len(_names(body)) == 8


def test_html_declared_empty_table_of_signers_lists_nobody():
    page = (b"<html><body><p>1,140 signatures</p><table id='signers'><thead><tr><th>Name</th>"
            b"<th>Role</th></tr></thead><tbody></tbody></table></body></html>")
    result = HTML.parse(page, "https://example.org/letter", {})
    assert (result.listed_count, result.reported_count) == (0, 1140)


def _drupal_block(kind: str, items: str) -> str:
    """A Drupal Views block: the name that declares the list sits four levels above it."""
    return (f'<section id="block-signatures-{kind}"><h2>{kind.title()}</h2>'
            f'<div class="form-group"><div class="view view-signatures-{kind}">'
            f'<div class="view-content"><div class="item-list"><ul>{items}</ul>'
            "</div></div></div></div></section>")


def test_html_declared_alike_lists_nested_deep_are_one_list():
    orgs = _items(["Open Library Guild", "Friends of the Archive (Springfield)"])
    people = "".join(f"<li><div><strong>{n}</strong></div><div>Some Library</div></li>"
                     for n in ("Ann Lee", "Bo Diaz", "Cy Young"))
    body = _drupal_block("institutional", orgs) + _drupal_block("individuals", people)
    assert _names(body) == ["Open Library Guild", "Friends of the Archive", "Ann Lee",
                            "Bo Diaz", "Cy Young"]
