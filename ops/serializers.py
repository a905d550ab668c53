"""Django's JSON fixtures, with datetimes to the microsecond: DjangoJSONEncoder cuts them to
milliseconds, so a backup would not give back the times it was given (vote times, log entries);
and with the ids of deleted rows that some foreign keys keep, which have no natural key.
Registered as the "precise-json" serialization format (SERIALIZATION_MODULES)."""

import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

__all__ = ["Serializer", "Deserializer"]


class PreciseJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        self.options.setdefault("cls", PreciseJSONEncoder)
        super()._init_options()

    def handle_fk_field(self, obj, field):
        try:
            super().handle_fk_field(obj, field)
        except ObjectDoesNotExist:
            # A foreign key without a database constraint, to a row deleted since: a deleted page's
            # log entries keep its id (Wagtail's history and audit log). Only the id is left to
            # refer to it by, not the natural key (a page's is its URL path).
            self._current[field.name] = self._value_from_field(obj, field)
