import pytest
from django.core.exceptions import ValidationError

from tenants.selectors import subdomain_problem
from tenants.validators import normalize_subdomain, validate_subdomain

BAD = [
    ("", "Choose a subdomain."),
    ("ab", "Use at least 3 characters."),
    ("a" * 41, "Use at most 40 characters."),
    ("acme_co", "Use only lowercase letters, digits and hyphens."),
    ("acme.co", "Use only lowercase letters, digits and hyphens."),
    ("acmé", "Use only lowercase letters, digits and hyphens."),
    ("acme co", "Use only lowercase letters, digits and hyphens."),
    ("-acme", "A subdomain cannot start or end with a hyphen."),
    ("acme-", "A subdomain cannot start or end with a hyphen."),
    ("ac--me", "A subdomain cannot contain two hyphens in a row."),
    ("www", "That subdomain is reserved. Please choose another."),
    ("api", "That subdomain is reserved. Please choose another."),
    ("admin", "That subdomain is reserved. Please choose another."),
    ("app", "That subdomain is reserved. Please choose another."),
    ("mail", "That subdomain is reserved. Please choose another."),
    ("static", "That subdomain is reserved. Please choose another."),
    ("media", "That subdomain is reserved. Please choose another."),
    ("public", "That subdomain is reserved. Please choose another."),
    ("pg-catalog", "That subdomain is reserved. Please choose another."),
]


@pytest.mark.parametrize(("value", "message"), BAD)
def test_each_bad_subdomain_gets_its_own_message(value, message):
    with pytest.raises(ValidationError) as error:
        validate_subdomain(normalize_subdomain(value))
    assert error.value.messages == [message]


@pytest.mark.parametrize("value", ["abc", "acme", "acme-co", "a1b2", "x" * 40, "123"])
def test_good_subdomains_pass(value):
    validate_subdomain(value)


def test_uppercase_is_lowered_not_refused():
    assert normalize_subdomain("  AcMe-Co ") == "acme-co"
    validate_subdomain(normalize_subdomain("AcMe-Co"))


def test_a_taken_subdomain_is_reported_case_insensitively(alpha):
    assert subdomain_problem("ALPHA") == "That subdomain is already taken. Please choose another."
    assert subdomain_problem("free-one") is None
