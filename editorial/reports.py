"""The admin's reports that list content of every agency, kept to what the user works on: Wagtail's
site history lists every snippet's actions to whoever holds a permission on its model, and
wagtail-localize's translations report lists every translation to everyone. portal.urls serves
these views in their place, at the same addresses."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.models import ModelLogEntry, Page
from wagtail_localize.views.report import TranslationsReportView

from home.access import EVERYTHING, sites_of
from home.choosing import site_snippet_models

from .panels import trees_to_translate


class SiteHistoryView(LogEntriesView):
    """Wagtail's site history, without the actions on other agencies' snippets, nor on snippets
    deleted since (whose site is no longer known) for those who do not work for every site."""

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sites = sites_of(self.request.user)
        if queryset.model is not ModelLogEntry or sites is EVERYTHING:
            return queryset  # pages' entries Wagtail keeps to the user's pages
        for model in site_snippet_models():
            usable = model.objects.for_sites(sites).annotate(key=Cast("pk", CharField())).values("key")
            content_type = ContentType.objects.get_for_model(model)
            queryset = queryset.exclude(Q(content_type=content_type) & ~Q(object_id__in=usable))
        return queryset


class TranslationsReport(TranslationsReportView):
    """wagtail-localize's translations report, of the pages of the user's trees (those they may be
    asked to translate) and of the snippets of their sites or of every site."""

    def get_queryset(self):
        user = self.request.user
        pages = Page.objects.values("translation_key")
        translations = (
            super()
            .get_queryset()
            .filter(~Q(source__object_id__in=pages) | Q(source__object_id__in=pages.filter(trees_to_translate(user))))
        )
        sites = sites_of(user)
        if sites is EVERYTHING:
            return translations
        for model in site_snippet_models():
            others = model.objects.exclude(pk__in=model.objects.for_sites(sites))
            translations = translations.exclude(source__object_id__in=others.values("translation_key"))
        return translations
