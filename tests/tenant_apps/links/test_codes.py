import pytest

from tenant_apps.links.codes import (
    ALPHABET,
    generate_code,
    is_valid_alias,
    normalize_host,
    validate_target_url,
)

OWN = {"links.example.com", "example.com"}


def test_alphabet_has_no_look_alikes():
    assert not set("0Oo1lI") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET)


def test_generated_code_has_requested_length_and_alphabet():
    for length in (1, 7, 12):
        code = generate_code(length)
        assert len(code) == length
        assert set(code) <= set(ALPHABET)


def test_default_code_length_is_seven():
    assert len(generate_code()) == 7


def test_codes_are_random():
    assert len({generate_code() for _ in range(1000)}) == 1000


def test_code_length_must_be_positive():
    with pytest.raises(ValueError):
        generate_code(0)


@pytest.mark.parametrize(
    "alias", ["a", "Z", "9", "summer-sale", "summer_sale_2024", "_x_", "a" * 64, "A-b-C"]
)
def test_good_aliases(alias):
    assert is_valid_alias(alias) is None


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("", "Enter an alias."),
        ("a" * 65, "An alias can be at most 64 characters long."),
        ("-sale", "An alias cannot start or end with a hyphen."),
        ("sale-", "An alias cannot start or end with a hyphen."),
        ("-", "An alias cannot start or end with a hyphen."),
        (
            "summer sale",
            "An alias can only contain letters, digits, hyphens (-) and underscores (_).",
        ),
        ("café", "An alias can only contain letters, digits, hyphens (-) and underscores (_)."),
        ("a/b", "An alias can only contain letters, digits, hyphens (-) and underscores (_)."),
        ("a.b", "An alias can only contain letters, digits, hyphens (-) and underscores (_)."),
        ("x\n", "An alias can only contain letters, digits, hyphens (-) and underscores (_)."),
    ],
)
def test_bad_aliases_explain_why(alias, message):
    assert is_valid_alias(alias) == message


def test_reserved_aliases_are_refused_whatever_the_case():
    assert is_valid_alias("Admin", reserved={"admin", "api"}) == (
        "This alias is reserved. Choose another one."
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.org/",
        "http://example.net/path?q=1&r=2#frag",
        "HTTPS://Example.org/Path",
        "https://exämple.org/",
        "https://[2001:db8::1]:8443/x",
        "https://192.0.2.10/",
        "https://example.org:8080/",
        "https://notexample.com/",
        "https://example.com.evil.org/",
        "https://evil.org/?next=https://example.com/",
    ],
)
def test_acceptable_targets(url):
    assert validate_target_url(url, OWN) is None


SCHEME = "Only http:// and https:// links are allowed."
FULL_URL = "Enter a full URL starting with http:// or https://."
INVISIBLE = "The URL must not contain spaces or control characters."
OWN_SITE = "A short link cannot point at this site."
CREDENTIALS = "The URL must not contain a user name or password."
BAD_HOST = "The URL's host name is not valid."


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter a URL."),
        ("   ", "Enter a URL."),
        ("javascript:alert(1)", SCHEME),
        ("JaVaScRiPt:alert(1)", SCHEME),
        (" javascript:alert(1)", SCHEME),
        ("\x00javascript:alert(1)", SCHEME),
        ("\x01\x1fjavascript:alert(1)", SCHEME),
        ("java\tscript:alert(1)", SCHEME),
        ("java\nscript:alert(1)", SCHEME),
        ("java\r\nscript:alert(1)", SCHEME),
        ("jav\u200bascript:alert(1)", SCHEME),
        ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", SCHEME),
        ("DATA:text/html,<script>alert(1)</script>", SCHEME),
        ("file:///etc/passwd", SCHEME),
        ("vbscript:msgbox(1)", SCHEME),
        ("ftp://example.org/file", SCHEME),
        ("mailto:someone@example.org", SCHEME),
        ("//evil.org/", FULL_URL),
        ("evil.org/path", FULL_URL),
        ("localhost:8000/path", FULL_URL),
        ("&#106;avascript:alert(1)", FULL_URL),
        ("https:evil.org", FULL_URL),
        ("https:/evil.org", FULL_URL),
        ("https:\\\\evil.org", "The URL must not contain backslashes."),
        ("https://evil.org\\@example.com/", "The URL must not contain backslashes."),
        (" https://evil.org/", INVISIBLE),
        ("https://evil.org/a b", INVISIBLE),
        ("https://evil.org/\x00", INVISIBLE),
        ("https://evil.org/\u00a0", INVISIBLE),
        ("https://", "The URL must include a host name."),
        ("https:///path", "The URL must include a host name."),
        ("https://example.com@evil.org/", CREDENTIALS),
        ("https://user:pass@evil.org/", CREDENTIALS),
        ("https://:@evil.org/", CREDENTIALS),
        ("https://evil.org:99999/", "The URL is not valid."),
        ("https://evil.org:port/", "The URL is not valid."),
        ("https://ex%61mple.com/", BAD_HOST),
        ("https://evil_host.org/", BAD_HOST),
        ("https://-evil.org/", BAD_HOST),
        ("https://example.com/", OWN_SITE),
        ("http://example.com", OWN_SITE),
        ("https://EXAMPLE.COM/x", OWN_SITE),
        ("https://example.com./x", OWN_SITE),
        ("https://example.com:443/x", OWN_SITE),
        ("https://links.example.com/abc", OWN_SITE),
        ("https://acme.example.com/", OWN_SITE),
        ("https://deep.acme.Example.Com./", OWN_SITE),
        ("https://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com/", OWN_SITE),  # full-width
        ("https://example\u3002com/", OWN_SITE),
    ],
)
def test_refused_targets_explain_why(url, message):
    assert validate_target_url(url, OWN) == message


def test_own_idn_host_is_recognised_in_either_spelling():
    own = {"bücher.example"}

    assert validate_target_url("https://BÜCHER.example/x", own) == OWN_SITE
    assert validate_target_url("https://xn--bcher-kva.example/x", own) == OWN_SITE
    assert validate_target_url("https://bucher.example/x", own) is None


def test_own_hosts_given_with_port_wildcard_or_trailing_dot():
    assert validate_target_url("https://a.tenant.test/", {"*.tenant.test"}) == OWN_SITE
    assert validate_target_url("https://tenant.test/", {"tenant.test:8000"}) == OWN_SITE
    assert validate_target_url("https://tenant.test/", {"Tenant.Test."}) == OWN_SITE


def test_over_long_urls_are_refused():
    url = "https://example.org/" + "a" * 2029

    assert len(url) == 2049
    assert validate_target_url(url, OWN) == "The URL is too long (at most 2048 characters)."
    assert validate_target_url(url[:-1], OWN) is None
    assert validate_target_url(url, OWN, max_length=4096) is None


@pytest.mark.parametrize(
    ("host", "normal"),
    [
        ("Example.COM.", "example.com"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("example.com:8000", "example.com"),
        ("[::1]", "[::1]"),
        ("a..b", None),
        ("bad host", None),
        ("", None),
    ],
)
def test_normalize_host(host, normal):
    assert normalize_host(host) == normal
