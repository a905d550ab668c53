from .views import health


class HealthCheckMiddleware:
    """Answers /healthz before any other middleware. Load balancers probe each server by its own
    address (or send no Host at all), which ALLOWED_HOSTS rightly refuses for the site's pages,
    and over plain HTTP, which production redirects to HTTPS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return health(request)
        return self.get_response(request)
