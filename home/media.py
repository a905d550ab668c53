"""Images and documents in the admin beyond its listings and choosers: the admin API, the bulk
actions and the tags offered show a user only what they may choose (home.choosing): an agency's
staff, their agency's collection; the portal's roles, the portal's (editorial.roles).

Wagtail's admin API lists every image and document outside the collections behind a view
restriction, with their download addresses; its bulk actions name on their confirmation pages what
a request asks for, another agency's items included (acting on them is the permission policy's to
refuse); the listings' tag filter and the image chooser offer the tags most used on every image or
document (wagtail.admin.models.popular_tags_for_model), and the tag inputs suggest every tag
(home.tags)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.urls import path
from taggit.models import Tag, TaggedItem
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.documents.views.bulk_actions import add_tags as document_tags
from wagtail.documents.views.bulk_actions import add_to_collection as document_collection
from wagtail.documents.views.bulk_actions import delete as document_delete
from wagtail.documents.views.documents import DocumentsFilterSet
from wagtail.documents.views.documents import IndexView as DocumentIndexView
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.images.views.bulk_actions import add_tags as image_tags
from wagtail.images.views.bulk_actions import add_to_collection as image_collection
from wagtail.images.views.bulk_actions import delete as image_delete
from wagtail.images.views.chooser import (
    BaseImageChooseView,
    ImageChooseResultsView,
    ImageChooserViewSet,
    ImageChooseView,
)
from wagtail.images.views.images import ImagesFilterSet
from wagtail.images.views.images import IndexView as ImageIndexView

from .choosing import choosable, media_models


def _tagged_items(user, model):
    return TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=choosable(user, model).values("pk"),
    )


def choosable_tags(user):
    """The tags (taggit's, which images and documents share) of the images and documents `user`
    may choose."""
    images, documents = (_tagged_items(user, model) for model in media_models())
    return Tag.objects.filter(pk__in=(images | documents).values("tag_id"))


def popular_tags(user, model, count=10):
    """Wagtail's popular_tags_for_model among the instances of `model` that `user` may choose."""
    return (
        Tag.objects.filter(taggit_taggeditem_items__in=_tagged_items(user, model))
        .annotate(item_count=Count("taggit_taggeditem_items"))
        .order_by("-item_count")[:count]
    )


class ChoosableAPIMixin:
    def get_queryset(self):
        return super().get_queryset() & choosable(self.request.user, self.model)


class ChoosableImagesAdminAPIViewSet(ChoosableAPIMixin, ImagesAdminAPIViewSet):
    pass


class ChoosableDocumentsAdminAPIViewSet(ChoosableAPIMixin, DocumentsAdminAPIViewSet):
    pass


class ChoosableBulkActionMixin:
    def get_queryset(self, model, object_ids):
        return list(choosable(self.request.user, model).filter(pk__in=object_ids))


class ChoosableImageDeleteBulkAction(ChoosableBulkActionMixin, image_delete.DeleteBulkAction):
    pass


class ChoosableImageAddTagsBulkAction(ChoosableBulkActionMixin, image_tags.AddTagsBulkAction):
    pass


class ChoosableImageAddToCollectionBulkAction(ChoosableBulkActionMixin, image_collection.AddToCollectionBulkAction):
    pass


class ChoosableDocumentDeleteBulkAction(ChoosableBulkActionMixin, document_delete.DeleteBulkAction):
    pass


class ChoosableDocumentAddTagsBulkAction(ChoosableBulkActionMixin, document_tags.AddTagsBulkAction):
    pass


class ChoosableDocumentAddToCollectionBulkAction(
    ChoosableBulkActionMixin, document_collection.AddToCollectionBulkAction
):
    pass


BULK_ACTIONS = (
    ChoosableImageDeleteBulkAction,
    ChoosableImageAddTagsBulkAction,
    ChoosableImageAddToCollectionBulkAction,
    ChoosableDocumentDeleteBulkAction,
    ChoosableDocumentAddTagsBulkAction,
    ChoosableDocumentAddToCollectionBulkAction,
)


class ChoosableTagsFilterSetMixin:
    """The listings' "Tag" filter: the tags most used on what the user may choose."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "tag" in self.filters:
            tags = popular_tags(self.request.user, self._meta.model)
            if tags:
                self.filters["tag"].extra["choices"] = [(tag.name, tag.name) for tag in tags]
            else:
                del self.filters["tag"]


class ChoosableTagsImagesFilterSet(ChoosableTagsFilterSetMixin, ImagesFilterSet):
    pass


class ChoosableTagsDocumentsFilterSet(ChoosableTagsFilterSetMixin, DocumentsFilterSet):
    pass


class ChoosableTagsImageIndexView(ImageIndexView):
    filterset_class = ChoosableTagsImagesFilterSet


class ChoosableTagsDocumentIndexView(DocumentIndexView):
    filterset_class = ChoosableTagsDocumentsFilterSet


class SearchableTagFilterMixin:
    """The image chooser's tag filter as the search backend takes it: Wagtail's filters through the
    tags' join, which the backend refuses to search in (a server error when an editor searches
    among a tag's images)."""

    def filter_object_list(self, objects):
        tag = self.request.GET.get("tag")
        if tag:
            objects = objects.filter(pk__in=self.model.objects.filter(tags__name=tag).values("pk"))
        return super(BaseImageChooseView, self).filter_object_list(objects)


class ChoosableTagsImageChooseView(SearchableTagFilterMixin, ImageChooseView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "popular_tags": popular_tags(self.request.user, self.model)}


class SearchableTagImageChooseResultsView(SearchableTagFilterMixin, ImageChooseResultsView):
    pass


def admin_urls():
    """The listings and the image chooser with the tags of what the user may choose, at the
    addresses of Wagtail's, which they shadow."""
    image_chooser = ImageChooserViewSet(
        "wagtailimages_chooser",
        model=get_image_model(),
        url_prefix="images/chooser",
        choose_view_class=ChoosableTagsImageChooseView,
        choose_results_view_class=SearchableTagImageChooseResultsView,
    )
    return [
        path("images/", ChoosableTagsImageIndexView.as_view()),
        path("images/results/", ChoosableTagsImageIndexView.as_view(results_only=True)),
        path("images/chooser/", image_chooser.choose_view),
        path("images/chooser/results/", image_chooser.choose_results_view),
        path("documents/", ChoosableTagsDocumentIndexView.as_view()),
        path("documents/results/", ChoosableTagsDocumentIndexView.as_view(results_only=True)),
    ]
