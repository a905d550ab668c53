"""The one Vietnamese text normaliser: slugs, search indexing and search queries all fold
text through `fold`, so "Đà Nẵng", "ĐÀ NẴNG" and "da nang" meet.

Plain accent stripping (NFKD, drop combining marks) keeps "đ"/"Đ", which Unicode does not
decompose; anyascii transliterates them (and every other script) to ASCII.
"""

import re

from anyascii import anyascii
from django.utils.text import slugify

FOLDED_WORD = re.compile(r"[a-z0-9]+")


def fold(text):
    """Lower-case ASCII transliteration: "Đà Nẵng" -> "da nang"."""
    return anyascii(text or "").lower()


def slugify_vi(text):
    """A readable ASCII slug: "Đà Nẵng tổ chức hội nghị" -> "da-nang-to-chuc-hoi-nghi"."""
    return slugify(fold(text))


def folded_words(text):
    """'Đà Nẵng, 2024!' -> ['da', 'nang', '2024']"""
    return FOLDED_WORD.findall(fold(text))
