from forum_factories import make_reply, make_thread

from tenant_apps.forum.models import Post
from tenants.context import tenant_context


def test_thread_and_reply_are_created_and_searchable(alpha, poster, reader, general):
    thread = make_thread(alpha, poster, general, title="Bicycle repair", body="My chain squeaks")
    make_reply(alpha, reader, thread, body="Oil the chain")
    with tenant_context(alpha):
        thread.refresh_from_db()
        assert thread.reply_count == 1
        assert Post.objects.filter(search_vector="bicycle").count() == 1
        assert Post.objects.filter(search_vector="chain").count() == 2
