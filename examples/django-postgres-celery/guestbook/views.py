import json
import time

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from .health import run_checks
from .models import Entry
from .tasks import count_words

MAX_PAGE = 50
SLOW_MAX_SECONDS = 30.0


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "guestbook/index.html", {"entries": Entry.objects.all()[:MAX_PAGE]})


# A JSON API for scripts and tests: no cookies or sessions are involved, so CSRF does not apply.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def entries(request: HttpRequest) -> JsonResponse:
    if request.method == "GET":
        return JsonResponse({"entries": [entry.as_dict() for entry in Entry.objects.all()[:MAX_PAGE]]})
    try:
        payload = json.loads(request.body)
    except json.JSONDecodeError:
        return JsonResponse({"error": "body must be JSON"}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"error": "body must be a JSON object"}, status=400)
    name, message = payload.get("name"), payload.get("message")
    errors = {}
    if not isinstance(name, str) or not 0 < len(name.strip()) <= 80:
        errors["name"] = "1 to 80 characters"
    if not isinstance(message, str) or not 0 < len(message.strip()) <= 2000:
        errors["message"] = "1 to 2000 characters"
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    entry = Entry.objects.create(name=name.strip(), message=message.strip())
    count_words.delay(entry.id)
    return JsonResponse(entry.as_dict(), status=201)


@require_GET
def entry_detail(request: HttpRequest, entry_id: int) -> JsonResponse:
    return JsonResponse(get_object_or_404(Entry, pk=entry_id).as_dict())


@require_GET
def slow(request: HttpRequest) -> JsonResponse:
    """Answer after ``?seconds=`` (default 2, at most 30).

    A request that is still in flight when the container gets SIGTERM: ``dockwright verify`` uses
    it to prove that gunicorn finishes running requests before it exits.
    """
    try:
        seconds = float(request.GET.get("seconds", "2"))
    except ValueError:
        return JsonResponse({"error": "seconds must be a number"}, status=400)
    if not 0 <= seconds <= SLOW_MAX_SECONDS:
        return JsonResponse({"error": "seconds must be between 0 and 30"}, status=400)
    time.sleep(seconds)
    return JsonResponse({"slept": seconds})
