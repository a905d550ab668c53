"""Which user agents are not people. Add a pattern when a new crawler shows up in the logs.

The patterns are case-insensitive regular expressions searched anywhere in the User-Agent.
"""

import functools
import re

BOT_PATTERNS = [
    # Googlebot, bingbot, YandexBot, DuckDuckBot, Applebot, Twitterbot, AhrefsBot, SemrushBot,
    # MJ12bot, coccocbot (Cốc Cốc), PetalBot, Discordbot, TelegramBot… but not the Cubot phones.
    r"(?<!cu)bot",
    r"crawl",
    r"spider",  # Baiduspider, Sogou web spider
    r"slurp",  # Yahoo
    r"facebookexternalhit",
    r"facebookcatalog",
    r"meta-external",
    r"zalo[\s_-]?(?:link[\s_-]?)?preview",
    r"whatsapp",
    r"skypeuripreview",
    r"embedly",
    r"ia_archiver",
    r"lighthouse",
    r"pingdom",
    r"headlesschrome",
    r"phantomjs",
    r"curl/",
    r"wget",
    r"python-requests",
    r"python-urllib",
    r"python-httpx",
    r"aiohttp",
    r"go-http-client",
    r"okhttp",
    r"java/",
    r"apache-httpclient",
    r"libwww-perl",
    r"node-fetch",
    r"axios/",
    r"scrapy",
]

_BOTS = re.compile("|".join(BOT_PATTERNS), re.IGNORECASE)


# Searching the patterns costs more than the rest of counting a view, and most visitors share a
# few hundred user agents.
@functools.lru_cache(maxsize=1024)
def is_bot(user_agent):
    """True for crawlers, link previews and scripts; an empty User-Agent is never a browser."""
    return not user_agent or _BOTS.search(user_agent) is not None
