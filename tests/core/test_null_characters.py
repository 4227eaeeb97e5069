"""A NUL character in a query parameter gets a 400 naming it, never a 500 from PostgreSQL."""


def test_api_refuses_a_null_character_in_a_query_parameter_and_names_it(
    alpha, client_for, owner_of
):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    response = client.get("/api/v1/links/short-links/?tag=a%00b&q=fine")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"tag": ["Null characters are not allowed."]}


def test_page_refuses_a_null_character_with_the_bad_request_page(alpha, client_for, owner_of):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    response = client.get("/links/?q=%00")
    assert response.status_code == 400
    assert b"<html" in response.content


def test_public_host_refuses_it_too(public_client):
    assert public_client.get("/api/v1/subdomains/check/?subdomain=a%00").status_code == 400


def test_ordinary_parameters_pass(alpha, client_for, owner_of):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    assert client.get("/api/v1/links/short-links/?tag=news").status_code == 200
