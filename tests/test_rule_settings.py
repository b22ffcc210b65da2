"""Rules declare the settings they read (`Rule.settings`), and the config schema judges their values.

The schema's `rules.settings` and the declarations must name the same settings, every default
must be a value the schema accepts, and a value the schema refuses must be reported (S001 on
crmtool.yaml) and leave the rule as without it.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crmtool.check.run import rules_markdown, run_check
from crmtool.cli import cli
from crmtool.load.model import Model, Record
from crmtool.load.repo import Repository
from crmtool.load.schema import SchemaSet
from crmtool.rules import RULES, p008_retention_expiring, p013_request_due_soon, q002_phone
from crmtool.rules.base import DEFAULT_COUNTRY, Locator, RepoContext, Setting

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "tests" / "fixtures"
TODAY = dt.date(2026, 11, 24)
SCHEMAS = SchemaSet(PROJECT / "schemas")


def declared() -> dict[str, Setting]:
    found: dict[str, Setting] = {}
    for module in RULES.values():
        for setting in module.RULE.settings:
            assert found.setdefault(setting.name, setting) is setting, \
                f"{setting.name} is declared twice: declare it once and share the declaration"
    return found


def test_the_schema_and_the_rules_name_the_same_settings():
    in_schema = set(SCHEMAS.documents["config.schema.json"]["properties"]["rules"]["properties"]["settings"]
                    ["properties"])
    assert set(declared()) == in_schema


@pytest.mark.parametrize("config", [{}, {"controller": {"name": "X", "address": {"country": "BE"}}}])
def test_every_default_is_valid_by_the_schema(config):
    for setting in declared().values():
        assert setting.accepts(SCHEMAS, setting.fallback(config)), setting.name


def test_the_schema_check_of_a_value_can_refuse():
    days = p008_retention_expiring.DAYS
    assert days.accepts(SCHEMAS, 60)
    assert not any(days.accepts(SCHEMAS, value) for value in (-3, "x", True, 1.5, None))
    assert DEFAULT_COUNTRY.accepts(SCHEMAS, "BE") and not DEFAULT_COUNTRY.accepts(SCHEMAS, "DE")


def _case(tmp_path: Path, case: Path, settings: dict | None) -> Repository:
    """A rule's fixture case over the base repository, with `settings` as `rules.settings`."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "base", root)
    shutil.copytree(case / "records", root / "records", dirs_exist_ok=True)
    config = yaml.safe_load((case / "crmtool.yaml").read_text(encoding="utf-8"))
    config.pop("rules", None)
    if settings is not None:
        config["rules"] = {"settings": settings}
    (root / "crmtool.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return Repository(root)


def _records(repo: Repository) -> Model:
    """The repository's records as the check loads them, its settings left out (the check
    itself stops at an invalid crmtool.yaml; commands that build a model from a
    configuration still run rules over it)."""
    config = yaml.safe_load((repo.root / "crmtool.yaml").read_text(encoding="utf-8"))
    config.pop("rules", None)
    (repo.root / "crmtool.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = run_check(repo, TODAY, use_cache=False, keep_model=True)
    assert result.model is not None and not result.config_broken
    return result.model


def _findings(module, records: Model, settings: dict | None, root: Path) -> list:
    """The rule's findings on `records` with `settings` as `rules.settings`."""
    config = {key: value for key, value in records.config.items() if key != "rules"}
    if settings is not None:
        config["rules"] = {"settings": settings}
    model = Model(records=records.records, ids=records.ids, config=config, today=TODAY)
    return list(module.check(RepoContext(model, SCHEMAS, Locator(root))))


WINDOWS = [(p008_retention_expiring, "P008", "retention_warning_days", 60),
           (p013_request_due_soon, "P013", "deadline_warning_days", 14)]


@pytest.mark.parametrize("module, rule, name, wider", WINDOWS, ids=[w[1] for w in WINDOWS])
def test_an_invalid_value_is_s001s_and_the_rule_keeps_its_default(tmp_path, module, rule, name, wider):
    case = FIXTURES / rule / "fail" / "longer-window-setting"
    invalid = (-3, "x", True)
    for value in invalid:
        repo = _case(tmp_path / str(value), case, {name: value})
        checked = run_check(repo, TODAY, use_cache=False)
        assert checked.config_broken and checked.exit_code == 2
        written = (repo.root / "crmtool.yaml").read_text(encoding="utf-8").splitlines()
        line = next(number for number, text in enumerate(written, 1) if f"{name}:" in text)
        assert [(f.rule, f.path, f.line) for f in checked.findings] == [("S001", "crmtool.yaml", line)]

    records = _records(repo)
    with_default = _findings(module, records, None, repo.root)
    for value in invalid:
        assert _findings(module, records, {name: value}, repo.root) == with_default, value
    assert len(_findings(module, records, {name: wider}, repo.root)) > len(with_default)  # a valid value is used


def _person_with_phone(number: str) -> Model:
    model = Model(today=TODAY)
    model.add(Record("people", "p-aaaaaa", "records/people/p-aaaaaa.yaml",
                     {"id": "p-aaaaaa", "phones": [{"number": number}]}))
    return model


@pytest.mark.parametrize("settings, controller, reported", [
    ({"default_country": "BE"}, "NL", False),  # the setting is used
    ({}, "BE", False),  # no setting: the controller's country
    ({}, None, True),  # nor a controller's country: NL
    ({"default_country": "DE"}, "BE", False),  # refused by the schema: as without it
    ({"default_country": "DE"}, None, True),
    ({"default_country": 32}, None, True),
])
def test_default_country_through_its_declaration(tmp_path, settings, controller, reported):
    model = _person_with_phone("09 223 45 67")  # a Belgian number in national form, not a Dutch one
    model.config = {"controller": {"name": "X", **({"address": {"country": controller}} if controller else {})},
                    "rules": {"settings": settings}}
    findings = list(q002_phone.check(RepoContext(model, SCHEMAS, Locator(tmp_path))))
    assert bool(findings) is reported


def test_rules_lists_the_settings_with_their_defaults(base_repo):
    shown = CliRunner().invoke(cli, ["rules", "--root", str(base_repo.root), "--format", "json"])
    table = {row["id"]: row for row in json.loads(shown.output)}
    assert table["P008"]["settings"] == [{"name": "retention_warning_days", "default": 30,
                                          "summary": "Warn this many days before a retention period ends"}]
    assert table["Q002"]["settings"][0]["default"] is None
    assert table["Q002"]["settings"][0]["computed_default"] == "the controller's country, else NL"
    assert table["Y001"]["settings"] == []

    lines = CliRunner().invoke(cli, ["rules", "--root", str(base_repo.root)]).output.splitlines()
    after = lines[[line.split()[0] for line in lines].index("P008") + 1]
    assert after == " " * 15 + "retention_warning_days (default 30): Warn this many days before a retention period ends"
    assert " " * 15 + "special_words (default none): Extra words to look for, per special category" in lines

    markdown = rules_markdown()
    section = markdown[markdown.index("\n## P018\n"):markdown.index("\n## P019\n")]
    assert ("- `member_subjects` (default members, former-members, regular-contacts): The data subjects that "
            "count as members or regular contacts for Art. 9(2)(d)") in section
