"""Translatable snippets in the admin (agency profiles, departments, information boxes, polls,
visit statistics boxes): who may change which language.

Wagtail's snippet permissions are per model, and translators hold "change" on these models to
translate them in wagtail-localize, which would let them rewrite the Vietnamese originals too. In
this portal a language is given through its page trees (editorial.roles): the right to change
pages of a language's tree, or of every tree through the root page, is the right to write in that
language. Snippets follow the same rule on top of the model permission, for changing and deleting
an instance; adding and viewing stay per model.
"""

from wagtail.admin.auth import permission_denied
from wagtail.models import GroupPagePermission
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import DeleteView, EditView, IndexView, SnippetViewSet

LANGUAGE_ACTIONS = {"change", "delete"}
EVERY_LANGUAGE = None
_LANGUAGES = "_portal_languages"


def languages_of(user):
    """The ids of the locales `user` writes in, or EVERY_LANGUAGE; read once for the user object
    (which lives as long as the request)."""
    if not hasattr(user, _LANGUAGES):
        if user.is_superuser:
            languages = EVERY_LANGUAGE
        else:
            grants = GroupPagePermission.objects.filter(
                group__user=user, permission__codename="change_page"
            ).values_list("page__depth", "page__locale_id")
            languages = EVERY_LANGUAGE if any(depth == 1 for depth, _ in grants) else {locale for _, locale in grants}
        setattr(user, _LANGUAGES, languages)
    return getattr(user, _LANGUAGES)


def writes_in(user, locale_id):
    languages = languages_of(user)
    return languages is EVERY_LANGUAGE or locale_id in languages


class TranslatableSnippetPolicy(ModelPermissionPolicy):
    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return action not in LANGUAGE_ACTIONS or writes_in(user, instance.locale_id)


class TranslatableSnippetIndexView(IndexView):
    """No link to edit or delete what the user may not change (the originals, for translators)."""

    def _may(self, action, instance):
        return self.permission_policy.user_has_permission_for_instance(self.request.user, action, instance)

    def get_edit_url(self, instance):
        return super().get_edit_url(instance) if self._may("change", instance) else None

    def get_delete_url(self, instance):
        return super().get_delete_url(instance) if self._may("delete", instance) else None


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


class TranslatableSnippetViewSet(SnippetViewSet):
    index_view_class = TranslatableSnippetIndexView
    edit_view_class = TranslatableSnippetEditView
    delete_view_class = TranslatableSnippetDeleteView

    def __init__(self, *args, **kwargs):
        # Before Wagtail's viewset registers the default policy for the model.
        register_permission_policy(self.model, TranslatableSnippetPolicy(self.model), exact_class=True)
        super().__init__(*args, **kwargs)
