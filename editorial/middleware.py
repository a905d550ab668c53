from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from wagtail.admin.auth import permission_denied
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail_localize.models import Translation, TranslationSource

from home.access import works_for
from home.models import SiteSnippet

from .panels import trees_to_translate


class TranslationScopeMiddleware:
    """wagtail-localize lets whoever holds "submit translation" translate any page, and sync (and
    publish) the translations of any page. With several agencies, a translator does so only for
    the pages they are asked to translate (`trees_to_translate`): their agency's, or the portal
    roles' for the portal's translators.

    Its views of a snippet's translation (strings, overrides, PO files, machine translation)
    check only the model's "change": a snippet's translation is edited only by whoever may change
    it (home.snippets), and a snippet of a site (home.models.SiteSnippet) is translated and synced
    only by those who work for that site (home.access)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_name = request.resolver_match.view_name
        if not request.user.is_authenticated:
            return None  # the admin sends them to its login page
        if view_name.startswith("wagtail_localize:") and "translation_id" in view_kwargs:
            return _snippet_translation_refused(request, view_kwargs["translation_id"])
        if view_name == "wagtail_localize:submit_snippet_translation":
            model = apps.get_model(view_kwargs["app_label"], view_kwargs["model_name"])
            return _other_sites_snippet_refused(request, model.objects.filter(pk=view_kwargs["pk"]).first())
        if view_name == "wagtail_localize:submit_page_translation":
            pages = Page.objects.filter(pk=view_kwargs["page_id"])
        elif view_name == "wagtail_localize:update_translations":
            source = TranslationSource.objects.filter(pk=view_kwargs["translation_source_id"]).first()
            if source is None:
                return None
            if not issubclass(source.specific_content_type.model_class(), Page):
                try:
                    return _other_sites_snippet_refused(request, source.get_source_instance())
                except ObjectDoesNotExist:
                    return None
            pages = Page.objects.filter(translation_key=source.object_id, locale_id=source.locale_id)
        else:
            return None
        # A page that does not exist is wagtail-localize's to answer (404).
        if pages.exists() and not pages.filter(trees_to_translate(request.user)).exists():
            return permission_denied(request)
        return None


def _other_sites_snippet_refused(request, snippet):
    if isinstance(snippet, SiteSnippet) and not works_for(request.user, snippet.site_id):
        return permission_denied(request)
    return None


def _snippet_translation_refused(request, translation_id):
    translation = Translation.objects.filter(pk=translation_id).select_related("source").first()
    if translation is None or issubclass(translation.source.specific_content_type.model_class(), Page):
        return None
    try:
        target = translation.get_target_instance()
    except ObjectDoesNotExist:
        return None  # not made yet: wagtail-localize's to answer
    if not policy_registry.get_by_type(type(target)).user_has_permission_for_instance(request.user, "change", target):
        return permission_denied(request)
    return None
