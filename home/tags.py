"""Wagtail's tag autocomplete (/admin/tag-autocomplete/ and /admin/tag-autocomplete/<app>/<model>/)
suggests only the tags the user may see: Wagtail's suggested every tag of the model, those that only
another agency's drafts carry (news.models.NewsTag.known_to) or only its images and documents
(home.media.choosable_tags) among them. The article's tag input asks the news app's own suggestions
(news.views.tag_suggestions), which know the article's language."""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, JsonResponse
from taggit.models import Tag, TagBase
from wagtail.admin.views.tags import TAGS_AUTOCOMPLETE_LIMIT

from .media import choosable_tags


def tags_known_to(user, tag_model):
    if tag_model is Tag:  # the tags of images and documents
        return choosable_tags(user)
    manager = tag_model._default_manager
    return manager.known_to(user) if hasattr(manager, "known_to") else manager.all()


def autocomplete(request, app_name="taggit", model_name="tag"):
    """Wagtail's (wagtail.admin.views.tags.autocomplete), among tags_known_to; without a model,
    taggit's."""
    try:
        tag_model = ContentType.objects.get_by_natural_key(app_name, model_name).model_class()
    except ContentType.DoesNotExist as error:
        raise Http404 from error
    if tag_model is None or not issubclass(tag_model, TagBase):
        raise Http404
    term = request.GET.get("term")
    if not term:
        return JsonResponse([], safe=False)
    tags = tags_known_to(request.user, tag_model).filter(name__istartswith=term).order_by("name")
    return JsonResponse(list(tags.values_list("name", flat=True)[:TAGS_AUTOCOMPLETE_LIMIT]), safe=False)
