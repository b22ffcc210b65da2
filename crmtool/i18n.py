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


def language() -> str:
    return _language


def _(message: str) -> str:
    """Translate a message id (English) into the active language."""
    return _active.gettext(message)


def N_(message: str) -> str:
    """Mark a message for extraction without translating it now (rule descriptions)."""
    return message
