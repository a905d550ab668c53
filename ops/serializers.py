"""Django's JSON fixtures, with datetimes to the microsecond: DjangoJSONEncoder cuts them to
milliseconds, so a backup would not give back the times it was given (vote times, log entries).
Registered as the "precise-json" serialization format (SERIALIZATION_MODULES)."""

import datetime

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
