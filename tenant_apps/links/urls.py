from django.urls import path

from tenant_apps.links import views

app_name = "links"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("analytics/", views.analytics, name="analytics"),
    path("analytics/clicks.csv", views.export_clicks, name="export_all"),
    path("settings/", views.settings_page, name="settings"),
    path("tags/", views.tags, name="tags"),
    path("<int:link_id>/", views.detail, name="detail"),
    path("<int:link_id>/edit/", views.edit, name="edit"),
    path("<int:link_id>/delete/", views.delete, name="delete"),
    path("<int:link_id>/qr.<str:kind>", views.qr_code, name="qr"),
    path("<int:link_id>/clicks.csv", views.export_clicks, name="export"),
    path("bookmarks/", views.bookmarks, name="bookmarks"),
    path("bookmarks/new/", views.bookmark_create, name="bookmark_create"),
    path("bookmarks/import/", views.bookmark_import, name="bookmark_import"),
    path("bookmarks/export/", views.bookmark_export, name="bookmark_export"),
    path("bookmarks/<int:bookmark_id>/edit/", views.bookmark_edit, name="bookmark_edit"),
    path("bookmarks/<int:bookmark_id>/delete/", views.bookmark_delete, name="bookmark_delete"),
    path("ping/", views.ping, name="ping"),
]
