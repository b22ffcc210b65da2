"""Children and consent (Art. 8): the digital consent age and a person's age on a day.

Art. 8(1) lets a child consent to an information society service from 16, and lets member
states lower that age to no lower than 13: the Netherlands kept 16 (UAVG art. 5), Belgium chose
13 (law of 30 July 2018, art. 7). The age that applies is `digital_consent_age` in crmtool.yaml
when it is set, else the controller's country's (`controller.address.country`: BE 13, NL 16),
else the GDPR's own 16. One place, so the rule and any reader of consents agree.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

GDPR_DEFAULT = 16
BY_COUNTRY = {"NL": 16, "BE": 13}
LOWEST, HIGHEST = 13, 16  # what Art. 8(1) allows a member state to choose


def digital_consent_age(config: Any) -> int:
    """The age from which a person may consent alone (see the module docstring)."""
    if not isinstance(config, dict):
        return GDPR_DEFAULT
    value = config.get("digital_consent_age")
    if isinstance(value, int) and not isinstance(value, bool) and LOWEST <= value <= HIGHEST:
        return value
    controller = config.get("controller")
    address = controller.get("address") if isinstance(controller, dict) else None
    country = address.get("country") if isinstance(address, dict) else None
    return BY_COUNTRY.get(country, GDPR_DEFAULT) if isinstance(country, str) else GDPR_DEFAULT


def birthday(born: dt.date, age: int) -> dt.date:
    """The day a person born on `born` turns `age`; one born on 29 February turns it on 1 March
    of a year without that day."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return dt.date(born.year + age, 3, 1)


def under_age(born: dt.date, age: int, day: dt.date) -> bool:
    """Whether a person born on `born` was younger than `age` on `day`."""
    return day < birthday(born, age)
