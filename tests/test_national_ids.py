"""National ids in text (domain/national_ids.py): what is found, and the look-alikes that are not."""
from __future__ import annotations

import pytest

from crmtool.domain.national_ids import BELGIAN_NN, BSN, find, names_statutory_basis


@pytest.mark.parametrize("text, kind, number", [
    ("BSN 123456782.", BSN, "123456782"),
    ("bsn: 123 456 782", BSN, "123 456 782"),
    ("nummer 123.456.782 op het formulier", BSN, "123.456.782"),
    ("1234.56.782", BSN, "1234.56.782"),
    ("rr 85.07.30-033.28", BELGIAN_NN, "85.07.30-033.28"),
    ("85 07 30 033 28", BELGIAN_NN, "85 07 30 033 28"),
    ("(85073003328)", BELGIAN_NN, "85073003328"),
])
def test_a_valid_number_is_found_where_it_stands(text, kind, number):
    [found] = find(text)
    assert (found.kind, text[found.start:found.end]) == (kind, number)


@pytest.mark.parametrize("text", [
    "123456781",  # fails the eleven test
    "85073003329",  # fails mod 97
    "85.13.30-033.28",  # no thirteenth month
    "+31 612345678", "+31612345678", "0612345678", "06-123456782", "0031 612345678",  # phones
    "+32 470 12 34 56", "+3285073003328",
    "1012 AB", "postbus 123456",  # postcodes
    "NL91ABNA0417164300", "BE68 5390 0754 7034", "BE71 0961 2345 6769",  # IBANs
    "NL004495445B01", "BE0207451227",  # VAT
    "KBO 0207.451.227", "0207451227", "KvK 12345678",  # enterprise numbers
    "2026-10-01", "20261001", "01-10-2026",  # dates
    "invoice 2026-123456782", "ref 2026/123456782/A", "x123456782", "123456782a", "123456782.5",
])
def test_look_alikes_are_not_national_ids(text):
    assert find(text) == []


@pytest.mark.parametrize("reason, basis", [
    ("art. 10 Wet algemene bepalingen burgerservicenummer", True),
    ("Article 8 of the law of 8 August 1983 on the national register", True),
    ("Participatiewet art. 64", True),
    ("UAVG art. 46", False),  # itself asks for another law
    ("art. 46 Uitvoeringswet AVG", False),
    ("Required by law", False),  # no article
    ("Needed for the allowance", False),
])
def test_a_waiver_reason_names_a_statutory_basis_only_with_article_and_law(reason, basis):
    assert names_statutory_basis(reason) is basis
