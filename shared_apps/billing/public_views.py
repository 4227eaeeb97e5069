"""The Stripe webhook on the public host."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shared_apps.billing.webhooks import BadWebhook, record_event, verify_event


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = verify_event(
            payload=request.body, signature=request.headers.get("Stripe-Signature")
        )
    except BadWebhook as error:
        return JsonResponse({"error": {"code": "bad_signature", "message": str(error)}}, status=400)
    stored = record_event(event=event)
    return HttpResponse("ok" if stored else "already received", content_type="text/plain")
