"""Pages of the forum. Views parse input, call one service or selector and render."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.errors import ApplicationError
from tenant_apps.forum import permissions as perms
from tenant_apps.forum import selectors, services
from tenant_apps.forum.forms import (
    CategoryForm,
    EditPostForm,
    ProfileForm,
    ReplyForm,
    ReportForm,
    SearchForm,
    SettingsForm,
    SuspendForm,
    ThreadForm,
    UploadForm,
)
from tenant_apps.forum.models import Category, Post, Report, Tag, Thread
from tenant_apps.members.models import Role
from tenant_apps.members.permissions import member_required, role_required

THREADS_PER_PAGE = 25
POSTS_PER_PAGE = 20


def _form_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _refuse(error: ApplicationError):
    if error.status_code == 403:
        raise PermissionDenied(error.message)
    return error.status_code


def _back(request, fallback: str):
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or fallback
    from django.utils.http import url_has_allowed_host_and_scheme

    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return redirect(target)


def _thread_or_404(request, thread_id: int) -> Thread:
    thread = selectors.thread_for(request.user, thread_id)
    if thread is None:
        raise Http404("No such thread.")
    return thread


def _post_or_404(request, post_id: int) -> Post:
    post = selectors.post_for(request.user, post_id)
    if post is None:
        raise Http404("No such post.")
    return post


def _sort(request) -> str:
    sort = request.GET.get("sort", "latest")
    return sort if sort in selectors.SORTS else "latest"


def _thread_page(request, queryset):
    page = Paginator(queryset, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    for thread in page:
        thread.is_unread = selectors.has_unread_flag(thread)
        thread.is_new_to_me = (
            request.user.is_authenticated and getattr(thread, "last_read_at", 1) is None
        )
    return page


# -- lists ---------------------------------------------------------------------------------


@require_GET
def index(request):
    sort = _sort(request)
    categories = selectors.categories_for(request.user)
    page = _thread_page(request, selectors.thread_list(request.user, sort=sort))
    return render(
        request,
        "forum/index.html",
        {
            "categories": categories,
            "page": page,
            "sort": sort,
            "can_post": perms.is_member(request.user),
            "is_admin": perms.is_admin(request.user),
        },
    )


@require_GET
def category(request, slug):
    row = selectors.category_by_slug(request.user, slug)
    if row is None:
        raise Http404("No such category.")
    sort = _sort(request)
    page = _thread_page(request, selectors.thread_list(request.user, category=row, sort=sort))
    return render(
        request,
        "forum/category.html",
        {
            "category": row,
            "page": page,
            "sort": sort,
            "can_start": perms.can_start_thread(request.user, row),
            "is_watching": selectors.is_watching(request.user, category=row),
        },
    )


@require_GET
def tags(request):
    return render(request, "forum/tags.html", {"tags": selectors.tags_in_use(request.user)})


@require_GET
def tag(request, slug):
    row = Tag.objects.filter(slug__iexact=slug).first()
    if row is None:
        raise Http404("No such tag.")
    sort = _sort(request)
    page = _thread_page(request, selectors.thread_list(request.user, tag=row, sort=sort))
    return render(request, "forum/tag.html", {"tag": row, "page": page, "sort": sort})


# -- threads -------------------------------------------------------------------------------


@member_required
def create_thread(request):
    allowed = [
        c.pk
        for c in selectors.readable_categories(request.user)
        if perms.can_start_thread(request.user, c)
    ]
    categories = Category.objects.filter(pk__in=allowed)
    initial = {}
    wanted = categories.filter(slug__iexact=request.GET.get("category", "")).first()
    if wanted:
        initial["category"] = wanted
    form = ThreadForm(request.POST or None, categories=categories, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                thread = services.create_thread(
                    author=request.user,
                    category=data["category"],
                    title=data["title"],
                    body=data["body"],
                    tags=services.parse_tag_text(data["tags"]),
                )
            except ValidationError as error:
                _form_errors(form, error)
            except ApplicationError as error:
                status = _refuse(error)
                form.add_error(None, error.message)
            else:
                if not thread.is_approved:
                    messages.info(
                        request,
                        "Thanks! A moderator will approve your thread before others see it.",
                    )
                return redirect(thread.get_absolute_url())
        status = 400 if status == 200 else status
    if not allowed:
        messages.info(request, "There is no category you can start a thread in yet.")
    return render(
        request,
        "forum/thread_form.html",
        {"form": form, "upload_form": UploadForm()},
        status=status,
    )


def _thread_context(request, thread: Thread, *, last_read_at=None) -> dict:
    posts = selectors.posts_of(request.user, thread)
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    edit_window = services.get_settings().edit_window_minutes
    marker_placed = False
    for post in page:
        post.can_edit = (
            perms.can_edit_post(request.user, post, edit_window_minutes=edit_window)
            if request.user.is_authenticated
            else False
        )
        post.can_delete = perms.can_delete_post(request.user, post)
        post.can_vote = perms.can_vote(request.user, post) and post.is_visible
        post.is_accepted = thread.accepted_post_id == post.pk
        post.is_first_new = False
        if last_read_at and not marker_placed and post.created_at > last_read_at:
            post.is_first_new = marker_placed = True
    return {
        "thread": thread,
        "page": page,
        "is_moderator": perms.is_moderator(request.user),
        "can_reply": perms.can_reply(request.user, thread),
        "can_accept": perms.can_accept_answer(request.user, thread),
        "allow_downvotes": services.get_settings().allow_downvotes,
        "mention_urls": services.mention_urls(post.body for post in page),
    }


@require_GET
def thread(request, thread_id):
    row = _thread_or_404(request, thread_id)
    if row.merged_into_id:
        return redirect(row.merged_into.get_absolute_url())
    last_read_at = services.mark_thread_read(user=request.user, thread=row)
    context = _thread_context(request, row, last_read_at=last_read_at)
    reply_form = ReplyForm(initial=_reply_initial(request, row))
    context.update(
        {
            "reply_form": reply_form,
            "upload_form": UploadForm(),
            "is_watching": selectors.is_watching(request.user, thread=row),
            "last_read_at": last_read_at,
            "move_targets": Category.objects.exclude(pk=row.category_id)
            if context["is_moderator"]
            else [],
            "reply_to_post": _reply_target(request, row),
        }
    )
    return render(request, "forum/thread.html", context)


@require_GET
def thread_posts(request, thread_id):
    """The posts fragment, refreshed by the live client when a reply arrives."""
    row = _thread_or_404(request, thread_id)
    return render(request, "forum/_posts.html", _thread_context(request, row))


def _reply_target(request, thread: Thread) -> Post | None:
    raw = request.GET.get("reply_to") or request.GET.get("quote")
    if not raw or not raw.isdigit():
        return None
    return (
        selectors.posts_of(request.user, thread)
        .filter(pk=int(raw), deleted_at__isnull=True)
        .first()
    )


def _reply_initial(request, thread: Thread) -> dict:
    target = _reply_target(request, thread)
    if target is None:
        return {}
    initial = {"reply_to": target.pk}
    if request.GET.get("quote") and target.is_visible:
        handle = getattr(getattr(target.author, "forum_profile", None), "handle", "")
        quoted = "\n".join(f"> {line}" for line in target.body.splitlines())
        initial["body"] = (f"> **@{handle}** wrote:\n>\n" if handle else "") + quoted + "\n\n"
    return initial


@member_required
@require_POST
def reply(request, thread_id):
    row = _thread_or_404(request, thread_id)
    form = ReplyForm(request.POST)
    status = 400
    if form.is_valid():
        reply_to = None
        if form.cleaned_data["reply_to"]:
            reply_to = Post.objects.filter(pk=form.cleaned_data["reply_to"], thread=row).first()
        try:
            post = services.create_reply(
                author=request.user, thread=row, body=form.cleaned_data["body"], reply_to=reply_to
            )
        except ValidationError as error:
            _form_errors(form, error)
        except ApplicationError as error:
            status = _refuse(error)
            form.add_error(None, error.message)
        else:
            if not post.is_approved:
                messages.info(
                    request, "Thanks! A moderator will approve your reply before others see it."
                )
            return redirect(post.get_absolute_url())
    context = _thread_context(request, row)
    context.update(
        {
            "reply_form": form,
            "upload_form": UploadForm(),
            "is_watching": selectors.is_watching(request.user, thread=row),
        }
    )
    return render(request, "forum/thread.html", context, status=status)


@member_required
@require_POST
def watch_thread(request, thread_id):
    row = _thread_or_404(request, thread_id)
    watching = request.POST.get("watching") == "1"
    try:
        services.set_watch(user=request.user, thread=row, watching=watching)
    except ApplicationError as error:
        _refuse(error)
    if request.htmx:
        return render(
            request,
            "forum/_watch.html",
            {"is_watching": watching, "url": reverse("forum:watch_thread", args=[row.pk])},
        )
    return redirect(row.get_absolute_url())


@member_required
@require_POST
def watch_category(request, slug):
    row = selectors.category_by_slug(request.user, slug)
    if row is None:
        raise Http404("No such category.")
    watching = request.POST.get("watching") == "1"
    try:
        services.set_watch(user=request.user, category=row, watching=watching)
    except ApplicationError as error:
        _refuse(error)
    if request.htmx:
        return render(
            request,
            "forum/_watch.html",
            {"is_watching": watching, "url": reverse("forum:watch_category", args=[row.slug])},
        )
    return redirect(row.get_absolute_url())


@member_required
@require_POST
def moderate_thread(request, thread_id):
    """Pin, lock, slow mode, move and merge, for moderators (one action a request)."""
    row = _thread_or_404(request, thread_id)
    if not perms.is_moderator(request.user):
        raise PermissionDenied("Only moderators can do this.")
    action = request.POST.get("action", "")
    try:
        if action in ("pin", "unpin"):
            services.set_thread_flags(
                acting_user=request.user, thread=row, is_pinned=action == "pin"
            )
        elif action in ("lock", "unlock"):
            services.set_thread_flags(
                acting_user=request.user, thread=row, is_locked=action == "lock"
            )
        elif action == "slow_mode":
            services.set_thread_flags(
                acting_user=request.user,
                thread=row,
                slow_mode_seconds=request.POST.get("slow_mode_seconds"),
            )
        elif action == "move":
            target = Category.objects.filter(pk=_int(request.POST.get("category"))).first()
            if target is None:
                raise ValidationError({"category": ["Choose a category."]})
            services.move_thread(acting_user=request.user, thread=row, category=target)
        elif action == "merge":
            target = Thread.objects.filter(
                pk=_int(request.POST.get("target")), deleted_at__isnull=True
            ).first()
            if target is None:
                raise ValidationError({"target": ["Enter the number of an existing thread."]})
            row = services.merge_threads(acting_user=request.user, source=row, target=target)
        else:
            raise ValidationError({"action": ["Unknown action."]})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(row.get_absolute_url())
    except ApplicationError as error:
        _refuse(error)
        messages.error(request, error.message)
    else:
        messages.success(request, "Done.")
    return redirect(row.get_absolute_url())


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@member_required
@require_POST
def accept(request, thread_id, post_id):
    row = _thread_or_404(request, thread_id)
    post = None if request.POST.get("clear") else get_object_or_404(Post, pk=post_id, thread=row)
    try:
        services.accept_answer(user=request.user, thread=row, post=post)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ApplicationError as error:
        _refuse(error)
        messages.error(request, error.message)
    return redirect(row.get_absolute_url())


# -- posts ---------------------------------------------------------------------------------


@require_GET
def post(request, post_id):
    row = _post_or_404(request, post_id)
    position = selectors.post_position(request.user, row)
    page = position // POSTS_PER_PAGE + 1
    url = row.thread.get_absolute_url() + (f"?page={page}" if page > 1 else "")
    return redirect(f"{url}#post-{row.pk}")


@member_required
def edit_post(request, post_id):
    row = _post_or_404(request, post_id)
    if not perms.can_edit_post(
        request.user, row, edit_window_minutes=services.get_settings().edit_window_minutes
    ):
        raise PermissionDenied("You cannot edit this post.")
    initial = {"body": row.body, "version": row.version}
    if row.is_opening:
        initial.update(title=row.thread.title, tags=" ".join(t.name for t in row.thread.tags.all()))
    form = EditPostForm(request.POST or None, initial=initial, is_opening=row.is_opening)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.edit_post(
                    user=request.user,
                    post=row,
                    body=data["body"],
                    version=data["version"],
                    title=data.get("title") if row.is_opening else None,
                    tags=services.parse_tag_text(data["tags"]) if row.is_opening else None,
                )
            except ValidationError as error:
                _form_errors(form, error)
            except ApplicationError as error:
                status = _refuse(error)
                form.add_error(None, error.message)
            else:
                messages.success(request, "Post saved.")
                return redirect(row.get_absolute_url())
    return render(
        request,
        "forum/post_form.html",
        {"form": form, "post": row, "upload_form": UploadForm()},
        status=status,
    )


@member_required
@require_POST
def delete_post(request, post_id):
    row = _post_or_404(request, post_id)
    try:
        services.delete_post(user=request.user, post=row)
    except ApplicationError as error:
        _refuse(error)
    messages.success(request, "Thread deleted." if row.is_opening else "Post deleted.")
    if row.is_opening:
        return redirect(row.thread.category.get_absolute_url())
    return redirect(row.get_absolute_url())


@role_required(Role.MODERATOR)
@require_POST
def restore_post(request, post_id):
    row = _post_or_404(request, post_id)
    services.restore_post(acting_user=request.user, post=row)
    messages.success(request, "Post restored.")
    return redirect(row.get_absolute_url())


@member_required
@require_POST
def vote(request, post_id):
    row = _post_or_404(request, post_id)
    status = 200
    error_message = ""
    try:
        row = services.vote(user=request.user, post=row, value=request.POST.get("value"))
    except ValidationError as error:
        status, error_message = 400, " ".join(error.messages)
        row.my_vote = _int(request.POST.get("current")) or 0
    except ApplicationError as error:
        status, error_message = _refuse(error), error.message
    if not request.htmx:
        if error_message:
            messages.error(request, error_message)
        return redirect(row.get_absolute_url())
    row.can_vote = True
    return render(
        request,
        "forum/_vote.html",
        {
            "post": row,
            "vote_error": error_message,
            "allow_downvotes": services.get_settings().allow_downvotes,
        },
        status=status,
    )


@member_required
def report_post(request, post_id):
    row = _post_or_404(request, post_id)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.report_post(reporter=request.user, post=row, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            except ApplicationError as error:
                status = _refuse(error)
                form.add_error(None, error.message)
            else:
                messages.success(request, "Thanks, the moderators will look at this post.")
                return redirect(row.get_absolute_url())
    return render(request, "forum/report_form.html", {"form": form, "post": row}, status=status)


@role_required(Role.MODERATOR)
@require_POST
def hide_post(request, post_id):
    row = _post_or_404(request, post_id)
    try:
        services.hide_post(
            acting_user=request.user,
            post=row,
            reason=request.POST.get("reason", "")[:300],
            hidden=request.POST.get("hidden", "1") == "1",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(row.get_absolute_url())


@role_required(Role.MODERATOR)
@require_POST
def approve_post(request, post_id):
    row = get_object_or_404(Post, pk=post_id)
    services.approve_post(
        acting_user=request.user, post=row, approve=request.POST.get("approve", "1") == "1"
    )
    messages.success(
        request, "Post approved." if request.POST.get("approve", "1") == "1" else "Post rejected."
    )
    return _back(request, reverse("forum:moderation"))


@require_GET
def post_history(request, post_id):
    row = _post_or_404(request, post_id)
    if (row.deleted_at or row.is_hidden) and not perms.is_moderator(request.user):
        raise Http404("No such post.")
    revisions = row.revisions.select_related("edited_by")
    return render(request, "forum/history.html", {"post": row, "revisions": revisions})


@member_required
@require_POST
def upload(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request, "forum/_upload.html", {"error": "Choose an image to upload."}, status=400
        )
    try:
        result = services.upload_image(user=request.user, file=form.cleaned_data["image"])
    except ValidationError as error:
        return render(
            request, "forum/_upload.html", {"error": " ".join(error.messages)}, status=400
        )
    except ApplicationError as error:
        _refuse(error)
        return render(
            request, "forum/_upload.html", {"error": error.message}, status=error.status_code
        )
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(result)
    return render(request, "forum/_upload.html", {"result": result})


# -- search --------------------------------------------------------------------------------


@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    page = None
    status = 200
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        filters = selectors.SearchFilters(
            q=data["q"].strip(), after=data["after"], before=data["before"]
        )
        if data["category"]:
            filters.category = selectors.category_by_slug(request.user, data["category"])
            if filters.category is None:
                form.add_error("category", "No such category.")
        if data["author"]:
            filters.author = selectors.profile_by_handle(data["author"].lstrip("@"))
            if filters.author is None:
                form.add_error("author", "Nobody has this handle.")
        if data["tag"]:
            filters.tag = Tag.objects.filter(slug__iexact=data["tag"]).first()
            if filters.tag is None:
                form.add_error("tag", "No such tag.")
        if data["after"] and data["before"] and data["after"] > data["before"]:
            form.add_error("before", "The end date comes before the start date.")
        if not form.errors:
            page = Paginator(selectors.search_posts(request.user, filters), 20).get_page(
                request.GET.get("page")
            )
            for row in page:
                row.snippet_html = selectors.snippet_html(row.snippet)
    if form.is_bound and form.errors:
        status = 400
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "forum/search.html",
        {
            "form": form,
            "page": page,
            "query_string": query.urlencode(),
            "categories": selectors.readable_categories(request.user),
        },
        status=status,
    )


# -- profiles ------------------------------------------------------------------------------


@require_GET
def profile(request, handle):
    row = selectors.profile_by_handle(handle)
    if row is None:
        raise Http404("Nobody has this handle.")
    return render(
        request,
        "forum/profile.html",
        {
            "profile": row,
            "recent": selectors.recent_posts_by(request.user, row.user_id),
            "is_suspended": bool(row.suspended_until and row.suspended_until > timezone.now()),
            "can_suspend": perms.is_moderator(request.user)
            and not perms.is_moderator(row.user)
            and row.user_id != request.user.pk,
        },
    )


@member_required
def edit_profile(request):
    current = services.profile_for(request.user)
    form = ProfileForm(
        request.POST or None,
        request.FILES or None,
        initial={"handle": current.handle, "bio": current.bio},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.update_profile(
                    user=request.user,
                    handle=form.cleaned_data["handle"],
                    bio=form.cleaned_data["bio"],
                    avatar=request.FILES.get("avatar"),
                    remove_avatar=form.cleaned_data["remove_avatar"],
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, "Profile saved.")
                return redirect("forum:profile", handle=form.cleaned_data["handle"])
    return render(
        request, "forum/profile_form.html", {"form": form, "profile": current}, status=status
    )


@role_required(Role.MODERATOR)
def suspend(request, handle):
    row = selectors.profile_by_handle(handle)
    if row is None:
        raise Http404("Nobody has this handle.")
    form = SuspendForm(request.POST or None, initial={"days": 7, "reason": row.suspension_reason})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            days = form.cleaned_data["days"]
            until = timezone.now() + timedelta(days=days) if days else None
            try:
                services.suspend_member(
                    acting_user=request.user,
                    user=row.user,
                    until=until,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _form_errors(form, error)
            except ApplicationError as error:
                status = _refuse(error)
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    f"@{row.handle} suspended." if until else f"@{row.handle} may post again.",
                )
                return redirect("forum:profile", handle=row.handle)
    return render(request, "forum/suspend.html", {"form": form, "profile": row}, status=status)


# -- moderation and settings ---------------------------------------------------------------


@role_required(Role.MODERATOR)
@require_GET
def moderation(request):
    queue = selectors.moderation_queue()
    return render(
        request,
        "forum/moderation.html",
        {
            "reports": queue["reports"],
            "pending": queue["pending"],
            "suspended": selectors.suspended_profiles(),
        },
    )


@role_required(Role.MODERATOR)
@require_POST
def resolve_report(request, report_id):
    report = get_object_or_404(Report, pk=report_id)
    services.resolve_report(
        acting_user=request.user, report=report, hide=request.POST.get("hide") == "1"
    )
    messages.success(request, "Report closed.")
    return redirect("forum:moderation")


@role_required(Role.ADMIN)
def settings_page(request):
    current = services.get_settings()
    form = SettingsForm(
        request.POST or None,
        initial={
            "approve_first_posts": current.approve_first_posts,
            "allow_downvotes": current.allow_downvotes,
            "edit_window_minutes": current.edit_window_minutes,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.update_settings(acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, "Forum settings saved.")
                return redirect("forum:settings")
    return render(request, "forum/settings.html", {"form": form}, status=status)


@role_required(Role.ADMIN)
@require_GET
def manage_categories(request):
    return render(
        request, "forum/categories.html", {"categories": selectors.categories_for(request.user)}
    )


@role_required(Role.ADMIN)
def category_form(request, category_id=None):
    instance = get_object_or_404(Category, pk=category_id) if category_id else None
    initial = {}
    if instance:
        initial = {
            f: getattr(instance, f)
            for f in ("name", "slug", "description", "kind", "visibility", "posting", "position")
        }
        initial["parent"] = instance.parent
    form = CategoryForm(request.POST or None, initial=initial, instance=instance)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if instance:
                    services.update_category(
                        acting_user=request.user, category=instance, **form.cleaned_data
                    )
                else:
                    services.create_category(acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, "Category saved.")
                return redirect("forum:manage_categories")
    return render(
        request, "forum/category_form.html", {"form": form, "category": instance}, status=status
    )


@role_required(Role.ADMIN)
@require_POST
def delete_category(request, category_id):
    row = get_object_or_404(Category, pk=category_id)
    try:
        services.delete_category(acting_user=request.user, category=row)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Category deleted.")
    return redirect("forum:manage_categories")
