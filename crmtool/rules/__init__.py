"""The registry of rules: an explicit map from id to module, in the order they are listed.

Adding a rule is adding a module and a line here; `crmtool rules` and the docs test read
this map, so an unlisted rule cannot exist unnoticed.
"""
from __future__ import annotations

from types import ModuleType

from . import (
    r001_reference, r002_parent_cycle, r003_on_behalf_of, r004_reference_kind,
    s001_schema, s002_file_name, s003_not_a_record, s004_custom_fields, s005_vocabulary,
    s006_duplicate_id,
    t001_end_before_start, t002_derived_role_end, t003_single_seat, t004_inactive_holder,
    y001_syntax, y002_duplicate_keys, y003_anchors, y004_tags, y005_retyped_text,
    y006_unquoted_date, y007_ambiguous_number,
)

RULES: dict[str, ModuleType] = {module.RULE.id: module for module in (
    y001_syntax, y002_duplicate_keys, y003_anchors, y004_tags, y005_retyped_text,
    y006_unquoted_date, y007_ambiguous_number,
    s001_schema, s002_file_name, s003_not_a_record, s004_custom_fields, s005_vocabulary,
    s006_duplicate_id,
    r001_reference, r002_parent_cycle, r003_on_behalf_of, r004_reference_kind,
    t001_end_before_start, t002_derived_role_end, t003_single_seat, t004_inactive_holder,
)}

FILE_RULES = [m for m in RULES.values() if m.RULE.scope == "file"]
REPOSITORY_RULES = [m for m in RULES.values() if m.RULE.scope == "repository"]
