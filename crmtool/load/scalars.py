"""When a text may be written without quotes, and when two loaded records hold the same data.

Every command that writes YAML (new, import, fmt, address fill) must write text so that it
is read back as the same text by every reader staff's records meet: PyYAML (YAML 1.1, the
check), editors and other tools (YAML 1.2). `0612345678`, `no`, `1e3` or a date typed in a
text field are retyped by one of them unless quoted; this module is the one place that
decides, with the readers' own resolvers rather than a list of our own.
"""
from __future__ import annotations

import io
from typing import Any

import yaml
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver

from .document import AMBIGUOUS_TEXT

STR = "tag:yaml.org,2002:str"
YAML11 = yaml.resolver.Resolver()
YAML12 = VersionedResolver(version=(1, 2))
_EMITTER = Emitter(io.StringIO(), allow_unicode=True)
_EMITTER.serializer.use_version = (1, 1)  # a lone emitter is its own serializer; judge as the stricter YAML 1.1 reader


def plain_ok(text: str, flow: bool = True) -> bool:
    """Whether `text` may stand unquoted: read back as this same text by YAML 1.1 (PyYAML, the
    check) and YAML 1.2 (editors, other tools), not a number in disguise for the check's Y
    rules, and allowed plain where it stands (in a flow collection or a block)."""
    if not text or text != text.strip() or "\n" in text or AMBIGUOUS_TEXT.fullmatch(text):
        return False
    if YAML11.resolve(yaml.ScalarNode, text, (True, False)) != STR:
        return False
    if YAML12.resolve(ScalarNode, text, (True, False)) != STR:
        return False
    analysis = _EMITTER.analyze_scalar(text)
    return analysis.allow_flow_plain if flow else analysis.allow_block_plain


def same_data(a: Any, b: Any) -> bool:
    """Equal and of the same types: `1` → `true` is a change, though 1 == True in Python."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_data(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_data(x, y) for x, y in zip(a, b))
    return a == b
