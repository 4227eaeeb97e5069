from django.urls import path

from tenant_apps.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.project_create, name="project_create"),
    path("my/", views.my_tasks, name="my_tasks"),
    path("deleted/", views.trash, name="trash"),
    path("settings/", views.settings_page, name="settings"),
    path("teams/", views.teams, name="teams"),
    path("teams/new/", views.team_edit, name="team_create"),
    path("teams/<int:team_id>/", views.team_edit, name="team_edit"),
    path("teams/<int:team_id>/delete/", views.team_delete, name="team_delete"),
    path("filters/save/", views.filter_save, name="filter_save"),
    path("filters/<int:filter_id>/", views.filter_open, name="filter_open"),
    path("filters/<int:filter_id>/delete/", views.filter_delete, name="filter_delete"),
    path("calendar-feed/", views.feed, name="feed"),
    path("calendar-feed/<str:token>.ics", views.feed_ics, name="feed_ics"),
    path("p/<int:project_id>/", views.board, name="board"),
    path("p/<int:project_id>/list/", views.task_list, name="list"),
    path("p/<int:project_id>/calendar/", views.task_calendar, name="calendar"),
    path("p/<int:project_id>/settings/", views.project_settings, name="project_settings"),
    path("p/<int:project_id>/delete/", views.project_delete, name="project_delete"),
    path("p/<int:project_id>/restore/", views.project_restore, name="project_restore"),
    path("p/<int:project_id>/members/", views.member_add, name="member_add"),
    path(
        "p/<int:project_id>/members/<int:user_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("p/<int:project_id>/columns/", views.column_add, name="column_add"),
    path("p/<int:project_id>/columns/<int:column_id>/", views.column_edit, name="column_edit"),
    path("p/<int:project_id>/columns/<int:column_id>/move/", views.column_move, name="column_move"),
    path(
        "p/<int:project_id>/columns/<int:column_id>/delete/",
        views.column_delete,
        name="column_delete",
    ),
    path("p/<int:project_id>/labels/", views.label_add, name="label_add"),
    path(
        "p/<int:project_id>/labels/<int:label_id>/delete/", views.label_delete, name="label_delete"
    ),
    path("p/<int:project_id>/tasks/new/", views.task_create, name="task_create"),
    path("t/<int:task_id>/", views.task_detail, name="task"),
    path("t/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path("t/<int:task_id>/move/", views.task_move, name="task_move"),
    path("t/<int:task_id>/step/", views.task_step, name="task_step"),
    path("t/<int:task_id>/complete/", views.task_complete, name="task_complete"),
    path("t/<int:task_id>/delete/", views.task_delete, name="task_delete"),
    path("t/<int:task_id>/watch/", views.task_watch, name="task_watch"),
    path("t/<int:task_id>/repeat/", views.recurrence_set, name="recurrence"),
    path("t/<int:task_id>/checklist/", views.checklist_add, name="checklist_add"),
    path(
        "t/<int:task_id>/checklist/<int:item_id>/", views.checklist_toggle, name="checklist_toggle"
    ),
    path(
        "t/<int:task_id>/checklist/<int:item_id>/delete/",
        views.checklist_delete,
        name="checklist_delete",
    ),
    path("t/<int:task_id>/comments/", views.comment_add, name="comment_add"),
    path(
        "t/<int:task_id>/comments/<int:comment_id>/delete/",
        views.comment_delete,
        name="comment_delete",
    ),
    path("t/<int:task_id>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "t/<int:task_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "t/<int:task_id>/attachments/<int:attachment_id>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
]
