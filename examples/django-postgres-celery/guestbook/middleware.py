from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import views


class HealthCheckMiddleware:
    """Answer /healthz/ before host validation.

    Orchestrators and Docker's HEALTHCHECK probe by IP address or 127.0.0.1, which is (rightly) not
    in ALLOWED_HOSTS; every other path still goes through the full middleware stack.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz/" and request.method in ("GET", "HEAD"):
            return views.healthz(request)
        return self.get_response(request)
