"""Phone numbers as crmtool compares them: the country a number without one is read for,
and the E.164 form (+31612345678) in which two ways of writing one number are equal.

Rule Q002 judges numbers with these; merge, import, erasure, the register's scan and Q005's
duplicate search compare numbers with them, so a number is the same number everywhere.
"""
from __future__ import annotations

import re
from typing import Any, TypeGuard


def default_country(config: dict) -> str:
    """The country assumed for numbers and postcodes written without one:
    `rules.settings.default_country`, else `controller_country`. For the commands outside
    the check (import, merge, address fill, erasure), which have no schemas at hand, so a
    value is only taken when it is a country code. The rules read the setting through its
    declaration (`rules.base.DEFAULT_COUNTRY`), validated by the config schema, with
    `controller_country` as its default."""
    config = config if isinstance(config, dict) else {}
    rules = config.get("rules")
    settings = rules.get("settings") if isinstance(rules, dict) else None
    chosen = settings.get("default_country") if isinstance(settings, dict) else None
    return chosen if is_country(chosen) else controller_country(config)


def controller_country(config: dict) -> str:
    """The default of the setting `default_country`: the controller's address country, else NL."""
    controller = config.get("controller") if isinstance(config, dict) else None
    address = controller.get("address") if isinstance(controller, dict) else None
    country = address.get("country") if isinstance(address, dict) else None
    return country if is_country(country) else "NL"


def is_country(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and re.fullmatch(r"[A-Z]{2}", value) is not None


def parse(text: str, region: str):
    """The number as libphonenumber reads it, or None when it cannot be read."""
    import phonenumbers

    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def e164(text: Any, region: str, *, possible_only: bool = False) -> str | None:
    """The number in E.164 form (+31612345678), for comparing numbers; None when unreadable
    (with `possible_only`, also when it cannot be a number at all: for searching free text)."""
    import phonenumbers

    number = parse(text, region) if isinstance(text, str) else None
    if number is None or (possible_only and not phonenumbers.is_possible_number(number)):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
