"""How search reads text, the same way for the index and for queries.

Matching uses words folded by `home.text.fold` (the one Vietnamese normaliser): "Đà Nẵng",
"ĐÀ NẴNG" and "da nang" are all `da nang`; in a language whose words change form, the folded
words are reduced to their stems by the language's Snowball stemmer, so that "meetings" finds
"meeting" on the English site (Vietnamese words never change form). Ranking also looks at the
words as typed (lower case, composed into NFC so that a decomposed "ẵ" equals the precomposed
one), so that a query typed with accents ranks the pages that have exactly those accents first.
Results show where the words matched by mapping the folded text back to the characters it came
from.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import mark_safe

from home.text import FOLDED_WORD, fold, folded_words, word_of

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
EXCERPT_LENGTH = 240

WORD = re.compile(r"[^\W_]+")
ENGLISH_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b", re.IGNORECASE)


# The Snowball stemmers (snowballstemmer) of the site's languages whose words change form, by
# language code. They work on folded words: right for English, which has no accents to lose; a
# language whose stemmer needs its accents or its own script would have to be stemmed before
# folding. Vietnamese words never change form.
STEMMERS = {"en": "english"}
# A stemmer keeps the word it works on: one per thread and language.
_stemmers = threading.local()


@lru_cache(maxsize=65536)
def _stem(language, word):
    # A page of results stems each word of the leads and bodies it shows: the same few
    # thousand words, again and again.
    if not hasattr(_stemmers, "by_language"):
        _stemmers.by_language = {}
    if language not in _stemmers.by_language:
        _stemmers.by_language[language] = snowballstemmer.stemmer(STEMMERS[language])
    return _stemmers.by_language[language].stemWord(word)


def _base(language):
    return (language or "").split("-")[0]


def matched_words(words, language):
    """Folded `words` as search matches them in `language`: stemmed where it has a stemmer."""
    language = _base(language)
    return [_stem(language, word) for word in words] if language in STEMMERS else list(words)


def _without_possessives(text, language):
    # Else "district's" would be two words, and "s" one that every result must hold.
    return ENGLISH_POSSESSIVE.sub("", text or "") if _base(language) == "en" else text


def index_words(text, language):
    """'The district's meetings in Đà Nẵng', "en" -> ['the', 'district', 'meet', 'in', 'da', 'nang']"""
    # Folded first: a character that folds to nothing ("S\x80" + "0") must not end the word
    # before the possessive is looked for, as the highlighting (match_spans) reads it folded.
    return matched_words(folded_words(_without_possessives(fold(text or ""), language)), language)


# Both placements of the tone mark in an open syllable ending in oa, oe or uy are taught and in
# use: on the first vowel (hòa, khỏe, Ủy ban) or on the last (hoà, khoẻ, Uỷ ban). Words as typed
# are compared in the first; "qu" is a consonant (quà, quý).
_TONE_ON_THE_LAST_VOWEL = re.compile(r"(?<!q)(?:(o)([àáảãạèéẻẽẹ])|(u)([ỳýỷỹỵ]))(?!\w)")


def _tone_on_the_first_vowel(match):
    first, last = (group for group in match.groups() if group)
    letter, tone = unicodedata.normalize("NFD", last)
    return unicodedata.normalize("NFC", first + tone) + letter


def accented_words(text):
    """'Đà Nẵng, Uỷ ban 2024!' -> ['đà', 'nẵng', 'ủy', 'ban', '2024']"""
    text = unicodedata.normalize("NFC", text or "").lower()
    return WORD.findall(_TONE_ON_THE_LAST_VOWEL.sub(_tone_on_the_first_vowel, text))


def padded(words):
    """The words between single spaces, with a space at each end, so that a whole word is found
    by looking for ' word ' (the same SQL LIKE on SQLite and PostgreSQL)."""
    return f" {' '.join(words)} "


@dataclass(frozen=True)
class Query:
    """The distinct words of a query in `language`, at most MAX_TERMS of them: folded (and
    stemmed, see `index_words`), which every result must contain, and as typed, which rank
    exact-accent matches first."""

    folded: tuple
    accented: tuple
    truncated: bool
    language: str

    @classmethod
    def parse(cls, text, language):
        folded = list(dict.fromkeys(index_words(text, language)))
        accented = list(dict.fromkeys(accented_words(_without_possessives(text, language))))
        return cls(tuple(folded[:MAX_TERMS]), tuple(accented[:MAX_TERMS]), len(folded) > MAX_TERMS, language)

    def __bool__(self):
        return bool(self.folded)


@lru_cache(maxsize=4096)
def _fold_char(char):
    return fold(char)


def _folded_with_origins(text):
    """`fold(text)`, and for each of its characters the index of the character of `text` it
    came from ("Đà" -> "da", [0, 1]; "Æ" -> "ae", [0, 0]). anyascii transliterates character
    by character, so the pieces add up to `fold(text)`."""
    if text.isascii():
        return text.lower(), range(len(text))
    pieces, origins = [], []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        pieces.append(folded)
        origins.extend([index] * len(folded))
    return "".join(pieces), origins


def match_spans(text, query):
    """Where the words of `query` (a Query) occur in `text` as whole words, in any form its language
    stems alike, as (start, end) indexes of the characters of `text`: 'Đà Nẵng' with "nang" ->
    [(3, 7)]; 'Two meetings' with "meeting" in English -> [(4, 12)]."""
    if not text or not query:
        return []
    folded, origins = _folded_with_origins(text)
    found = list(FOLDED_WORD.finditer(folded))
    terms = set(query.folded)
    spans = []
    for match, word in zip(
        found, matched_words([word_of(match.group()) for match in found], query.language), strict=True
    ):
        if word not in terms:
            continue
        end = origins[match.end() - 1] + 1
        # Take in what folds to nothing after the word, such as the combining accent of a
        # decomposed "à" (a + U+0300), so that the mark does not split a letter.
        while end < len(text) and not _fold_char(text[end]):
            end += 1
        spans.append((origins[match.start()], end))
    return spans


def marked(text, spans):
    """`text` as HTML, escaped, with each span in <mark>."""
    pieces, last = [], 0
    for start, end in spans:
        if start < last:
            continue
        pieces += [escape(text[last:start]), "<mark>", escape(text[start:end]), "</mark>"]
        last = end
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))


def highlight(text, query):
    return marked(text, match_spans(text, query))


def excerpt(texts, query, length=EXCERPT_LENGTH):
    """About `length` characters of the first of `texts` where a word of `query` occurs, cut at
    spaces around its first occurrence with the accents typed (else its first occurrence), with
    every occurrence marked; the beginning of the first non-empty text when none occurs."""
    texts = [" ".join(text.split()) for text in texts]
    for text in texts:
        spans = match_spans(text, query)
        if spans:
            exact = [(s, e) for s, e in spans if " ".join(accented_words(text[s:e])) in query.accented]
            return _window(text, spans, (exact or spans)[0], length)
    return _window(next((text for text in texts if text), ""), [], (0, 0), length)


def _window(text, spans, anchor, length):
    anchor_start, anchor_end = anchor
    start = 0
    if anchor_start > length // 3:
        start = text.rfind(" ", 0, anchor_start - length // 3) + 1
    end = len(text)
    if end - start > length:
        cut = text.rfind(" ", max(anchor_end, start + 1), start + length)
        end = cut if cut > 0 else start + length
    inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    html = marked(text[start:end], inside)
    return mark_safe(("… " if start else "") + html + (" …" if end < len(text) else ""))
