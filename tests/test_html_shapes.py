"""Page shapes the accuracy suite found (issue #14), each in a small SYNTHETIC page.

The real pages behind each rule are in tests/fixtures/accuracy (see expected.json); these pages
are written here, with invented names, so that each rule fails alone when it breaks.
"""

from __future__ import annotations

import pytest

from scrapers.adapters.html_page import HTML
from scrapers.errors import NoSignersFound

URL = "https://letters.test/letter"


def _parse(body: str):
    return HTML.parse(f"<html><body><main>{body}</main></body></html>".encode(), URL, {})


def _names(body: str) -> list[str]:
    return [s.name for s in _parse(body).signers]


def test_html_shapes_section_headings_are_not_the_list():
    body = ("<h2>Founding Signatories</h2><p>To be announced.</p>"
            "<h2>Supporting Institutions</h2><p>To be announced.</p><h2>Contact Us</h2>")
    with pytest.raises(NoSignersFound):
        _parse(body)


def test_html_shapes_a_menu_of_site_links_is_not_the_list():
    menu = "".join(f'<li><a href="/{slug}">{label}</a></li>' for slug, label in
                   [("history", "Our History"), ("team", "Our Team"), ("press", "Press Room")])
    with pytest.raises(NoSignersFound):
        _parse(f"<div class='sidebar'><ul>{menu}</ul></div><p>Our letter.</p>")


def test_html_shapes_placeholders_and_instructions_are_not_signers():
    body = ("<ol><li><em><a href='https://github.test/pulls'>Please add your signature by "
            "submitting a pull request.</a></em></li><li>Ana Quill</li></ol>"
            "<div id='signatures'><div class='signature'><p class='name'>Full Name here</p>"
            "<p class='organization'>Organization Name Here</p></div></div>")
    assert _names(body) == ["Ana Quill"]


def test_html_shapes_card_names_its_signer_by_class_or_heading():
    labelled = ("<ul class='signatory-list'><li><span class='signatory-name'>Dr. Ana Quill</span>"
                "<span class='signatory-title'>Institute of Examples</span></li></ul>")
    signer = _parse(labelled).signers[0]
    assert (signer.name, signer.affiliation) == ("Dr. Ana Quill", "Institute of Examples")
    cards = "".join(f"<article class='card'><div><h2>{n}</h2><p>Founding signatory</p></div>"
                    "</article>" for n in ("Pixel Co-op", "Mesh Commons", "Relay Guild"))
    assert _names(f"<section>{cards}</section>") == ["Pixel Co-op", "Mesh Commons", "Relay Guild"]


def test_html_shapes_br_block_keeps_signers_whose_role_has_no_comma():
    lines = ["Some Early Signatories", "Ana Quill, Example Society, Bristol",
             "Bo Stern writer UK", "Cy Marsh, Example Trust", "Di Fenn economist and author",
             "Ed Holt, Example Forum, London"]
    names = _names("<div class='c1'>" + "<br>".join(lines) + "</div>")
    assert names == ["Ana Quill", "Bo Stern writer UK", "Cy Marsh", "Di Fenn economist and author",
                     "Ed Holt"]


def test_html_shapes_form_label_comes_off_the_name():
    body = "".join(f"<li><h5>Signatory Name: {n}</h5><h6>Homepage: x</h6></li>"
                   for n in ("Ana Quill", "Bo Stern"))
    assert _names(f"<ul>{body}</ul>") == ["Ana Quill", "Bo Stern"]


def test_html_shapes_count_stated_in_french():
    result = _parse("<div>Rejoindre les <span id='nb'>666</span> signataires</div>")
    assert result.reported_count == 666


def test_html_shapes_one_list_printed_under_several_headings_is_one_list():
    orgs = "".join(f"<li>{n}</li>" for n in ("Example Rights Coalition", "Open Data Guild"))
    people = "".join(f"<li>{n}</li>" for n in ("Ana Quill", "Bo Stern", "Cy Marsh"))
    body = (f"<div><h3>Organizations</h3><ol>{orgs}</ol><h3>Individuals</h3><ol>{people}</ol>"
            "</div>")
    assert _names(body) == ["Example Rights Coalition", "Open Data Guild", "Ana Quill",
                            "Bo Stern", "Cy Marsh"]


def test_html_shapes_bold_lead_is_the_name_even_with_commas_after():
    body = "".join(f"<li><strong>{n}</strong> - Laboratoire X, Université Y, CNRS</li>"
                   for n in ("Ana Quill", "Bo Stern"))
    signers = _parse(f"<ul>{body}</ul>").signers
    assert [(s.name, s.affiliation) for s in signers][0] == (
        "Ana Quill", "Laboratoire X, Université Y, CNRS")


def test_html_shapes_a_headerless_grid_of_named_links_is_one_signer_a_cell():
    names = ["Ana Quill", "Bo Stern", "Cy Marsh", "Di Fenn", "Ed Holt", "Flo Lind", "Gus Tan",
             "Hal Ong", "Ivy Roe", "Jo Park", "Kit Vane", ""]
    cells = [f"<td><a href='https://people.test/{n}'>{n}</a></td>" if n else "<td></td>"
             for n in names]
    rows = "".join(f"<tr>{''.join(cells[i:i + 3])}</tr>" for i in range(0, 12, 3))
    head = "<thead><tr><th></th><th></th><th></th></tr></thead>"
    body = f"<table>{head}<tbody>{rows}</tbody></table>"
    assert _names(body) == names[:11]
    headed = body.replace("<th></th>", "<th>Name</th>", 1)
    assert len(_names(headed)) == 4


def _side_by_side_table(house: list[str], senate: list[str]) -> bytes:
    rows = []
    for index in range(max(len(house), len(senate))):
        cells = []
        for names in (house, senate):
            name = names[index] if index < len(names) else ""
            handle = f"<a href='https://example.org/'>@{name[5:9].lower()}</a>" if name else ""
            cells += [f"<td>{name}</td>", f"<td>{handle}</td>"]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        "<html><body><h1>Members of Congress Supporting the Act</h1><table><tr>"
        "<th>Supporters in the House</th><th>Twitter</th>"
        "<th>Supporters in the Senate</th><th>Twitter</th></tr>"
        f"{''.join(rows)}</table></body></html>").encode()


def test_html_shapes_two_signer_columns_side_by_side_are_two_lists():
    house = ["Rep. Ann Lee (R-CA)", "Rep. Bo Diaz (D-OR)", "Rep. Cy Park (D-WA)"]
    page = _side_by_side_table(house, ["Sen. Di Moss (D-OR)"])
    signers = HTML.parse(page, "https://example.org/supporters", {}).signers
    assert [s.name for s in signers] == ["Ann Lee", "Bo Diaz", "Cy Park", "Di Moss"]
    assert signers[0].affiliation == "R-CA, @ann"


def _card(name: str, href: str) -> str:
    return (f"<div class='grid-sizer'></div><div class='grid-item'><a href='{href}'>"
            f"<div class='card'><figure><img src='logo.png' alt='logo'></figure>"
            f"<div class='card-body'><h2 class='card-title'>{name}</h2>"
            f"<p class='card-text'>{name} pledges.</p></div></div></a></div>")


def test_html_shapes_cards_linking_to_their_own_pages_are_signers_not_a_menu():
    cards = _card("Data Science Institute", "/pledge/dsi/") + _card("Santa Cruz OSPO", "/p/o/")
    body = (f"<div class='projects'><h2>2023</h2><div class='grid'>{cards}"
            f"{_card('Center for Open Source', '/p/c/')}</div>"
            "<h2>numfocus</h2><div class='grid'> </div><h2>developer</h2><div class='grid'></div>"
            "</div>")
    assert _names(body) == ["Data Science Institute", "Santa Cruz OSPO", "Center for Open Source"]


def test_html_shapes_paragraph_styled_as_a_heading_names_its_card():
    row = ("<div class='row mb-4'><div class='col-2'><img src='{0}.png' class='logo'></div>"
           "<div class='col-10'><p class='h3'>{0} <a href='https://example.org/'>"
           "<svg><path d='M8'></path></svg></a></p><p>Here is a description of the "
           "organisation and the work they do, in a sentence or two.</p></div></div>")
    names = ["Workers Make Possible", "Justice Collective", "Aid Friends"]
    body = f"<div class='container'>{''.join(row.format(n) for n in names)}</div>"
    assert _names(body) == names


DONORS = ("<h1>Major Supporters</h1><p>Our campaigns would not be possible without thousands "
          "of individual donations. We thank these major supporters.</p><h2>HEROES</h2>"
          "<p>These individuals contribute $10,000 or more.</p><ul><li>Ann Lee</li>"
          "<li>Bo Diaz</li><li>Cy Park</li><li>Di Moss</li></ul>")


def test_html_shapes_a_page_thanking_donors_lists_no_signers():
    with pytest.raises(NoSignersFound):
        _parse(DONORS)


def test_html_shapes_donations_beside_a_letter_do_not_hide_its_signers():
    letter = DONORS.replace("<h2>HEROES</h2>", "<h2>Signed by</h2>")
    assert _names(letter) == ["Ann Lee", "Bo Diaz", "Cy Park", "Di Moss"]


def test_html_shapes_one_list_cut_by_quotations_is_one_list():
    body = ("<h3>We are also supported by:</h3><ul><li>Ann Lee, MP of Cambridge</li>"
            "<li>Bo Diaz, Bishop of Ely, who said:</li></ul>"
            "<blockquote><p>Our key messages are:</p><ol><li>Act in partnership.</li>"
            "<li>Offer rentals.</li><li>Pray.</li></ol></blockquote>"
            "<ul><li>Cy Park, former MP, who said:</li></ul><blockquote><p>Act.</p></blockquote>"
            "<ul><li>Dr Di Moss, District Councillor</li></ul>")
    assert _names(body) == ["Ann Lee", "Bo Diaz", "Cy Park", "Dr Di Moss"]


def test_html_shapes_a_one_item_list_alone_is_not_a_list():
    body = "<div><ul><li>Ann Lee</li></ul></div><p>Some text about the campaign.</p>"
    with pytest.raises(NoSignersFound):
        _parse(body)


def test_html_shapes_alike_lists_in_grid_columns_are_one_list_offices_off_names():
    column = ("<div class='endorsement-column'><h2>{0}</h2><ul class='endorsement-list'>{1}"
              "</ul></div>")
    orgs = "".join(f"<li>{n}</li>" for n in ["Labor Council", "UNITE HERE! Local 2", "Sierra Club"])
    people = "".join(f"<li>{n}</li>" for n in ["Governor Jerry Brown (ret)",
                                                "Supervisor Connie Chan",
                                                "Judge Hon. Ellen Chaitin (ret)", "Tom Ammiano"])
    body = (f"<nav><a href='/a'>Home</a><a href='/b'>About</a></nav>"
            f"<div class='endorsements-grid'>{column.format('Organizations', orgs)}"
            f"{column.format('Elected &amp; Community Leaders', people)}</div>")
    assert _names(body) == ["Labor Council", "UNITE HERE! Local 2", "Sierra Club", "Jerry Brown",
                            "Connie Chan", "Ellen Chaitin", "Tom Ammiano"]


def test_html_shapes_names_inline_between_commas_are_one_signer_each():
    people = ["Afrogameuses", "<b>Antoine Daniel</b>", "Manon Bril",
              "<b>Canard PC, le magazine</b>", "Maxime Robinet, de Globtopus", "<b>jynxeez</b>",
              "Adam Enzo (Shisheyu)", "<b>Aldeid</b>", "Alice Rage", "<b>Alice Thomas</b>",
              "Allan Barte", "ZulZorander"]
    body = ("<header><h2>Plus de 300 personnalités d’internet appellent à se mobiliser</h2>"
            f"</header><p>Personnalités :</p><p>{', '.join(people)}</p>")
    result = _parse(body)
    assert [s.name for s in result.signers] == [
        "Afrogameuses", "Antoine Daniel", "Manon Bril", "Canard PC", "Maxime Robinet",
        "jynxeez", "Adam Enzo", "Aldeid", "Alice Rage", "Alice Thomas", "Allan Barte",
        "ZulZorander"]
    assert (result.reported_count, result.reported_count_at_least) == (300, True)


def test_html_shapes_prose_naming_people_between_commas_is_no_list():
    names = ", ".join(f"former President of Country {chr(65 + n)} Ann Lee{n}" for n in range(12))
    body = (f"<p>More than 170 former heads of state, including {names}, today called on the "
            "President to act in an open letter today.</p>")
    assert _parse(body).listed_count == 0


def test_html_shapes_a_tab_typed_between_name_and_role_ends_the_name():
    items = "".join(f"<li>{line}</li>" for line in (
        "Morel Lina\t-\tChercheuse en biologie", "Club - Bonne Humeur\t-\tVulgarisation",
        "Petit Hugo\t-\tM\u00e9decin"))
    signers = _parse(f"<h2>Signataires</h2><ol>{items}</ol>").signers
    assert [(s.name, s.affiliation) for s in signers] == [
        ("Morel Lina", "Chercheuse en biologie"), ("Club - Bonne Humeur", "Vulgarisation"),
        ("Petit Hugo", "M\u00e9decin")]


def test_html_shapes_a_link_to_a_place_on_the_page_is_no_signer():
    # A template's signatures page: the loop is markup, the only other item a "top" link.
    body = ('<div id="top" class="letter-signatures"><h1>Signatories</h1>'
            "<ol><li><cite>{{ sig.name }}</cite></li></ol>"
            '<p><a href="#top">Top of page</a></p></div>')
    with pytest.raises(NoSignersFound):
        _parse(body)


def test_html_shapes_loading_placeholders_are_no_signers():
    body = ('<section class="signatories"><h1>The Signatories</h1><div><div>Loading...</div>'
            "</div><div><div>Loading signers\u2026</div></div></section>")
    with pytest.raises(NoSignersFound):
        _parse(body)


_PEOPLE_LINES = [f"{first} {last} - {role} (Italia)" for first, last, role in (
    ("Anna", "Ferri", "attrice"), ("Bruno", "Galli", "regista"), ("Carla", "Neri", "montatrice"),
    ("Dario", "Conti", "produttore"), ("Elena", "Riva", "critica"))]


def test_html_shapes_br_block_keeps_the_short_names_it_ends_on():
    lines = [*_PEOPLE_LINES, "Collettivo Occhi Aperti", "Ubulibri", "Voci per la Pace"]
    body = f"<p><strong>SIGNATORIES:</strong><br>{'<br>'.join(lines)}</p>"
    assert _names(body)[-3:] == ["Collettivo Occhi Aperti", "Ubulibri", "Voci per la Pace"]


def test_html_shapes_two_signer_lines_run_together_are_two_signers():
    lines = [*_PEOPLE_LINES, "Iris Lane - ActorDon Nando Cope - priest (Italia)",
             "Leila Bruno - retired teacher Maria Anna Marr - nurse"]
    body = f"<p><strong>SIGNATORIES:</strong><br>{'<br>'.join(lines)}</p>"
    assert _names(body)[-4:] == ["Iris Lane", "Don Nando Cope", "Leila Bruno", "Maria Anna Marr"]
