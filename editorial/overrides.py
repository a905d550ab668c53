"""wagtail-localize lets a translator show another image or document in a translation than its
source does (an override of a synchronised value), picked in Wagtail's chooser; the override's
address takes any id. An override is saved only with what its translator may choose (home.choosing),
whatever saves it: wagtail-localize's view then answers 403 and saves nothing."""

import json

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from wagtail.fields import StreamField
from wagtail_localize.models import OverridableSegment

from home.choosing import REFUSAL, chosen_models, may_choose


def _chosen_model(context):
    """The model of what the field or block at the context's path chooses, or None."""
    segment = OverridableSegment.objects.filter(context=context).select_related("source").first()
    if segment is None:
        return None
    instance = segment.source.as_instance()
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


def refuse_unchosen_media(sender, instance, update_fields=None, raw=False, **kwargs):
    # wagtail-localize also saves an override to record why a translation failed to publish; a
    # restored backup (loaddata) brings back what was allowed when it was made, though its
    # translator may have left since.
    if raw or (update_fields is not None and "data_json" not in update_fields):
        return
    user = instance.last_translated_by
    if user is None or user.is_superuser or instance.context_id is None:
        return
    model = _chosen_model(instance.context)
    if model in chosen_models() and not may_choose(user, {model: {str(json.loads(instance.data_json))}}):
        raise PermissionDenied(str(REFUSAL))
