"""The images and documents a user may put in content: those Wagtail's choosers show them (an
agency's staff, their agency's collection). The choosers are only a view: the page and snippet
forms (home.forms.ChosenMediaMixin) and the translation editor's overrides
(editorial.overrides) check what a request names, whoever crafted it."""

import re

from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

# The one answer to every refusal, whatever was named: another agency's image, a document that
# does not exist, something that is no id.
REFUSAL = _("Choose images and documents from your collections only.")
_ID = re.compile(r"[0-9]{1,18}")


def media_models():
    return (get_image_model(), get_document_model())


def may_choose(user, wanted):
    """Whether `user` may choose every image and document of `wanted` ({image or document model:
    ids, as strings}): each id names one that exists in a collection where they may."""
    for model, ids in wanted.items():
        if not ids:
            continue
        if not all(_ID.fullmatch(pk) for pk in ids):
            return False
        ids = {int(pk) for pk in ids}
        choosable = policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, ["choose"])
        if choosable.filter(pk__in=ids).count() != len(ids):
            return False
    return True
