"""Waivers silence exactly what they name, only while complete and unexpired."""
import datetime as dt

from crmtool.findings import Finding
from crmtool.domain.waivers import apply, waivers_of

TODAY = dt.date(2026, 11, 24)


def _finding(rule: str, path: str) -> Finding:
    return Finding(path, 1, 1, rule, "error", "message", "hint")


def _config(**waiver) -> dict:
    return {"waivers": [waiver]}


FINDINGS = [_finding("R001", "records/roles/r-a.yaml"), _finding("R001", "records/roles/r-b.yaml"),
            _finding("T004", "records/roles/r-a.yaml")]


def test_waiver_by_id_silences_only_that_rule_on_that_record():
    config = _config(rule="R001", record="r-a", reason="agreed", expires="2027-01-31")
    kept, waived = apply(FINDINGS, config, TODAY)
    assert waived == 1
    assert [(f.rule, f.path) for f in kept] == [("R001", "records/roles/r-b.yaml"), ("T004", "records/roles/r-a.yaml")]


def test_waiver_by_path():
    config = _config(rule="R001", record="records/roles/r-b.yaml", reason="agreed", expires="2027-01-31")
    kept, waived = apply(FINDINGS, config, TODAY)
    assert waived == 1 and all(f.path != "records/roles/r-b.yaml" or f.rule != "R001" for f in kept)


def test_waiver_holds_on_its_last_day_and_not_after():
    config = _config(rule="R001", record="r-a", reason="agreed", expires="2026-11-24")
    assert apply(FINDINGS, config, TODAY)[1] == 1
    assert apply(FINDINGS, config, TODAY + dt.timedelta(days=1))[1] == 0


def test_incomplete_waiver_silences_nothing():
    for config in (_config(rule="R001", record="r-a", expires="2027-01-31"),
                   _config(rule="R001", record="r-a", reason="  ", expires="2027-01-31"),
                   _config(rule="R001", record="r-a", reason="agreed")):
        assert apply(FINDINGS, config, TODAY) == (FINDINGS, 0)


def test_waivers_about_waivers_do_not_apply():
    finding = _finding("S008", "crmtool.yaml")
    config = _config(rule="S008", record="crmtool.yaml", reason="x", expires="2027-01-31")
    assert apply([finding], config, TODAY) == ([finding], 0)


def test_malformed_waivers_are_skipped_not_fatal():
    assert waivers_of({"waivers": "none"}) == []
    assert waivers_of({"waivers": ["text", {"rule": 12}]})[0].rule is None
