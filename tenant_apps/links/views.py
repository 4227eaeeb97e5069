"""Pages of the links app. Views parse input, call one service or selector and render."""

import csv
import io
import time

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import PaymentRequired
from shared_apps.billing import entitlements
from tenant_apps.links import selectors, services
from tenant_apps.links.forms import (
    BookmarkForm,
    BulkTagForm,
    ImportForm,
    LinkPasswordForm,
    SettingsForm,
    ShortLinkEditForm,
    ShortLinkForm,
    TagRenameForm,
)
from tenant_apps.links.models import Bookmark, ShortLink, Tag
from tenant_apps.members.models import Role
from tenant_apps.members.permissions import member_required, role_required
from tenant_apps.members.selectors import has_role
from tenants.context import current_organization

PAGE_SIZE = 25


def _form_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _short_url(request, link: ShortLink) -> str:
    return request.build_absolute_uri(f"/{link.code}")


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# -- short links ---------------------------------------------------------------------------


@member_required
def index(request):
    query = request.GET.get("q", "").strip()[:200]
    tag = request.GET.get("tag", "").strip()[:50]
    page = _page(request, selectors.short_links(query=query, tag=tag))
    for link in page:
        link.short_url = _short_url(request, link)
        link.can_manage = services.can_manage_link(request.user, link)
    return render(
        request,
        "links/index.html",
        {
            "page": page,
            "query": query,
            "tag": tag,
            "can_create": services.can_create_links(request.user),
            "is_admin": has_role(request.user, Role.ADMIN),
        },
    )


@member_required
def create(request):
    if not services.can_create_links(request.user):
        raise PermissionDenied("Only moderators and admins can create short links on this site.")
    form = ShortLinkForm(
        request.POST or None,
        initial={"redirect_type": services.get_settings().default_redirect_type,
                 "target_url": request.GET.get("url", "")[:2048]},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link = services.create_short_link(
                organization=current_organization(),
                user=request.user,
                target_url=data["target_url"],
                alias=data["alias"],
                title=data["title"],
                tags=services.parse_tag_text(data["tags"]),
                expires_at=data["expires_at"],
                max_clicks=data["max_clicks"],
                password=data["password"],
                redirect_type=data["redirect_type"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        except PaymentRequired as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Short link {_short_url(request, link)} created.")
            return redirect("links:detail", link_id=link.pk)
    return render(request, "links/form.html", {"form": form, "title": "New short link"})


@member_required
def detail(request, link_id):
    link = get_object_or_404(ShortLink.objects.prefetch_related("tags"), pk=link_id)
    stats = selectors.click_stats(link=link, days=30)
    return render(
        request,
        "links/detail.html",
        {
            "link": link,
            "short_url": _short_url(request, link),
            "stats": stats,
            "bars": stats.chart(),
            "can_manage": services.can_manage_link(request.user, link),
            "pending": services.buffered_click_count(),
        },
    )


@member_required
def edit(request, link_id):
    link = get_object_or_404(ShortLink.objects.prefetch_related("tags"), pk=link_id)
    if not services.can_manage_link(request.user, link):
        raise PermissionDenied("You cannot change this link.")
    form = ShortLinkEditForm(
        request.POST or None,
        initial={
            "target_url": link.target_url,
            "title": link.title,
            "tags": " ".join(tag.name for tag in link.tags.all()),
            "redirect_type": link.redirect_type,
            "expires_at": link.expires_at,
            "max_clicks": link.max_clicks,
            "is_enabled": link.is_enabled,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = "" if data["remove_password"] else (data["password"] or None)
        try:
            services.update_short_link(
                organization=current_organization(),
                user=request.user,
                link=link,
                target_url=data["target_url"],
                title=data["title"],
                tags=services.parse_tag_text(data["tags"]),
                expires_at=data["expires_at"],
                max_clicks=data["max_clicks"],
                password=password,
                redirect_type=data["redirect_type"],
                is_enabled=data["is_enabled"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Link saved.")
            return redirect("links:detail", link_id=link.pk)
    return render(
        request, "links/form.html", {"form": form, "title": f"Edit /{link.code}", "link": link}
    )


@member_required
@require_POST
def delete(request, link_id):
    link = get_object_or_404(ShortLink, pk=link_id)
    services.delete_short_link(user=request.user, link=link)
    messages.success(request, f"Short link /{link.code} deleted.")
    return redirect("links:index")


@member_required
def qr_code(request, link_id, kind):
    if kind not in ("png", "svg"):
        raise Http404("QR codes come as PNG or SVG.")
    link = get_object_or_404(ShortLink, pk=link_id)
    qr = segno.make(_short_url(request, link), error="m")
    buffer = io.BytesIO()
    if kind == "svg":
        qr.save(buffer, kind="svg", scale=6, border=2, title=f"QR code for /{link.code}")
        content_type = "image/svg+xml"
    else:
        qr.save(buffer, kind="png", scale=8, border=2)
        content_type = "image/png"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{link.code}.{kind}"'
    return response


@member_required
def analytics(request):
    stats = selectors.click_stats(days=30)
    top = selectors.short_links().order_by("-click_count")[:10]
    return render(
        request, "links/analytics.html", {"stats": stats, "bars": stats.chart(), "top": top}
    )


@member_required
def export_clicks(request, link_id=None):
    link = get_object_or_404(ShortLink, pk=link_id) if link_id else None
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["link", "clicked_at", "visitor", "referrer", "browser", "os", "device"])
    for click in selectors.clicks_for_export(link=link):
        writer.writerow(
            [click.link.code, click.clicked_at.isoformat(), click.visitor,
             click.referrer_host, click.browser, click.os, click.device]
        )  # fmt: skip
    name = f"clicks-{link.code}.csv" if link else "clicks.csv"
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(Role.ADMIN)
def settings_page(request):
    current = services.get_settings()
    form = SettingsForm(
        request.POST or None,
        initial={
            "default_redirect_type": current.default_redirect_type,
            "members_may_create_links": current.members_may_create_links,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Link settings saved.")
            return redirect("links:settings")
    return render(request, "links/settings.html", {"form": form})


# -- the redirect (hot path) ---------------------------------------------------------------


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def follow(request, code):
    """Answer /<code>: redirect at once; the click goes to a Redis buffer, not the database."""
    organization = current_organization()
    if organization is None or not (
        organization.has_feature("links") and entitlements.feature_allowed(organization, "links")
    ):
        raise Http404
    data = services.link_for_redirect(code)
    if data is None:
        raise Http404("No short link with this address.")
    if not data["enabled"]:
        return render(request, "links/unavailable.html", {"reason": "disabled"}, status=410)
    if data["expires"] is not None and data["expires"] <= time.time():
        return render(request, "links/unavailable.html", {"reason": "expired"}, status=410)
    if data["password"]:
        form = LinkPasswordForm(request.POST or None)
        posted = request.method == "POST" and form.is_valid()
        if not (
            posted
            and services.check_link_password(data=data, password=form.cleaned_data["password"])
        ):
            if posted:
                form.add_error("password", "That password is not right.")
            status = 403 if request.method == "POST" else 200
            return render(
                request, "links/password.html", {"form": form, "code": data["code"]}, status=status
            )
    if not services.claim_click(data=data):
        return render(request, "links/unavailable.html", {"reason": "used_up"}, status=410)
    services.buffer_click(
        link_id=data["id"],
        ip=_client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        referrer=request.META.get("HTTP_REFERER", ""),
    )
    response = HttpResponse(status=data["status"])
    response["Location"] = data["target"]
    response["Cache-Control"] = "private, no-store"  # so every visit is counted
    return response


def ping(request):
    """The trivial view the redirect benchmark compares against."""
    return HttpResponse("ok", content_type="text/plain")


# -- bookmarks -----------------------------------------------------------------------------


@member_required
def bookmarks(request):
    query = request.GET.get("q", "").strip()[:200]
    tag = request.GET.get("tag", "").strip()[:50]
    state = request.GET.get("state", "")
    scope = "shared" if request.GET.get("scope") == "shared" else "mine"
    page = _page(
        request,
        selectors.bookmarks_for(user=request.user, query=query, tag=tag, state=state, scope=scope),
    )
    bulk_form = BulkTagForm()
    if request.method == "POST":
        bulk_form = BulkTagForm(request.POST)
        if bulk_form.is_valid():
            ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
            try:
                count = services.bulk_edit_tags(
                    user=request.user,
                    bookmark_ids=ids,
                    add=services.parse_tag_text(bulk_form.cleaned_data["add"]),
                    remove=services.parse_tag_text(bulk_form.cleaned_data["remove"]),
                )
            except ValidationError as error:
                _form_errors(bulk_form, error)
            else:
                messages.success(request, f"Tags updated on {count} bookmarks.")
                return redirect(request.get_full_path())
    bookmarklet = (
        "javascript:(function(){location.href='"
        + request.build_absolute_uri(reverse("links:bookmark_create"))
        + "?url='+encodeURIComponent(location.href)"
        + "+'&title='+encodeURIComponent(document.title);})();"
    )
    return render(
        request,
        "links/bookmarks.html",
        {"page": page, "query": query, "tag": tag, "state": state, "scope": scope,
         "bulk_form": bulk_form, "bookmarklet": bookmarklet},
    )  # fmt: skip


def _bookmark_form_view(request, bookmark=None):
    if bookmark is None:
        initial = {
            "url": request.GET.get("url", "")[:2048],
            "title": request.GET.get("title", "")[:300],
        }
    else:
        initial = {
            "url": bookmark.url, "title": bookmark.title, "description": bookmark.description,
            "notes": bookmark.notes, "tags": " ".join(t.name for t in bookmark.tags.all()),
            "is_unread": bookmark.is_unread, "is_archived": bookmark.is_archived,
            "is_shared": bookmark.is_shared,
        }  # fmt: skip
    form = BookmarkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["tags"] = services.parse_tag_text(data["tags"])
        try:
            services.save_bookmark(user=request.user, bookmark=bookmark, **data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Bookmark saved.")
            return redirect("links:bookmarks")
    title = "Save a bookmark" if bookmark is None else "Edit bookmark"
    return render(
        request, "links/bookmark_form.html", {"form": form, "title": title, "bookmark": bookmark}
    )


@member_required
def bookmark_create(request):
    return _bookmark_form_view(request)


@member_required
def bookmark_edit(request, bookmark_id):
    bookmark = get_object_or_404(
        Bookmark.objects.prefetch_related("tags"), pk=bookmark_id, owner=request.user
    )
    return _bookmark_form_view(request, bookmark)


@member_required
@require_POST
def bookmark_delete(request, bookmark_id):
    bookmark = get_object_or_404(Bookmark, pk=bookmark_id, owner=request.user)
    services.delete_bookmark(user=request.user, bookmark=bookmark)
    messages.success(request, "Bookmark deleted.")
    return redirect("links:bookmarks")


@member_required
def bookmark_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_IMPORT_BYTES:
            form.add_error("file", "The file is too large (at most 5 MB).")
        else:
            html = upload.read().decode("utf-8", errors="replace")
            try:
                result = services.import_bookmarks(user=request.user, html=html)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Imported {result['created']} bookmarks ({result['updated']} already saved, "
                    f"{result['skipped']} skipped).",
                )
                return redirect("links:bookmarks")
    return render(request, "links/import.html", {"form": form})


@member_required
def bookmark_export(request):
    response = HttpResponse(
        services.export_bookmarks(user=request.user), content_type="text/html; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="bookmarks.html"'
    return response


@member_required
def tags(request):
    all_tags = selectors.tags_with_counts()
    can_manage = has_role(request.user, Role.MODERATOR)
    errors = {}
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only moderators and admins can manage tags.")
        tag = get_object_or_404(
            Tag, pk=request.POST.get("tag") if str(request.POST.get("tag", "")).isdigit() else 0
        )
        form = TagRenameForm(request.POST)
        if form.is_valid():
            try:
                result = services.rename_tag(
                    user=request.user, tag=tag, name=form.cleaned_data["name"]
                )
            except ValidationError as error:
                errors[tag.pk] = error.messages
            else:
                messages.success(request, f"Tag saved as “{result.name}”.")
                return redirect("links:tags")
        else:
            errors[tag.pk] = ["Enter a tag name of at most 50 characters."]
    return render(
        request, "links/tags.html", {"tags": all_tags, "can_manage": can_manage, "errors": errors}
    )
