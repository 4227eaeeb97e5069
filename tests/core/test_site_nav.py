"""The tenant navigation lists the apps a visitor can actually open."""


def test_an_app_outside_the_plan_has_no_nav_entry_and_answers_404(
    alpha, client_for, owner_of, on_plan
):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    assert b'href="/recipes/"' in client.get("/").content
    on_plan(alpha, apps=["forum", "tasks", "store", "events", "links"])
    page = client.get("/").content
    assert b'href="/recipes/"' not in page
    assert b'href="/links/"' in page
    assert client.get("/recipes/").status_code == 404
