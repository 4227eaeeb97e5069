import pytest
from django.core.exceptions import ValidationError

from core.errors import ApplicationError
from tenant_apps.notifications import services
from tenant_apps.notifications.models import Notification, Preference
from tenant_apps.notifications.realtime import group_name
from tenant_apps.notifications.tokens import make_unsubscribe_token
from tenants.context import tenant_context


def test_notify_stores_one_row_per_recipient_and_emails_after_commit(
    alpha, owner_of, member_of, notify_in, mailoutbox, django_capture_on_commit_callbacks
):
    owner = owner_of(alpha)
    member = member_of(alpha, email="ann@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        stored = notify_in(
            alpha,
            recipients=[owner, member, owner],
            title="New reply to Welcome",
            body="Hello there",
            url="/forum/1/",
        )
        assert len(mailoutbox) == 0  # nothing leaves before the commit
    assert len(stored) == 2
    assert len(mailoutbox) == 2
    message = next(m for m in mailoutbox if m.to == ["ann@example.com"])
    assert "New reply to Welcome" in message.subject
    assert "http://alpha.example.test/forum/1/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Hello there" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<http://alpha.example.test/notifications/unsubscribe/"
    )
    with tenant_context(alpha):
        assert Notification.objects.filter(emailed_at__isnull=False).count() == 2


def test_the_actor_is_not_notified_of_their_own_action(alpha, owner_of, member_of, notify_in):
    owner = owner_of(alpha)
    member = member_of(alpha)
    stored = notify_in(alpha, recipients=[owner, member], actor=owner)
    assert [n.recipient_id for n in stored] == [member.pk]


def test_unknown_kind_is_refused_with_a_field_error(alpha, owner_of, notify_in):
    with pytest.raises(ValidationError) as error:
        notify_in(alpha, recipients=[owner_of(alpha)], kind="tests.nonexistent")
    assert "kind" in error.value.message_dict


def test_empty_title_is_refused(alpha, owner_of, notify_in):
    with pytest.raises(ValidationError) as error:
        notify_in(alpha, recipients=[owner_of(alpha)], title="   ")
    assert "title" in error.value.message_dict


def test_notify_outside_a_tenant_is_refused(alpha, owner_of):
    owner = owner_of(alpha)
    with pytest.raises(ApplicationError):
        services.notify(recipients=[owner], kind="tests.reply", title="x")


def test_preferences_decide_email_digest_site_only_or_nothing(
    alpha, owner_of, member_of, notify_in, mailoutbox, django_capture_on_commit_callbacks
):
    each, digest = owner_of(alpha), member_of(alpha, email="digest@example.com")
    off, muted = member_of(alpha, email="off@example.com"), member_of(alpha, email="mute@x.com")
    with tenant_context(alpha):
        services.set_preferences(user=digest, deliveries={"tests.reply": "digest"})
        services.set_preferences(user=off, deliveries={"tests.reply": "off"})
        services.set_preferences(user=muted, deliveries={"tests.reply": "muted"})
    with django_capture_on_commit_callbacks(execute=True):
        stored = notify_in(alpha, recipients=[each, digest, off, muted])
    assert {n.recipient_id: n.delivery for n in stored} == {
        each.pk: "each",
        digest.pk: "digest",
        off.pk: "off",
    }
    assert [m.to for m in mailoutbox] == [[each.email]]


def test_email_false_keeps_it_in_the_site_only(
    alpha, owner_of, notify_in, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        stored = notify_in(alpha, recipients=[owner_of(alpha)], email=False)
    assert stored[0].delivery == "off" and mailoutbox == []


def test_daily_digest_sends_each_item_once(
    alpha, owner_of, notify_in, mailoutbox, django_capture_on_commit_callbacks
):
    owner = owner_of(alpha)
    notify_in(alpha, recipients=[owner], kind="tests.summary", title="First")
    notify_in(alpha, recipients=[owner], kind="tests.summary", title="Second")
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        assert services.send_daily_digests() == 1
    assert len(mailoutbox) == 1
    digest = mailoutbox[0]
    assert "First" in digest.body and "Second" in digest.body
    assert "2 notifications" in digest.subject
    assert "List-Unsubscribe" in digest.extra_headers
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        assert services.send_daily_digests() == 0  # run again: nothing is sent twice
    notify_in(alpha, recipients=[owner], kind="tests.summary", title="Third")
    with tenant_context(alpha), django_capture_on_commit_callbacks(execute=True):
        services.send_daily_digests()
    assert len(mailoutbox) == 2
    assert "Third" in mailoutbox[1].body and "First" not in mailoutbox[1].body


def test_digest_task_runs_in_the_tenant(alpha, owner_of, notify_in, mailoutbox):
    from tenant_apps.notifications.tasks import send_daily_digests

    notify_in(alpha, recipients=[owner_of(alpha)], kind="tests.summary", title="Queued")
    with tenant_context(alpha):
        assert send_daily_digests.apply().get() == 1


def test_digests_of_one_tenant_never_include_another_tenants_items(
    alpha, beta, owner_of, notify_in, mailoutbox, django_capture_on_commit_callbacks
):
    notify_in(alpha, recipients=[owner_of(alpha)], kind="tests.summary", title="Alpha item")
    with tenant_context(beta), django_capture_on_commit_callbacks(execute=True):
        assert services.send_daily_digests() == 0
    assert mailoutbox == []


def test_mark_read_and_mark_all_read(alpha, owner_of, notify_in):
    owner = owner_of(alpha)
    first, *_ = notify_in(alpha, recipients=[owner], title="One")
    notify_in(alpha, recipients=[owner], title="Two")
    notify_in(alpha, recipients=[owner], title="Three")
    with tenant_context(alpha):
        assert services.mark_read(user=owner, notification_id=first.pk) == 2
        assert services.mark_read(user=owner, notification_id=first.pk) == 2  # twice is fine
        assert services.mark_all_read(user=owner) == 2


def test_mark_read_of_someone_elses_notification_is_refused(alpha, owner_of, member_of, notify_in):
    owner, member = owner_of(alpha), member_of(alpha)
    (notification,) = notify_in(alpha, recipients=[owner])
    with tenant_context(alpha), pytest.raises(ValidationError):
        services.mark_read(user=member, notification_id=notification.pk)


def test_bad_preference_choice_names_the_kind(alpha, owner_of):
    owner = owner_of(alpha)
    with tenant_context(alpha), pytest.raises(ValidationError) as error:
        services.set_preferences(user=owner, deliveries={"tests.reply": "hourly"})
    assert "tests.reply" in error.value.message_dict


def test_database_refuses_an_invalid_delivery(alpha, owner_of):
    from django.db import IntegrityError, transaction

    owner = owner_of(alpha)
    with tenant_context(alpha), pytest.raises(IntegrityError), transaction.atomic():
        Preference.objects.create(user=owner, kind="tests.reply", delivery="hourly")


def test_unsubscribe_token_of_another_tenant_is_refused(alpha, beta, owner_of):
    with tenant_context(alpha):
        token = make_unsubscribe_token(user_id=owner_of(alpha).pk, kind="tests.reply")
    with tenant_context(beta), pytest.raises(ValidationError):
        services.unsubscribe(token=token)


def test_group_names_carry_the_tenant_and_refuse_the_public_schema(db):
    from tenants.models import Organization

    alpha = Organization.objects.get(schema_name="alpha")
    with tenant_context(alpha):
        assert group_name("forum", "thread", 7) == "tenant.alpha.forum.thread.7"
        with pytest.raises(ValueError):
            group_name("forum", "../beta")
    with pytest.raises(ValueError):
        group_name("forum", "thread", 7)  # public schema


def test_demo_data_fills_the_bell_without_emailing(alpha, owner_of, mailoutbox, count_in):
    from tenant_apps.notifications import demo

    owner = owner_of(alpha)
    with tenant_context(alpha):
        demo.seed(organization=alpha, owner=owner)
    assert count_in(alpha, recipient=owner, read_at__isnull=True) == 2
    assert mailoutbox == []
