"""Images and documents in the admin beyond its listings and choosers: the admin API and the bulk
actions show an agency's staff only what they may choose (home.choosing), their agency's collection.

Wagtail's admin API lists every image and document outside the collections behind a view
restriction, with their download addresses; its bulk actions name on their confirmation pages what
a request asks for, another agency's items included (acting on them is the permission policy's to
refuse)."""

from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.documents.views.bulk_actions import add_tags as document_tags
from wagtail.documents.views.bulk_actions import add_to_collection as document_collection
from wagtail.documents.views.bulk_actions import delete as document_delete
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.images.views.bulk_actions import add_tags as image_tags
from wagtail.images.views.bulk_actions import add_to_collection as image_collection
from wagtail.images.views.bulk_actions import delete as image_delete

from .choosing import choosable


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
