"""The task board in a real browser: a card dragged across columns, then moved with the
keyboard buttons, and the order persisted."""

from tests.e2e.conftest import assert_accessible, screenshot


def test_a_member_drags_a_task_across_the_board(page, url, django_db_blocker):
    from shared_apps.accounts.models import User
    from tenant_apps.tasks import services
    from tenant_apps.tasks.models import Project, Task
    from tenants.context import tenant_context
    from tenants.models import Organization
    from tests.conftest import TenantClient

    with django_db_blocker.unblock():
        alpha = Organization.objects.get(schema_name="alpha")
        with tenant_context(alpha):
            owner = User.objects.get(email="owner@alpha.test")
            project = services.create_project(user=owner, name="Browser board")
            _todo, doing, _done = list(project.columns.order_by("position"))
            first = services.create_task(user=owner, project=project, title="Write the copy")
            services.create_task(user=owner, project=project, title="Pick the photos")
        client = TenantClient(alpha)
        client.force_login(owner)
        session = client.cookies["sessionid"].value
    try:
        page.context.add_cookies(
            [{"name": "sessionid", "value": session, "url": url("alpha", "/")}]
        )
        page.goto(url("alpha", f"/tasks/p/{project.pk}/"))
        page.get_by_role("heading", name="Browser board").wait_for()
        assert_accessible(page)
        screenshot(page, "tasks", "1-board")

        card = page.locator(f'.task-card[data-task="{first.pk}"]')
        card.drag_to(page.locator(f'.board__cards[data-column="{doing.pk}"]'))
        page.get_by_text("Moved to In progress.").wait_for(state="attached")
        page.locator(
            f'.board__cards[data-column="{doing.pk}"] .task-card[data-task="{first.pk}"]'
        ).wait_for()
        with django_db_blocker.unblock(), tenant_context(alpha):
            assert Task.objects.get(pk=first.pk).column_id == doing.pk
        screenshot(page, "tasks", "2-dragged")

        # The keyboard alternative: the card's "next column" button, pressed with Enter.
        page.get_by_role("button", name=f"Move #{first.number} to the next column").focus()
        page.keyboard.press("Enter")
        page.locator(
            f'.board__cards[data-column="{_done.pk}"] .task-card[data-task="{first.pk}"]'
        ).wait_for()
        with django_db_blocker.unblock(), tenant_context(alpha):
            moved = Task.objects.get(pk=first.pk)
            assert moved.column_id == _done.pk and moved.completed_at is not None
        page.reload()
        page.locator(
            f'.board__cards[data-column="{_done.pk}"] .task-card[data-task="{first.pk}"]'
        ).wait_for()
        assert_accessible(page)
        screenshot(page, "tasks", "3-done")

        # The task's own page: checklist ticked in place (htmx), history of the moves.
        page.get_by_role("link", name=f"#{first.number} Write the copy").click()
        page.get_by_role("heading", name=f"#{first.number} Write the copy").wait_for()
        page.get_by_label("New item").fill("Proofread")
        page.get_by_role("button", name="Add", exact=True).click()
        page.get_by_role("button", name="Check Proofread").click()
        page.get_by_text("1 of 1 done").wait_for()
        assert page.get_by_text("moved it from To do to In progress").is_visible()
        assert_accessible(page)
        screenshot(page, "tasks", "4-task")
    finally:
        with django_db_blocker.unblock(), tenant_context(alpha):
            Project.objects.filter(pk=project.pk).delete()
