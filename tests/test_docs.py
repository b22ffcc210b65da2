"""Documentation that cannot drift: the rule reference is generated and must be committed
as generated; every command is in the README."""
from __future__ import annotations

from click.testing import CliRunner

from crmtool.check.run import rules_markdown
from crmtool.cli import cli
from crmtool.rules import RULES

from .conftest import PROJECT


def test_rule_reference_is_up_to_date():
    assert (PROJECT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(), \
        "run: crmtool rules --format markdown > docs/rules.md"


def test_every_rule_documents_a_passing_and_a_failing_example():
    for rule_id, module in RULES.items():
        doc = module.__doc__ or ""
        assert doc.startswith(f"{rule_id}: "), rule_id
        assert "Passing" in doc and "Failing" in doc, rule_id


def test_every_command_is_in_the_readme():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"crmtool {name}" in readme, name
        assert CliRunner().invoke(cli, [name, "--help"]).exit_code == 0
