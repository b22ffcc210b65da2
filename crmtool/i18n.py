"""Messages in the language the organisation chose (`language:` in crmtool.yaml).

Message ids are English; Dutch lives in a gettext catalogue under `locale/`.

The language is a value, not a switch. Data that depends on it (a label in the model's
language, the register's two languages, the index's texts) takes it explicitly: the model
carries it (`Model.language`), and so do the jobs of the process pool. Messages are looked up
in the language of the run, which the command line enters once, for the duration of one
command, with `speaking(language)`: a context variable set and reset around the command, so
nothing that loads a file switches the language as a side effect, one command cannot leak its
language into the next (or into the next test), and a thread or task of a server answers in
the language of its own request.
"""
from __future__ import annotations

import gettext
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Iterator, NamedTuple

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "crmtool"
LANGUAGES = ("en", "nl")


def known(language: object) -> str:
    """`language` when crmtool speaks it, else English (the message ids' own language)."""
    return language if isinstance(language, str) and language in LANGUAGES else "en"


@lru_cache(maxsize=None)
def translator(language: str) -> gettext.NullTranslations:
    """The catalogue of `language` (English for an unknown one), for words needed in a
    language other than the run's, such as the register's second language."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[known(language)], fallback=True)


class _Speaking(NamedTuple):
    language: str
    catalogue: gettext.NullTranslations


_ENGLISH = _Speaking("en", translator("en"))
_speaking: ContextVar[_Speaking | None] = ContextVar("crmtool_speaking", default=None)


def _current() -> _Speaking:
    return _speaking.get() or _ENGLISH


@contextmanager
def speaking(language: str) -> Iterator[str]:
    """Messages in `language` (English when crmtool does not speak it) inside the block, and
    as before after it; gives the language used."""
    chosen = known(language)
    token = _speaking.set(_Speaking(chosen, translator(chosen)))
    try:
        yield chosen
    finally:
        _speaking.reset(token)


def speak_for_life(language: str) -> None:
    """Messages in `language` for the rest of this process's current context: only for a
    worker process of the pool, whose whole life is one job of one command."""
    chosen = known(language)
    _speaking.set(_Speaking(chosen, translator(chosen)))


def language() -> str:
    """The language of the run's messages."""
    return _current().language


def _(message: str) -> str:
    """Translate a message id (English) into the language of the run."""
    return _current().catalogue.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for `count` in the language of the run (`{count} error` /
    `{count} errors`; Dutch `1 fout` / `2 fouten`), by the catalogue's Plural-Forms: never
    "1 fouten". The caller fills `{count}` with .format()."""
    return _current().catalogue.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark a message for extraction without translating it now (rule descriptions)."""
    return message
