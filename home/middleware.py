from django.conf import settings
from django.urls import reverse
from django.utils import translation


class AdminLanguageMiddleware:
    """The admin speaks LANGUAGE_CODE unless the user chose a language in their account.

    Wagtail falls back to the request's language when a user has no preference, which outside
    i18n_patterns is the browser's; an editor with an English browser would then get an English
    admin. Wagtail applies a stated preference itself, on top of this default.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(reverse("wagtailadmin_home")):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
