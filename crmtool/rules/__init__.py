"""The registry of rules: an explicit map from id to module, in the order they are listed.

Adding a rule is adding a module and a line here; `crmtool rules` and the docs test read
this map, so an unlisted rule cannot exist unnoticed.
"""
from __future__ import annotations

from pathlib import Path
from types import ModuleType

from . import (
    y001_syntax, y002_duplicate_keys, y003_anchors, y004_tags, y005_retyped_text,
    y006_unquoted_date, y007_ambiguous_number, s001_schema, s002_file_name, s003_not_a_record,
    s004_custom_fields, s005_vocabulary, s006_duplicate_id, s007_waiver, s008_waiver_expired,
    s009_generated_file_tracked, s010_interrupted_change, s011_not_regular,
    r001_reference, r002_parent_cycle, r003_on_behalf_of, r004_reference_kind, r005_routing_target,
    t001_end_before_start, t002_derived_role_end, t003_single_seat, t004_inactive_holder,
    p001_person_without_purpose, p002_unknown_purpose, p003_consent, p004_minimisation,
    p005_special_category, p006_legal_basis, p007_retention_expired, p008_retention_expiring,
    p009_review_overdue, p010_processor_agreement, p011_subscription_consent,
    p012_request_overdue, p013_request_due_soon, p014_special_words, p015_public_authority,
    p016_notified, p017_portability_scope, p018_not_for_profit_scope, p019_register_entry,
    p020_identifying_id, p021_identifying_commit, p022_source_allowed, p023_profiling_consent,
    q001_email, q002_phone, q003_postcode, q004_identifier, q005_duplicate_person,
    q006_duplicate_organisation, q007_postcode_table, w001_unknown_stage, w002_transition, w003_no_assignee,
    w004_follow_up_passed, w005_codeowners,
    p024_objection_shown, p025_marketing_after_objection, p026_label_after_objection,
    p028_national_id, p029_parental_consent, p030_revealing_organisation, p031_criminal_data,
    p032_transfer_mechanism, p033_purpose_transfers, p034_dpia_required, p035_dpia_review,
    p036_breach_notified, p037_breach_subjects_notified, p038_request_accountable, p039_erasure_done,
    p040_recipients_notified, p041_consent_before_wording, w006_answered_late, w007_consent_without_channel,
    s012_waiver_too_long,
)

RULES: dict[str, ModuleType] = {module.RULE.id: module for module in (
    y001_syntax, y002_duplicate_keys, y003_anchors, y004_tags, y005_retyped_text,
    y006_unquoted_date, y007_ambiguous_number, s001_schema, s002_file_name, s003_not_a_record,
    s004_custom_fields, s005_vocabulary, s006_duplicate_id, s007_waiver, s008_waiver_expired,
    s009_generated_file_tracked, s010_interrupted_change, s011_not_regular,
    r001_reference, r002_parent_cycle, r003_on_behalf_of, r004_reference_kind, r005_routing_target,
    t001_end_before_start, t002_derived_role_end, t003_single_seat, t004_inactive_holder,
    p001_person_without_purpose, p002_unknown_purpose, p003_consent, p004_minimisation,
    p005_special_category, p006_legal_basis, p007_retention_expired, p008_retention_expiring,
    p009_review_overdue, p010_processor_agreement, p011_subscription_consent,
    p012_request_overdue, p013_request_due_soon, p014_special_words, p015_public_authority,
    p016_notified, p017_portability_scope, p018_not_for_profit_scope, p019_register_entry,
    p020_identifying_id, p021_identifying_commit, p022_source_allowed, p023_profiling_consent,
    q001_email, q002_phone, q003_postcode, q004_identifier, q005_duplicate_person,
    q006_duplicate_organisation, q007_postcode_table, w001_unknown_stage, w002_transition, w003_no_assignee,
    w004_follow_up_passed, w005_codeowners,
    p024_objection_shown, p025_marketing_after_objection, p026_label_after_objection,
    p028_national_id, p029_parental_consent, p030_revealing_organisation, p031_criminal_data,
    p032_transfer_mechanism, p033_purpose_transfers, p034_dpia_required, p035_dpia_review,
    p036_breach_notified, p037_breach_subjects_notified, p038_request_accountable, p039_erasure_done,
    p040_recipients_notified, p041_consent_before_wording, w006_answered_late, w007_consent_without_channel,
    s012_waiver_too_long,
)}

FILE_RULES = [m for m in RULES.values() if m.RULE.scope == "file"]
RECORD_RULES = [m for m in RULES.values() if m.RULE.scope == "record"]
REPOSITORY_RULES = [m for m in RULES.values() if m.RULE.scope == "repository"]


def inputs(root: Path, config: dict) -> dict[str, bytes]:
    """The files outside records/ that rules read (a rule module's optional
    `inputs(root, config)`: path → what identifies its content, empty when it is missing).
    The check cache keys a whole result on them, and a pull request that changes one is
    checked whole: any record's findings may have changed with it."""
    found: dict[str, bytes] = {}
    for module in RULES.values():
        reads = getattr(module, "inputs", None)
        if reads is not None:
            found.update(reads(root, config))
    return found

