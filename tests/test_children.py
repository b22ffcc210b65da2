"""The digital consent age and birthdays (domain/children.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from crmtool.domain.children import birthday, digital_consent_age, under_age


@pytest.mark.parametrize("config, age", [
    ({}, 16),
    ({"controller": {"address": {"country": "NL"}}}, 16),
    ({"controller": {"address": {"country": "BE"}}}, 13),
    ({"controller": {"address": {"country": "FR"}}}, 16),  # not in the table: the GDPR's default
    ({"controller": {"address": {"country": "BE"}}, "digital_consent_age": 15}, 15),
    ({"controller": {"address": {"country": "BE"}}, "digital_consent_age": 12}, 13),  # below Art. 8(1): ignored
    ({"digital_consent_age": True}, 16),
])
def test_the_age_comes_from_the_setting_else_the_controller_country(config, age):
    assert digital_consent_age(config) == age


def test_one_born_on_29_february_comes_of_age_on_1_march_without_a_leap_day():
    assert birthday(dt.date(2008, 2, 29), 16) == dt.date(2024, 2, 29)
    assert birthday(dt.date(2008, 2, 29), 13) == dt.date(2021, 3, 1)
    assert under_age(dt.date(2008, 2, 29), 13, dt.date(2021, 2, 28))
    assert not under_age(dt.date(2008, 2, 29), 13, dt.date(2021, 3, 1))
