from django.urls import path

from tenant_apps.console import views

app_name = "console"
urlpatterns = [
    path("", views.index, name="index"),
    path("members/", views.members_view, name="members"),
    path("members/<int:user_id>/role/", views.change_role, name="change_role"),
    path("members/<int:user_id>/active/", views.set_active, name="set_active"),
    path("members/<int:user_id>/remove/", views.remove, name="remove"),
    path("invitations/<int:invitation_id>/resend/", views.resend, name="resend_invitation"),
    path("invitations/<int:invitation_id>/revoke/", views.revoke, name="revoke_invitation"),
    path("join-policy/", views.join_policy, name="join_policy"),
    path("audit/", views.audit_log, name="audit"),
    path("features/", views.features, name="features"),
    path("export/", views.export_view, name="export"),
    path("export/<int:job_id>/progress/", views.export_progress, name="export_progress"),
    path("export/<int:job_id>/download/", views.export_download, name="export_download"),
    path("delete/", views.delete_view, name="delete"),
    path("usage/", views.usage_view, name="usage"),
    path("domains/", views.domains_view, name="domains"),
    path("domains/<int:domain_id>/verify/", views.verify_domain, name="verify_domain"),
    path("domains/<int:domain_id>/primary/", views.primary_domain, name="primary_domain"),
    path("domains/<int:domain_id>/remove/", views.remove_domain, name="remove_domain"),
    path("branding/", views.branding_view, name="branding"),
    path("branding/<int:version>.css", views.branding_css, name="branding_css"),
    path("branding/logo/<int:version>/", views.logo, name="logo"),
]
