"""Jinja2 for the register: where the templates are, one environment per language, and
writing a rendered page.

Autoescaping is on for every template, whatever its name: every value comes from a record
that anyone with write access can fill, and a title holding `<script>` must show as text.
Translated messages are trusted (they come from our catalogue), the values put into them are
escaped. Each language gets its own environment with its own gettext catalogue, because one
build writes both languages and `crmtool.i18n` has one language per process.
"""
from __future__ import annotations

import gettext
from pathlib import Path

from jinja2 import Environment, StrictUndefined, pass_context
from jinja2.bccache import Bucket, BytecodeCache
from markupsafe import Markup, escape

from .. import i18n, templating
from .views import Text

def template_dir(root: Path) -> Path:
    """A repository's own `templates/register/` wins; without one, crmtool's own."""
    return templating.folder(root, "register")


def translations(language: str) -> gettext.NullTranslations:
    return gettext.translation(i18n.DOMAIN, i18n.LOCALE_DIR, languages=[language], fallback=True)


class SharedCompilation(BytecodeCache):
    """Compiled templates shared by the environments of one build. The compiled code does
    not depend on the language (messages are looked up when a page renders), so each
    template is compiled once, not once per language: compiling is most of a build's time."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def environment(folder: Path, language: str, compiled: SharedCompilation | None = None) -> Environment:
    env = Environment(loader=templating.loader(folder), autoescape=True, undefined=StrictUndefined,
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, bytecode_cache=compiled)
    env.install_gettext_translations(  # type: ignore[attr-defined]  # added by the jinja2.ext.i18n extension
        translations(language), newstyle=True)
    env.filters["text"] = _text
    return env


@pass_context
def _text(context, value) -> Markup:
    """A record's text, marked with its own language when that is not the page's."""
    if isinstance(value, Text) and value.lang != context.get("lang"):
        return Markup('<span lang="{lang}">{text}</span>').format(lang=value.lang, text=value.text)
    return escape(str(value))


def write(path: Path, content: str | bytes) -> None:
    """Bytes as given; text as UTF-8 with `\\n` line ends on every platform."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
