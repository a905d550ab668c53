"""wagtail-localize lets a translator show another image or document in a translation than its
source does (an override of a synchronised value), picked in Wagtail's chooser, which shows an
agency's staff only their agency's collection; the override's address takes any id. An override
naming what its translator may not choose is refused, as the page forms refuse it
(home.forms.ChosenMediaMixin): wagtail-localize's view answers 403 and saves nothing."""

import json

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.utils.translation import gettext as _
from wagtail.fields import StreamField
from wagtail_localize.models import TranslationSource

from home.forms import media_models, refusal, refused_media


def _chosen_model(override):
    """The model of what the override's field or block chooses, or None."""
    context = override.context
    source = TranslationSource.objects.filter(object_id=context.object_id).exclude(locale_id=override.locale_id).first()
    if source is None:
        return None
    instance = source.as_instance()
    name, *rest = context.path.split(".")
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not rest:
        return field.related_model if field.many_to_one else None
    if isinstance(field, StreamField):
        bound = field.get_block_by_content_path(field.value_from_object(instance), rest)
        return getattr(bound.block, "target_model", None) if bound else None
    return None


def refuse_unchosen_media(sender, instance, **kwargs):
    user = instance.last_translated_by
    if user is None or user.is_superuser:
        return
    model = _chosen_model(instance)
    if model not in media_models():
        return
    value = str(json.loads(instance.data_json))
    if not value.isdigit() or not model.objects.filter(pk=value).exists():
        raise PermissionDenied(_("Choose an image or a document in your collections."))
    refused = refused_media(user, {model: {value}})
    if refused:
        raise PermissionDenied(refusal(refused))
