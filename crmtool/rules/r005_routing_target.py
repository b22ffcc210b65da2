"""R005: the routing rules in crmtool.yaml name colleagues and teams that exist.

`routing` in crmtool.yaml says who gets a new request (`crmtool new request`). A rule that
names a colleague without a file in records/staff/, or a team that is neither in the `teams`
vocabulary nor in any colleague's `teams`, would send requests nowhere: `new request` refuses
to run while such a rule exists, so the mistake is caught here, in the pull request that
makes it. A colleague who has left (`active: false`) is not an error: routing skips the rule
and says so, and W003 reports requests still assigned to them.

Passing (records/staff/eline.yaml exists)::

    routing:
      - match: {kind: erasure}
        assignee: eline

Failing::

    routing:
      - match: {kind: erasure}
        assignee: elin
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.repo import CONFIG_FILE
from ..domain.routing import known_teams, rules_of
from .base import RepoContext, Rule

RULE = Rule("R005", "error", N_("A routing rule must name an existing colleague or team"), "repository", "workflow")


def check(ctx: RepoContext) -> Iterator[Finding]:
    rules = rules_of(ctx.model.config)
    routing = ctx.model.config.get("routing")
    if not rules or not isinstance(routing, list):  # rules come from a list only
        return
    teams = known_teams(ctx.model)
    for index, rule in enumerate(routing):
        if not isinstance(rule, dict):
            continue
        assignee, team = rule.get("assignee"), rule.get("team")
        if isinstance(assignee, str) and not ctx.model.exists("staff", assignee):
            yield RULE.finding(
                CONFIG_FILE, ctx.locator.position(CONFIG_FILE, ("routing", index, "assignee")),
                _("Routing rule {number} names colleague '{staff}', "
                  "but there is no records/staff/{staff}.yaml.").format(
                    number=index + 1, staff=assignee),
                _("Correct the id, or add the colleague to records/staff/."))
        if isinstance(team, str) and team not in teams:
            yield RULE.finding(
                CONFIG_FILE, ctx.locator.position(CONFIG_FILE, ("routing", index, "team")),
                _("Routing rule {number} names team '{team}', which is neither in the teams vocabulary nor in "
                  "any colleague's teams.").format(number=index + 1, team=team),
                _("Correct the team's id, or add it to records/vocabularies/teams.yaml."))
