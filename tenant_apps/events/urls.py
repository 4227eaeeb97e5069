from django.urls import path

from tenant_apps.events import views

app_name = "events"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("calendar.ics", views.calendar_feed, name="calendar"),
    path("my-tickets/", views.my_tickets, name="my_tickets"),
    path("settings/", views.settings_page, name="settings"),
    path("orders/<str:token>/", views.order_page, name="order"),
    path("orders/<str:token>/tickets/<str:code>/qr.svg", views.ticket_qr, name="ticket_qr"),
    path("orders/<str:token>/tickets/<str:code>/pdf/", views.ticket_pdf, name="ticket_pdf"),
    path("waitlist/<str:token>/", views.claim_offer, name="claim"),
    path("<int:event_id>/", views.detail, name="detail"),
    path("<int:event_id>/register/", views.register, name="register"),
    path("<int:event_id>/waitlist/", views.join_waitlist, name="join_waitlist"),
    path("<int:event_id>/event.ics", views.event_ics, name="event_ics"),
    path("<int:event_id>/edit/", views.edit, name="edit"),
    path("<int:event_id>/delete/", views.delete, name="delete"),
    path("<int:event_id>/cancel/", views.cancel_event, name="cancel"),
    path("<int:event_id>/ticket-types/new/", views.type_create, name="type_create"),
    path("<int:event_id>/ticket-types/<int:type_id>/edit/", views.type_edit, name="type_edit"),
    path(
        "<int:event_id>/ticket-types/<int:type_id>/delete/", views.type_delete, name="type_delete"
    ),
    path("<int:event_id>/dashboard/", views.dashboard, name="dashboard"),
    path("<int:event_id>/attendees/", views.attendees, name="attendees"),
    path("<int:event_id>/attendees.csv", views.attendees_csv, name="attendees_csv"),
    path(
        "<int:event_id>/tickets/<int:ticket_id>/cancel/",
        views.cancel_ticket,
        name="cancel_ticket",
    ),
    path("<int:event_id>/orders/<int:order_id>/paid/", views.mark_paid, name="mark_paid"),
    path("<int:event_id>/check-in/", views.check_in, name="check_in"),
    path("<int:event_id>/check-in/counts/", views.checkin_counts, name="checkin_counts"),
]
