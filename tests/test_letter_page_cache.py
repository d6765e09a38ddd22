"""The letter page's signer preview and recent changes are rendered once per letter data
version (web/pages.py): a change to the letter's signers shows at once, another letter's
changes leave them cached. Letters and signers here are synthetic.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import update
from sqlalchemy.orm import Session

from models import Signature, SignatureEvent, Snapshot, cache
from tests.pagecache import AT, new_letter


def letter_with_signers(session: Session, slug: str, names: list[str]) -> int:
    """A letter whose one snapshot added ``names`` (an 'added' event each)."""
    with session.begin():
        letter_id = new_letter(session, slug)
        add_signers(session, letter_id, names, AT)
        return letter_id


def add_signers(session: Session, letter_id: int, names: list[str], at: datetime) -> None:
    """What a changed poll writes: a snapshot, the signers, their events."""
    snapshot = Snapshot(letter_id=letter_id, observed_at=at, last_confirmed_at=at,
                        confirmations=1, listed_count=len(names), status="ok")
    session.add(snapshot)
    session.flush()
    start = session.query(Signature).filter_by(letter_id=letter_id).count()
    for position, name in enumerate(names, start + 1):
        signature = Signature(letter_id=letter_id, name_key=name.lower(), name=name, raw=name,
                              position=position, first_seen_at=at, last_seen_at=at)
        session.add(signature)
        session.flush()
        session.add(SignatureEvent(letter_id=letter_id, signature_id=signature.id,
                                   snapshot_id=snapshot.id, kind="added", at=at))
    session.flush()


def sections(client, slug: str, as_of: str = "") -> tuple[str, str]:
    """The page's recent changes and signer preview sections."""
    body = client.get(f"/letters/{slug}{as_of}").get_data(as_text=True)
    changes = body.split('<section class="changes">')[1].split("</section>")[0]
    preview = body.split('<section class="signers-preview">')[1].split("</section>")[0]
    return changes, preview


def test_letter_page_cache_shows_a_signer_renamed_in_place(client, session: Session) -> None:
    """An editor's correction moves no id and adds no row: the letter's version still moves."""
    letter_id = letter_with_signers(session, "renamed", ["Ada Lovelace", "Alan Turing"])
    assert sections(client, "renamed") == sections(client, "renamed")
    with session.begin():
        session.execute(update(Signature).where(Signature.letter_id == letter_id,
                                                Signature.name == "Alan Turing")
                        .values(name="Alan M. Turing"))
    changes, preview = sections(client, "renamed")
    assert "Alan M. Turing" in changes and "Alan M. Turing" in preview
    assert "all 2 signers" in preview


def test_letter_page_cache_shows_a_new_signer(client, session: Session) -> None:
    letter_id = letter_with_signers(session, "grown", ["Ada Lovelace"])
    assert "Grace Hopper" not in "".join(sections(client, "grown"))
    with session.begin():
        add_signers(session, letter_id, ["Grace Hopper"], AT + timedelta(hours=1))
    changes, preview = sections(client, "grown")
    assert "Grace Hopper" in changes and "Grace Hopper" in preview and "all 2 signers" in preview


def test_letter_page_cache_as_of_shows_the_signers_of_then(client, session: Session) -> None:
    letter_id = letter_with_signers(session, "then", ["Ada Lovelace"])
    with session.begin():
        add_signers(session, letter_id, ["Grace Hopper"], AT + timedelta(hours=1))
    assert "Grace Hopper" in "".join(sections(client, "then"))
    changes, preview = sections(client, "then", "?as_of=2031-01-01T00:30:00Z")
    assert "Grace Hopper" not in changes + preview and "Ada Lovelace" in changes + preview


def test_letter_page_cache_outlives_another_letters_changed_poll(
        app: Flask, client, session: Session) -> None:
    """The same rendered fragments serve the page after another letter's new signers."""
    cache.READ_CACHE.clear()
    kept_id = letter_with_signers(session, "kept", ["Ada Lovelace"])
    other_id = letter_with_signers(session, "other", ["Grace Hopper"])
    before = sections(client, "kept")
    # READ_CACHE keys: (the letter's version, what, letter id, as of)
    fragments = {key: value for key, value in cache.READ_CACHE.items.items()
                 if str(key[1]).endswith("_html") and key[2] == kept_id}
    assert len(fragments) == 2  # the preview and the changes
    with session.begin():
        add_signers(session, other_id, ["Alan Turing"], AT + timedelta(hours=1))
    assert sections(client, "kept") == before
    assert all(cache.READ_CACHE.get(key) is value for key, value in fragments.items())
