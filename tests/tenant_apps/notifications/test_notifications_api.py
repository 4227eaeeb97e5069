from tenants.context import tenant_context


def test_api_lists_my_notifications_and_marks_them_read(alpha, owner_of, client_for, notify_in):
    owner = owner_of(alpha)
    (first,) = notify_in(alpha, recipients=[owner], title="First", url="/forum/1/")
    notify_in(alpha, recipients=[owner], title="Second")
    client = client_for(alpha)
    client.force_login(owner)
    body = client.get("/api/v1/notifications/").json()
    assert body["count"] == 2
    assert [item["title"] for item in body["results"]] == ["Second", "First"]
    assert body["results"][1]["url"] == "/forum/1/" and body["results"][1]["is_read"] is False
    response = client.post(f"/api/v1/notifications/{first.pk}/read/")
    assert response.status_code == 200 and response.json() == {"unread": 1}
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 1
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert client.get("/api/v1/notifications/unread/").json() == {"unread": 0}


def test_api_preferences_read_and_update(alpha, owner_of, client_for):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    preferences = client.get("/api/v1/notifications/preferences/").json()
    assert {"kind": "tests.reply", "label": "Replies in tests", "delivery": "each"}.items() <= (
        next(p for p in preferences if p["kind"] == "tests.reply").items()
    )
    response = client.put(
        "/api/v1/notifications/preferences/",
        [{"kind": "tests.reply", "delivery": "digest"}],
        content_type="application/json",
    )
    assert response.status_code == 200
    assert next(p for p in response.json() if p["kind"] == "tests.reply")["delivery"] == "digest"


def test_api_bad_preference_is_a_400_naming_the_field(alpha, owner_of, client_for):
    client = client_for(alpha)
    client.force_login(owner_of(alpha))
    response = client.put(
        "/api/v1/notifications/preferences/",
        [{"kind": "tests.reply", "delivery": "hourly"}],
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]
    unknown = client.put(
        "/api/v1/notifications/preferences/",
        [{"kind": "tests.unknown", "delivery": "off"}],
        content_type="application/json",
    )
    assert unknown.status_code == 400
    assert "tests.unknown" in unknown.json()["error"]["fields"]
    assert client.post("/api/v1/notifications/abc/read/").status_code == 404


def test_api_refuses_anonymous_visitors(alpha, client_for):
    client = client_for(alpha)
    assert client.get("/api/v1/notifications/").status_code in (401, 403)
    assert client.get("/api/v1/notifications/preferences/").status_code in (401, 403)
    assert client.post("/api/v1/notifications/read-all/").status_code in (401, 403)


def test_api_member_cannot_read_someone_elses(alpha, owner_of, member_of, client_for, notify_in):
    (notification,) = notify_in(alpha, recipients=[owner_of(alpha)])
    client = client_for(alpha)
    client.force_login(member_of(alpha))
    assert client.get("/api/v1/notifications/").json()["count"] == 0
    assert client.post(f"/api/v1/notifications/{notification.pk}/read/").status_code == 404


def test_api_of_beta_sees_nothing_of_alpha(alpha, beta, owner_of, client_for, notify_in):
    (notification,) = notify_in(alpha, recipients=[owner_of(alpha)])
    client = client_for(beta)
    client.force_login(owner_of(beta))
    assert client.get("/api/v1/notifications/").json()["count"] == 0
    assert client.post(f"/api/v1/notifications/{notification.pk}/read/").status_code == 404
    with tenant_context(alpha):
        from tenant_apps.notifications.models import Notification

        assert Notification.objects.get(pk=notification.pk).read_at is None
