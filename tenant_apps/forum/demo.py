"""Demo data for the `make run` demo sites: categories (one Q&A, one sub-category, one for
staff), threads with replies, quotes, mentions, votes, an accepted answer, tags, a pinned and a
locked thread, a report in the moderation queue, a post waiting for approval and a suspension."""

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from core.demo import demo_data
from tenant_apps.forum import services
from tenant_apps.forum.models import Category, ForumSettings


def _member(organization, email, name, role="member"):
    from django.contrib.auth import get_user_model

    from shared_apps.accounts.services import create_account
    from tenant_apps.members.models import Member

    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        user = create_account(email=email, password=None, verified=True)
        user.name = name
        user.save(update_fields=["name"])
    Member.objects.get_or_create(user=user, defaults={"role": role})
    return user


@demo_data
def seed(*, organization, owner) -> None:
    if Category.objects.exists():
        return
    domain = f"{organization.schema_name}.example"
    ada = _member(organization, f"ada@{domain}", "Ada Park")
    ben = _member(organization, f"ben@{domain}", "Ben Ortiz")
    mod = _member(organization, f"mira@{domain}", "Mira Moderator", role="moderator")
    newbie = _member(organization, f"nia@{domain}", "Nia New")
    for user in (owner, ada, ben, mod, newbie):
        services.profile_for(user)

    general = services.create_category(
        acting_user=owner, name="General", description="Anything about our community."
    )
    events = services.create_category(
        acting_user=owner,
        name="Meetups",
        parent=general,
        description="Plans for meeting in person.",
    )
    help_ = services.create_category(
        acting_user=owner,
        name="Help",
        kind=Category.Kind.QUESTIONS,
        description="Ask a question; accept the answer that solved it.",
    )
    news = services.create_category(
        acting_user=owner,
        name="Announcements",
        posting=Category.Posting.REPLY_ONLY,
        description="News from the organisers.",
    )
    services.create_category(
        acting_user=owner,
        name="Moderators' room",
        visibility=Category.Visibility.STAFF,
        description="Only moderators and admins see this.",
    )

    welcome = services.create_thread(
        author=owner,
        category=news,
        title="Welcome to the forum!",
        tags=["welcome"],
        body=(
            "Hello everyone 👋\n\nIntroduce yourself below. **Markdown** works, `code` too, "
            "and you can mention people with @handles."
        ),
    )
    services.set_thread_flags(acting_user=mod, thread=welcome, is_pinned=True)
    ada_profile = services.profile_for(ada)
    hello = services.create_reply(
        author=ada, thread=welcome, body="Hi! I'm Ada, I mostly fix bikes. 🚲"
    )
    services.create_reply(
        author=ben,
        thread=welcome,
        body=(
            f"> Hi! I'm Ada, I mostly fix bikes.\n\n"
            f"@{ada_profile.handle} I have a squeaky chain for you!"
        ),
        reply_to=hello,
    )
    for voter in (ben, mod, owner):
        services.vote(user=voter, post=hello, value=1)

    question = services.create_thread(
        author=ben,
        category=help_,
        title="How do I format code in a post?",
        tags=["markdown", "help"],
        body="I want to share a Python snippet. How?",
    )
    answer = services.create_reply(
        author=ada, thread=question, body='Use a fenced block:\n\n```python\nprint("hello")\n```'
    )
    services.create_reply(
        author=mod, thread=question, body="Also see the help text under the reply box."
    )
    services.vote(user=ben, post=answer, value=1)
    services.accept_answer(user=ben, thread=question, post=answer)

    meetup = services.create_thread(
        author=ada,
        category=events,
        title="Saturday ride in the park",
        tags=["meetup"],
        body="Who is in for 10:00 at the north gate?",
    )
    services.create_reply(author=ben, thread=meetup, body="Count me in.")
    services.set_thread_flags(acting_user=mod, thread=meetup, slow_mode_seconds=30)

    old = services.create_thread(
        author=ben, category=general, title="Old poll: best snack", body="Crisps or fruit?"
    )
    spam = services.create_reply(
        author=newbie, thread=old, body="Buy cheap watches at example.com!!!"
    )
    services.set_thread_flags(acting_user=mod, thread=old, is_locked=True)
    services.report_post(reporter=ada, post=spam, reason="spam")

    services.create_thread(
        author=ada,
        category=general,
        title="Unanswered: favourite repair tools?",
        tags=["tools"],
        body="What is in your toolbox?",
    )

    ForumSettings.objects.update_or_create(id=1, defaults={"approve_first_posts": 1})
    cache.delete(services.SETTINGS_CACHE_KEY)
    services.create_reply(
        author=_member(organization, f"otto@{domain}", "Otto Fresh"),
        thread=welcome,
        body="Hello, I am new here!",
    )
    services.suspend_member(
        acting_user=mod, user=newbie, until=timezone.now() + timedelta(days=7), reason="Spam"
    )
