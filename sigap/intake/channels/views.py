"""``/channels/<channel>/webhook``: verify, store (encrypted, idempotent), acknowledge, then process."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sigap.core.errors import DomainError

from ..inbox import inbound_accept
from .registry import adapter_get

log = logging.getLogger(__name__)


def _error(exc: DomainError) -> JsonResponse:
    return JsonResponse(exc.as_dict(), status=exc.status)


@csrf_exempt
def webhook_view(request, channel: str):
    try:
        adapter = adapter_get(channel)
        if request.method == "GET":
            response = adapter.handshake(request)
            if response is None:
                return JsonResponse(
                    {"code": "method_not_allowed", "message": "Gunakan POST.", "message_en": "Use POST."}, status=405
                )
            return response
        if request.method != "POST":
            return JsonResponse(
                {"code": "method_not_allowed", "message": "Gunakan POST.", "message_en": "Use POST."}, status=405
            )
        try:
            length = int(request.headers.get("Content-Length") or 0)
        except ValueError:  # a 500 before (a review): a production server refuses it first, a test server did not
            return JsonResponse(
                {
                    "code": "bad_content_length",
                    "message": "Content-Length tidak valid.",
                    "message_en": "Invalid Content-Length.",
                },
                status=400,
            )
        if length > settings.SIGAP_WEBHOOK_MAX_BYTES:
            return JsonResponse(
                {
                    "code": "payload_too_large",
                    "message": "Data webhook terlalu besar.",
                    "message_en": "Webhook payload too large.",
                },
                status=413,
            )
        body = request.body
        if len(body) > settings.SIGAP_WEBHOOK_MAX_BYTES:
            return JsonResponse(
                {
                    "code": "payload_too_large",
                    "message": "Data webhook terlalu besar.",
                    "message_en": "Webhook payload too large.",
                },
                status=413,
            )
        adapter.verify(request, body)
        inbounds = adapter.parse(request, body)
        took_any = getattr(adapter, "took_any", None)
        accepted = inbound_accept(adapter.name, inbounds, others_taken=bool(took_any and took_any()))
    except DomainError as exc:
        log.info("webhook %s refused: %s", channel, exc.code)
        return _error(exc)
    ack = adapter.acknowledge(accepted) if hasattr(adapter, "acknowledge") else None
    return ack or JsonResponse({"ok": True, "accepted": len(accepted), "received": len(inbounds)})
