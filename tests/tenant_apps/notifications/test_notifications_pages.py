from tenant_apps.notifications.models import Preference
from tenant_apps.notifications.tokens import make_unsubscribe_token
from tenants.context import tenant_context


def test_notifications_page_lists_mine_with_pagination(
    alpha, owner_of, client_for, notify_in, django_assert_max_num_queries
):
    owner = owner_of(alpha)
    for number in range(25):
        notify_in(alpha, recipients=[owner], title=f"Reply number {number}")
    client = client_for(alpha)
    client.force_login(owner)
    with django_assert_max_num_queries(12):
        response = client.get("/notifications/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Reply number 24" in page and "Reply number 4" not in page
    assert "Page 1 of 2" in page
    assert "Reply number 4" in client.get("/notifications/?page=2").content.decode()
    assert client.get("/notifications/?page=oops").status_code == 200


def test_new_member_sees_an_empty_state(alpha, member_of, client_for):
    client = client_for(alpha)
    client.force_login(member_of(alpha))
    response = client.get("/notifications/")
    assert "No notifications yet" in response.content.decode()


def test_bell_in_the_header_shows_the_unread_count(alpha, owner_of, client_for, notify_in):
    owner = owner_of(alpha)
    notify_in(alpha, recipients=[owner])
    notify_in(alpha, recipients=[owner])
    client = client_for(alpha)
    client.force_login(owner)
    home = client.get("/").content.decode()
    assert 'id="notification-bell"' in home and "2 unread" in home
    assert "notifications/live.js" in home
    fragment = client.get("/notifications/bell/").content.decode()
    assert fragment.strip().startswith("<a") and ">2<" in fragment


def test_anonymous_visitor_is_sent_to_log_in(alpha, client_for):
    client = client_for(alpha)
    for url in ("/notifications/", "/notifications/bell/", "/notifications/preferences/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post("/notifications/read-all/").status_code == 302


def test_mark_read_and_all_read_from_the_page(alpha, owner_of, client_for, notify_in, count_in):
    owner = owner_of(alpha)
    (first,) = notify_in(alpha, recipients=[owner], title="First")
    notify_in(alpha, recipients=[owner], title="Second")
    client = client_for(alpha)
    client.force_login(owner)
    response = client.post(f"/notifications/{first.pk}/read/", {"next": "/notifications/"})
    assert response.status_code == 302
    assert count_in(alpha, read_at__isnull=True) == 1
    client.post("/notifications/read-all/")
    assert count_in(alpha, read_at__isnull=True) == 0
    assert client.get(f"/notifications/{first.pk}/read/").status_code == 405


def test_member_cannot_mark_someone_elses_notification(
    alpha, owner_of, member_of, client_for, notify_in, count_in
):
    (notification,) = notify_in(alpha, recipients=[owner_of(alpha)])
    client = client_for(alpha)
    client.force_login(member_of(alpha))
    response = client.post(f"/notifications/{notification.pk}/read/", follow=True)
    assert "does not exist" in response.content.decode()
    assert count_in(alpha, read_at__isnull=True) == 1


def test_preferences_page_saves_and_rejects_bad_choices(alpha, owner_of, client_for):
    owner = owner_of(alpha)
    client = client_for(alpha)
    client.force_login(owner)
    page = client.get("/notifications/preferences/").content.decode()
    assert "Replies in tests" in page
    response = client.post(
        "/notifications/preferences/", {"tests.reply": "digest", "tests.summary": "off"}
    )
    assert response.status_code == 302
    with tenant_context(alpha):
        assert dict(Preference.objects.filter(user=owner).values_list("kind", "delivery")) == {
            "tests.reply": "digest",
            "tests.summary": "off",
        }
    bad = client.post("/notifications/preferences/", {"tests.reply": "hourly"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()


def test_one_click_unsubscribe_works_without_login(alpha, owner_of, client_for):
    owner = owner_of(alpha)
    with tenant_context(alpha):
        token = make_unsubscribe_token(user_id=owner.pk, kind="tests.reply")
    client = client_for(alpha)
    url = f"/notifications/unsubscribe/{token}/"
    assert "Stop these emails?" in client.get(url).content.decode()  # GET changes nothing
    with tenant_context(alpha):
        assert not Preference.objects.filter(user=owner).exists()
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with tenant_context(alpha):
        assert Preference.objects.get(user=owner, kind="tests.reply").delivery == "off"


def test_digest_unsubscribe_turns_every_digest_kind_off(alpha, owner_of, client_for):
    owner = owner_of(alpha)
    with tenant_context(alpha):
        token = make_unsubscribe_token(user_id=owner.pk, kind="digest")
    response = client_for(alpha).post(f"/notifications/unsubscribe/{token}/")
    assert "Summaries in tests" in response.content.decode()
    with tenant_context(alpha):
        assert Preference.objects.get(user=owner, kind="tests.summary").delivery == "off"


def test_tampered_unsubscribe_link_is_a_clear_400(alpha, client_for):
    client = client_for(alpha)
    assert client.get("/notifications/unsubscribe/not-a-token/").status_code == 400
    assert client.post("/notifications/unsubscribe/not-a-token/").status_code == 400


def test_unsubscribe_link_only_works_on_the_site_that_sent_it(alpha, beta, owner_of, client_for):
    with tenant_context(alpha):
        token = make_unsubscribe_token(user_id=owner_of(alpha).pk, kind="tests.reply")
    response = client_for(beta).post(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 400
    with tenant_context(beta):
        assert not Preference.objects.exists()


def test_beta_sees_nothing_of_alphas_notifications(
    alpha, beta, owner_of, client_for, notify_in, count_in
):
    (notification,) = notify_in(alpha, recipients=[owner_of(alpha)], title="Alpha secret")
    client = client_for(beta)
    client.force_login(owner_of(beta))
    page = client.get("/notifications/").content.decode()
    assert "Alpha secret" not in page and "No notifications yet" in page
    client.post(f"/notifications/{notification.pk}/read/")
    client.post("/notifications/read-all/")
    assert count_in(alpha, read_at__isnull=True) == 1


def test_opening_a_notification_marks_it_read_and_follows_its_link(
    alpha, owner_of, member_of, client_for, notify_in, count_in
):
    owner = owner_of(alpha)
    (local,) = notify_in(alpha, recipients=[owner], url="/forum/7/")
    (external,) = notify_in(alpha, recipients=[owner], url="https://evil.example.com/")
    client = client_for(alpha)
    client.force_login(owner)
    assert client.get(f"/notifications/{local.pk}/")["Location"] == "/forum/7/"
    assert client.get(f"/notifications/{external.pk}/")["Location"] == "/notifications/"
    assert count_in(alpha, read_at__isnull=True) == 0
    other = client_for(alpha)
    other.force_login(member_of(alpha))
    assert other.get(f"/notifications/{local.pk}/").status_code == 404
