"""Issue 6: interface strings. Every string the project's templates and Python code translate is
in its Vietnamese catalog, translated, and is what Vietnamese visitors actually get; the catalogs
are complete, consistent and compile without GNU gettext.

The msgids are extracted here without gettext's tools: Python's `ast` for the gettext calls of the
project's code, and Django's own template parser for `{% translate %}`, `{% blocktranslate %}`
and `_("…")` in the project's templates, so that what is checked is exactly what Django looks up.
"""

import ast
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import engines
from django.template.base import Lexer, TokenType
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils import translation
from django.utils.translation.template import constant_re

from home.apps import project_app_configs

BASE_DIR = Path(settings.BASE_DIR)
PROJECT_CATALOG = BASE_DIR / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[sd]|\{\w*\}")
TAG = re.compile(r"<[^<>]+>")

GETTEXT = {"gettext", "gettext_lazy", "gettext_noop", "_"}
PGETTEXT = {"pgettext", "pgettext_lazy"}
NGETTEXT = {"ngettext", "ngettext_lazy"}
NPGETTEXT = {"npgettext", "npgettext_lazy"}
TRANSLATE_TAGS = {"translate", "trans", "blocktranslate", "blocktrans"}
# Every language of the site has a catalog (a third language: its settings entry and a catalog).
LANGUAGES = [translation.to_locale(code) for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class Message:
    msgid: str
    context: str | None
    plural: str | None
    catalog: Path  # the catalog folder that `make messages` extracts this file's strings into
    where: str

    @property
    def key(self):
        return (self.context, self.msgid)


def catalog_for(path):
    """An app with a catalog of its own (<app>/locale) owns its strings; the rest (home, ops,
    portal, templates/) belongs to the project catalog, as in the Makefile's `messages`."""
    for app_config in project_app_configs():
        app_dir = Path(app_config.path)
        if app_dir in path.parents and (app_dir / "locale").is_dir():
            return app_dir / "locale"
    return PROJECT_CATALOG


def source_roots():
    return [Path(app_config.path) for app_config in project_app_configs()] + [BASE_DIR / "portal"]


def python_files():
    for root in source_roots():
        for path in sorted(root.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def template_files():
    for root in [BASE_DIR / "templates", *(path / "templates" for path in source_roots())]:
        yield from sorted(p for p in root.rglob("*") if p.suffix in {".html", ".txt", ".xml"})


def _called_name(call):
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def python_messages(path):
    """The gettext calls of one module; a call whose strings are not literals cannot be
    extracted, so it is reported as a problem."""
    messages, problems = [], []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        arity = {**dict.fromkeys(GETTEXT, 1), **dict.fromkeys(PGETTEXT | NGETTEXT, 2), **dict.fromkeys(NPGETTEXT, 3)}
        if name not in arity:
            continue
        where = f"{path.relative_to(BASE_DIR)}:{node.lineno}"
        strings = node.args[: arity[name]]
        if len(strings) < arity[name] or not all(
            isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in strings
        ):
            problems.append(f"{where}: {name}() with strings that are not literals")
            continue
        values = [arg.value for arg in strings]
        context = values.pop(0) if name in PGETTEXT | NPGETTEXT else None
        plural = values[1] if name in NGETTEXT | NPGETTEXT else None
        messages.append(Message(values[0], context, plural, catalog_for(path), where))
    return messages, problems


def _literal(filter_expression):
    """The string of a template tag argument that is a quoted literal, else None."""
    var = getattr(filter_expression, "var", None)
    if isinstance(var, str):
        return var
    return getattr(var, "literal", None) if not getattr(var, "lookups", None) else None


def template_messages(path):
    """What Django looks up for each translation tag, taken from the compiled template's nodes,
    plus the `_("…")` constants of any tag or variable."""
    source = path.read_text()
    where = str(path.relative_to(BASE_DIR))
    catalog = catalog_for(path)
    messages, problems = [], []
    nodelist = engines["django"].engine.from_string(source).nodelist
    translate_nodes = nodelist.get_nodes_by_type(TranslateNode)
    block_nodes = nodelist.get_nodes_by_type(BlockTranslateNode)
    tokens = Lexer(source).tokenize()
    tags = [t for t in tokens if t.token_type == TokenType.BLOCK and t.split_contents()[0] in TRANSLATE_TAGS]
    # The parser found every tag the lexer saw (none hidden in a node the walk would miss).
    if len(tags) != len(translate_nodes) + len(block_nodes):
        problems.append(f"{where}: {len(tags)} translation tags, {len(translate_nodes) + len(block_nodes)} parsed")

    for node in translate_nodes:
        msgid = _literal(node.filter_expression)
        context = _literal(node.message_context) if node.message_context else None
        if msgid is None or (node.message_context and context is None):
            problems.append(f"{where}: {{% translate %}} of a variable cannot be extracted")
            continue
        messages.append(Message(msgid.replace("%", "%%"), context, None, catalog, where))
    for node in block_nodes:
        singular, _vars = node.render_token_list(node.singular)
        plural = node.render_token_list(node.plural)[0] if node.plural and node.countervar else None
        context = _literal(node.message_context) if node.message_context else None
        if node.message_context and context is None:
            problems.append(f"{where}: {{% blocktranslate %}} with a variable context cannot be extracted")
            continue
        messages.append(Message(singular, context, plural, catalog, where))
    for token in tokens:
        if token.token_type in (TokenType.VAR, TokenType.BLOCK):
            for constant in constant_re.findall(token.contents):
                messages.append(Message(constant[1:-1], None, None, catalog, where))
    return messages, problems


def extracted():
    messages, problems = [], []
    for path in python_files():
        found, wrong = python_messages(path)
        messages += found
        problems += wrong
    for path in template_files():
        found, wrong = template_messages(path)
        messages += found
        problems += wrong
    return messages, problems


def project_catalogs():
    return sorted({PROJECT_CATALOG} | {catalog_for(path) for path in python_files()} - {None})


def load(catalog, language):
    return polib.pofile(str(catalog / language / "LC_MESSAGES" / "django.po"))


def msgstrs(entry):
    return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)] if entry.msgid_plural else [entry.msgstr]


def effective_vietnamese(message):
    with translation.override("vi"):
        if message.plural and message.context:
            return translation.npgettext(message.context, message.msgid, message.plural, 1)
        if message.plural:
            return translation.ngettext(message.msgid, message.plural, 1)
        if message.context:
            return translation.pgettext(message.context, message.msgid)
        return translation.gettext(message.msgid)


# --- The extraction itself ------------------------------------------------------------------------


def test_the_extraction_finds_the_project_strings_of_every_kind():
    messages, problems = extracted()
    assert problems == []
    found = {(m.context, m.msgid, m.plural) for m in messages}
    # A sample of each kind: gettext_lazy in models, pgettext_lazy, a plain {% translate %},
    # one with a context, a blocktranslate with a variable, a plural one, a `_("…")` constant.
    assert (None, "agency name", None) in found
    assert ("URL path; keep <int:pk>", "polls/<int:pk>/", None) in found
    assert (None, "Skip to main content", None) in found
    assert ("visit statistics", "Total", None) in found
    assert (None, "Page %(number)s of %(total)s", None) in found
    assert (None, "vote", "votes") in found
    assert any(m.msgid == "Visit statistics" and m.where.endswith("visit_stats.html") for m in messages)
    assert len(found) > 250


def test_a_template_the_extraction_would_miss_is_reported(tmp_path, monkeypatch):
    """The check compares the lexer's translation tags with the parsed ones."""
    template = tmp_path / "templates" / "example.html"
    template.parent.mkdir()
    template.write_text("{% load i18n %}{% translate title %}{% blocktranslate context who %}Hi{% endblocktranslate %}")
    monkeypatch.setattr(sys.modules[__name__], "BASE_DIR", tmp_path)
    messages, problems = template_messages(template)
    assert messages == [] and len(problems) == 2


# --- Every string is in the Vietnamese catalog, translated, and not shadowed ------------------------


def test_every_string_in_templates_and_code_is_translated_in_the_vietnamese_catalog():
    messages, _problems = extracted()
    catalogs = {catalog: {(e.msgctxt, e.msgid): e for e in load(catalog, "vi")} for catalog in project_catalogs()}
    english = {catalog: {(e.msgctxt, e.msgid): e for e in load(catalog, "en")} for catalog in project_catalogs()}
    missing, untranslated, shadowed = [], [], []
    for message in messages:
        entry = catalogs[message.catalog].get(message.key)
        if entry is None or message.key not in english[message.catalog]:
            missing.append((message.where, message.msgid, str(message.catalog.relative_to(BASE_DIR))))
        elif entry.fuzzy or not all(msgstrs(entry)) or (entry.msgid_plural or None) != message.plural:
            untranslated.append((message.where, message.msgid))
        elif effective_vietnamese(message) != msgstrs(entry)[0]:
            # Another catalog earlier in Django's search order has the msgid: give it a context.
            shadowed.append((message.where, message.msgid, msgstrs(entry)[0], effective_vietnamese(message)))
    assert missing == []
    assert untranslated == []
    assert shadowed == [], "\n".join(map(str, shadowed))


def test_the_catalogs_hold_no_string_that_nothing_uses():
    """Stale entries (a msgid no longer in the code) would mean `make messages` was not run."""
    messages, _problems = extracted()
    used = {(m.catalog, m.context, m.msgid) for m in messages}
    for catalog in project_catalogs():
        for language in LANGUAGES:
            stale = [e.msgid for e in load(catalog, language) if (catalog, e.msgctxt, e.msgid) not in used]
            assert stale == [], (catalog, language)


# --- Integrity of the project's catalogs ------------------------------------------------------------


def _catalog_files():
    return [(catalog, language) for catalog in project_catalogs() for language in LANGUAGES]


@pytest.mark.parametrize(
    "catalog, language",
    _catalog_files(),
    ids=[f"{c.relative_to(BASE_DIR)}-{lang}" for c, lang in _catalog_files()],
)
def test_catalog_is_complete_and_keeps_placeholders_and_tags(catalog, language):
    po = load(catalog, language)
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == language
    plural_forms = {"vi": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}
    assert po.metadata["Plural-Forms"] == plural_forms.get(language, po.metadata["Plural-Forms"])
    problems = []
    for entry in po:
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        translations = msgstrs(entry)
        if entry.fuzzy or entry.obsolete or not all(translations):
            problems.append(("fuzzy, obsolete or empty", entry.msgid))
            continue
        if language == "en" and translations != sources:
            problems.append(("English differs from the msgid", entry.msgid, translations))
        placeholders = {p for source in sources for p in PLACEHOLDER.findall(source)}
        for text in translations:
            if set(PLACEHOLDER.findall(text)) != placeholders:
                problems.append(("placeholders", entry.msgid, text))
            if sorted(TAG.findall(text)) != sorted(TAG.findall(entry.msgid)):
                problems.append(("tags", entry.msgid, text))
        if "python-format" in entry.flags and "%(" in entry.msgid:
            for text in translations:
                text % dict.fromkeys(re.findall(r"%\((\w+)\)", entry.msgid), 1)  # noqa: B018
    assert problems == []


def test_catalogs_compile_without_gettext_tools(tmp_path):
    """`manage.py compiletranslations` (make run, make test) with no msgfmt on the PATH."""
    env = {"PATH": str(tmp_path), "DJANGO_SETTINGS_MODULE": "portal.settings.test", "PYTHONPATH": str(BASE_DIR)}
    result = subprocess.run(
        [sys.executable, "manage.py", "compiletranslations"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for catalog in project_catalogs():
        for language in LANGUAGES:
            po = load(catalog, language)
            mo = polib.mofile(str(catalog / language / "LC_MESSAGES" / "django.mo"))
            compiled = {(e.msgctxt, e.msgid): msgstrs(e) for e in mo if e.msgid}
            assert compiled == {(e.msgctxt, e.msgid): msgstrs(e) for e in po.translated_entries()}
