"""What a user may put in content: the images and documents Wagtail's choosers show them (an
agency's staff, their agency's collection; the portal's roles, the portal's), the snippets of their
agency's site or of every site (home.access) and the pages of their trees (home.trees), among which
the page chooser offers them (editorial.wagtail_hooks). The choosers are only a view: the page,
snippet and settings forms (home.forms.ChosenObjectsMixin) and the translation editor's overrides
(editorial.overrides) check what a request names, whoever crafted it."""

import re

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail.snippets.models import get_snippet_models

from .access import usable_by
from .trees import in_users_trees

# The one answer to every refusal, whatever was named: another agency's image or poll, a document
# that does not exist, something that is no id; and of pages, another agency's draft as well.
REFUSAL = _("Choose only images, documents and snippets your agency may use.")
PAGE_REFUSAL = _("Choose only pages of the sites you work on.")
_ID = re.compile(r"[0-9]{1,18}")


def media_models():
    return (get_image_model(), get_document_model())


def site_snippet_models():
    from .models import SiteSnippet

    return tuple(model for model in get_snippet_models() if issubclass(model, SiteSnippet))


def chosen_models():
    """The models whose instances a user may put in content only when they may choose them (pages of
    every type as Page: as_chosen)."""
    return (*media_models(), *site_snippet_models(), Page)


def as_chosen(model, chosen):
    """The one of `chosen` (chosen_models) that `model` is, or None."""
    if isinstance(model, type) and issubclass(model, Page):
        return Page
    return model if model in chosen else None


def choosable(user, model):
    """The instances of `model` (one of chosen_models) that `user` may choose."""
    if model in media_models():
        return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, ["choose"])
    if model is Page:
        return Page.objects.filter(in_users_trees(user))
    return usable_by(user, model.objects.all())


def may_choose(user, wanted):
    """Whether `user` may choose every instance of `wanted` ({one of chosen_models: ids, as
    strings}): each id names one that exists and that they may choose."""
    for model, ids in wanted.items():
        if not ids:
            continue
        if not all(_ID.fullmatch(pk) for pk in ids):
            return False
        ids = {int(pk) for pk in ids}
        if choosable(user, model).filter(pk__in=ids).count() != len(ids):
            return False
    return True


def named_keys(model, values):
    """The primary keys of `model` that a chooser's request names (`id=…`): 404 for a value that
    cannot be one, which only an address edited by hand holds (Wagtail's chosen views answer it
    with a server error)."""
    try:
        return [model._meta.pk.to_python(value) for value in values]
    except ValidationError as error:
        raise Http404 from error
