"""Error pages for both kinds of host."""

from django.shortcuts import render


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def server_error(request):
    # Rendered without context processors: the error may come from them.
    from django.http import HttpResponseServerError
    from django.template.loader import render_to_string

    return HttpResponseServerError(render_to_string("errors/500.html"))


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def tenant_home(request):
    return render(request, "tenant/home.html")
