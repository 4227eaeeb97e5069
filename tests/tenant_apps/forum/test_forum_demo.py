from tenant_apps.forum import demo
from tenant_apps.forum.models import Category, Post, Report, Thread
from tenants.context import tenant_context


def test_demo_data_shows_every_feature_and_runs_once(alpha, alpha_owner, client_for):
    with tenant_context(alpha):
        demo.seed(organization=alpha, owner=alpha_owner)
        demo.seed(organization=alpha, owner=alpha_owner)  # a second run adds nothing
        assert Category.objects.count() == 5
        assert Thread.objects.filter(is_pinned=True).exists()
        assert Thread.objects.filter(is_locked=True).exists()
        assert Thread.objects.filter(accepted_post__isnull=False).exists()
        assert Thread.objects.filter(slow_mode_seconds__gt=0).exists()
        assert Report.objects.filter(resolved_at__isnull=True).exists()
        assert Post.objects.filter(is_approved=False).exists()
    assert client_for(alpha).get("/forum/").status_code == 200
