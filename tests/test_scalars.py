"""crmtool/load/scalars.py: a text written plain is read back as the same text by YAML 1.1 (the
check) and YAML 1.2 (editors); the one decision new, import and fmt share."""
from __future__ import annotations

import io

import pytest
import yaml
from ruamel.yaml import YAML

from crmtool.load.scalars import plain_ok, same_data

TEXTS = ["gemeente-almere", "Vraag over zonnepanelen", "Vraag?", "Wat? Nu", "no", "No", "on", "y", "~", "null",
         "0612345678", "012", "1e3", "1_000", "0o17", "0x1F", ".inf", "2026-01-01", "12:30", "1:2:3", "a: b",
         "x #y", "#x", "- x", "-x", "[x]", "{x}", "x, y", "&a", "*a", "!t", "%x", "@x", "`x", "'x'", '"x"',
         "", " x", "x ", "a\nb", "Jan's", "São Paulo", "€ 12,50", "x|y", ">x", "?x", ":x", "x:"]


@pytest.mark.parametrize("text", TEXTS)
def test_what_may_stand_plain_reads_back_the_same_everywhere(text):
    for flow in (True, False):
        if not plain_ok(text, flow):
            continue
        document = f"[{text}]" if flow else f"key: {text}"
        wanted = [text] if flow else {"key": text}
        assert yaml.load(document, Loader=yaml.CSafeLoader) == wanted, (text, flow)
        assert YAML(typ="safe", pure=True).load(io.StringIO(document)) == wanted, (text, flow)


def test_numbers_dates_and_words_yaml_retypes_need_quotes():
    for text in ("no", "on", "0612345678", "1e3", "2026-01-01", "0o17", "null", "", " x"):
        assert not plain_ok(text), text
    for text in ("gemeente-almere", "Vraag over zonnepanelen", "Jan's", "São Paulo"):
        assert plain_ok(text), text


def test_same_data_tells_types_apart():
    assert same_data({"a": [1, "x"]}, {"a": [1, "x"]})
    assert not same_data({"a": 1}, {"a": True})
    assert not same_data(["1"], [1])
    assert not same_data({"a": 1}, {"a": 1, "b": 2})
