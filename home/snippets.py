"""Translatable snippets in the admin (agency profiles, departments, information boxes, polls,
visit statistics boxes): who may change which language, and which agency's.

Wagtail's snippet permissions are per model, and translators hold "change" on these models to
translate them in wagtail-localize, which would let them rewrite the Vietnamese originals too; and
every agency's staff would change every agency's polls. In this portal languages and sites are
given through page trees (home.access). Snippets follow the same rule on top of the model
permission, for changing and deleting an instance; adding stays per model. No view of the admin
(listing, search, chooser, copy, history, usage, bulk deletion) shows another agency's snippet.
"""

from django.contrib.admin.utils import unquote
from django.utils.functional import classproperty
from wagtail.admin.auth import permission_denied
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import (
    CopyView,
    DeleteView,
    EditView,
    HistoryView,
    IndexView,
    InspectView,
    SnippetViewSet,
    UsageView,
)

from .access import may_use, usable_by, works_for, writes_in
from .choosing import named_keys, site_snippet_models
from .models import SiteSnippet

LANGUAGE_ACTIONS = {"change", "delete"}


class TranslatableSnippetPolicy(ModelPermissionPolicy):
    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action) or not may_see(user, instance):
            return False
        if action not in LANGUAGE_ACTIONS:
            return True
        if isinstance(instance, SiteSnippet) and not works_for(user, instance.site_id):
            return False
        # What the pages of several agencies show (a tag) is changed by who works for them all.
        sites_showing = getattr(instance, "sites_showing", None)
        if sites_showing is not None and not all(works_for(user, site_id) for site_id in sites_showing):
            return False
        return writes_in(user, instance.locale_id)


def usable(request, queryset):
    """Of a snippet `queryset`, what the request's user may see listed and choose: of a snippet
    that belongs to a site, their sites' and every site's (home.access); of a model that says what
    each user may know of (`known_to`, `is_known_to`: news tags), that."""
    if issubclass(queryset.model, SiteSnippet):
        return usable_by(request.user, queryset)
    known_to = getattr(queryset, "known_to", None)
    return queryset if known_to is None else known_to(request.user)


def may_see(user, instance):
    """Whether `instance` is among what `user` may see listed and choose (`usable`)."""
    if isinstance(instance, SiteSnippet):
        return may_use(user, instance.site_id)
    is_known_to = getattr(instance, "is_known_to", None)
    return is_known_to is None or is_known_to(user)


class TranslatableSnippetIndexView(IndexView):
    """No link to edit or delete what the user may not change (the originals, for translators), and
    no other agency's snippet."""

    def get_base_queryset(self):
        return usable(self.request, super().get_base_queryset()).select_related("locale")

    def _may(self, action, instance):
        return self.permission_policy.user_has_permission_for_instance(self.request.user, action, instance)

    def get_edit_url(self, instance):
        return super().get_edit_url(instance) if self._may("change", instance) else None

    def get_delete_url(self, instance):
        return super().get_delete_url(instance) if self._may("delete", instance) else None


class UsableInstanceMixin:
    """The views of one snippet (showing, copying, its history, its usage) refuse another
    agency's."""

    def dispatch(self, request, *args, **kwargs):
        instance = self.model._default_manager.filter(pk=unquote(str(kwargs["pk"]))).first()
        if instance is not None and not may_see(request.user, instance):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


class InstanceCheckedMixin:
    """Checks the permission on the instance, not only on the model as Wagtail's views do; before
    Wagtail's hooks run (wagtail-localize's opens its own editor on a translation)."""

    def dispatch(self, request, *args, **kwargs):
        if not self.user_has_permission_for_instance(self.permission_required, self.object):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)


class TranslatableSnippetEditView(InstanceCheckedMixin, EditView):
    pass


class TranslatableSnippetDeleteView(InstanceCheckedMixin, DeleteView):
    pass


class UsableCopyView(UsableInstanceMixin, CopyView):
    def get_initial_form_instance(self):
        # A copy is a new snippet, the original of no translation: its form (home.forms.SnippetForm)
        # must not disable, as a translation's, the fields it shares with its original, which a
        # browser would not send to the add view.
        instance = super().get_initial_form_instance()
        instance.pk = None
        return instance


class UsableInspectView(UsableInstanceMixin, InspectView):
    pass


class UsableHistoryView(UsableInstanceMixin, HistoryView):
    pass


class UsableUsageView(UsableInstanceMixin, UsageView):
    pass


class UsableChooseView(ChooseView):
    def get_object_list(self):
        return usable(self.request, super().get_object_list())


class UsableChooseResultsView(ChooseResultsView):
    def get_object_list(self):
        return usable(self.request, super().get_object_list())


class UsableChosenView(SnippetChosenView):
    def get_object(self, pk):
        (pk,) = named_keys(self.model_class, [pk])
        return usable(self.request, self.model_class.objects.all()).get(pk=pk)


class UsableChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return usable(self.request, self.model_class.objects.filter(pk__in=named_keys(self.model_class, pks)))


class UsableChooserViewSet(SnippetChooserViewSet):
    """The snippet chooser, without another agency's snippets."""

    choose_view_class = UsableChooseView
    choose_results_view_class = UsableChooseResultsView
    chosen_view_class = UsableChosenView
    chosen_multiple_view_class = UsableChosenMultipleView


class UsableDeleteBulkAction(DeleteBulkAction):
    """Wagtail's deletion of the snippets selected in a listing, which names another agency's
    snippets on its confirmation page (deleting them is the policy's to refuse) when a request
    asks for them."""

    @classproperty
    def models(cls):
        return site_snippet_models()

    def get_queryset(self, model, object_ids):
        return list(usable(self.request, model.objects.filter(pk__in=object_ids)))

    def get_all_objects_in_listing_query(self, parent_id):
        return usable(self.request, self.model.objects.all()).values_list("pk", flat=True)


class TranslatableSnippetViewSet(SnippetViewSet):
    index_view_class = TranslatableSnippetIndexView
    chooser_viewset_class = UsableChooserViewSet
    edit_view_class = TranslatableSnippetEditView
    delete_view_class = TranslatableSnippetDeleteView
    copy_view_class = UsableCopyView
    inspect_view_class = UsableInspectView
    history_view_class = UsableHistoryView
    usage_view_class = UsableUsageView

    def __init__(self, *args, **kwargs):
        # Before Wagtail's viewset registers the default policy for the model.
        register_permission_policy(self.model, TranslatableSnippetPolicy(self.model), exact_class=True)
        super().__init__(*args, **kwargs)
