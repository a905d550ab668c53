"""The one Vietnamese text normaliser: slugs, search indexing and search queries all fold
text through `fold`, so "Đà Nẵng", "ĐÀ NẴNG" and "da nang" meet.

Plain accent stripping (NFKD, drop combining marks) keeps "đ"/"Đ", which Unicode does not
decompose; anyascii transliterates them (and every other script) to ASCII.
"""

import re

from anyascii import anyascii
from django.utils.text import slugify

# A number written in groups of three ("2.000", "18.029.085"; "1,200" in English) is one word,
# read without its separators: citizens type "2000".
FOLDED_WORD = re.compile(r"\d{1,3}(?:[.,]\d{3})+(?!\d)|[a-z0-9]+")


def fold(text):
    """Lower-case ASCII transliteration: "Đà Nẵng" -> "da nang"."""
    return anyascii(text or "").lower()


def slugify_vi(text):
    """A readable ASCII slug: "Đà Nẵng tổ chức hội nghị" -> "da-nang-to-chuc-hoi-nghi"."""
    return slugify(fold(text))


def word_of(found):
    """A match of FOLDED_WORD as a word: "18.029.085" -> "18029085"."""
    return found.replace(".", "").replace(",", "")


def folded_words(text):
    """'Đà Nẵng, 2.000 người!' -> ['da', 'nang', '2000', 'nguoi']"""
    return [word_of(found) for found in FOLDED_WORD.findall(fold(text))]
