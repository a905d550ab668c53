"""The admin's slug field gives the same ASCII slug as the server (`home.text.slugify_vi`).

Wagtail fills the slug from the title in the browser (the `w-slug` Stimulus controller's
`urlify`), which keeps letters as they are (WAGTAIL_ALLOW_UNICODE_SLUGS, on by default) or
else transliterates them with Django's old urlify.js tables, which have no Vietnamese: "Đà Nẵng"
would become "đà-nẵng" or "da-nng". The controller first runs the slug input's `formatters`
(regular expression replacements); these replace every character of the Latin blocks by what
`fold` (anyascii) makes of it, so that the browser then slugifies the same ASCII text as the
server, the same way (lower case, drop punctuation, join words with "-").
"""

from collections import defaultdict
from itertools import chain

from wagtail.admin.widgets.slug import SlugInput

from home.text import fold

# Latin-1 Supplement, Latin Extended-A and -B, Latin Extended Additional (where the precomposed
# Vietnamese letters with tone marks live), superscripts and subscripts ("m²").
TRANSLITERATED = [chr(code) for code in chain(range(0xA0, 0x250), range(0x1E00, 0x1F00), range(0x2070, 0x20A0))]


def _formatters():
    by_ascii = defaultdict(list)
    for char in TRANSLITERATED:
        if fold(char).strip():
            by_ascii[fold(char)].append(char)
    return [(f"[{''.join(chars)}]", folded) for folded, chars in sorted(by_ascii.items())]


SLUG_FORMATTERS = _formatters()


def slug_input():
    return SlugInput(formatters=SLUG_FORMATTERS)
