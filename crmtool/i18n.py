"""Messages in the language the organisation chose (`language:` in crmtool.yaml).

Message ids are English; Dutch lives in a gettext catalogue under `locale/`. The active
language is process-wide because one run of crmtool speaks one language.
"""
from __future__ import annotations

import gettext
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "crmtool"
LANGUAGES = ("en", "nl")

_active: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def use(language: str) -> None:
    """Switch every later message to `language` (falls back to English)."""
    global _active, _language
    _language = language if language in LANGUAGES else "en"
    _active = gettext.translation(DOMAIN, LOCALE_DIR, languages=[_language], fallback=True)


def translator(language: str) -> gettext.NullTranslations:
    """The catalogue of `language` (English for an unknown one), for words needed in a
    language other than the run's, such as the register's second language."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language if language in LANGUAGES else "en"],
                               fallback=True)


def language() -> str:
    return _language


def _(message: str) -> str:
    """Translate a message id (English) into the active language."""
    return _active.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for `count` in the active language (`{count} error` /
    `{count} errors`; Dutch `1 fout` / `2 fouten`), by the catalogue's Plural-Forms: never
    "1 fouten". The caller fills `{count}` with .format()."""
    return _active.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark a message for extraction without translating it now (rule descriptions)."""
    return message
