from wagtail.admin.auth import permission_denied
from wagtail.models import Page
from wagtail_localize.models import TranslationSource

from .panels import trees_to_translate


class TranslationScopeMiddleware:
    """wagtail-localize lets whoever holds "submit translation" translate any page, and sync (and
    publish) the translations of any page. With several agencies, a translator does so only for
    the pages they are asked to translate (`trees_to_translate`): their agency's, or the portal
    roles' for the portal's translators."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_name = request.resolver_match.view_name
        if not request.user.is_authenticated:
            return None  # the admin sends them to its login page
        if view_name == "wagtail_localize:submit_page_translation":
            pages = Page.objects.filter(pk=view_kwargs["page_id"])
        elif view_name == "wagtail_localize:update_translations":
            source = TranslationSource.objects.filter(pk=view_kwargs["translation_source_id"]).first()
            if source is None or not issubclass(source.specific_content_type.model_class(), Page):
                return None
            pages = Page.objects.filter(translation_key=source.object_id, locale_id=source.locale_id)
        else:
            return None
        # A page that does not exist is wagtail-localize's to answer (404).
        if pages.exists() and not pages.filter(trees_to_translate(request.user)).exists():
            return permission_denied(request)
        return None
