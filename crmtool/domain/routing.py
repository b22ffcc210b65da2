"""Routing: which colleague a new request should go to, and why.

The cooperative's wish was "a follow-up tool that routes each question to the right
colleague". The rules live under `routing:` in crmtool.yaml, in order; the first rule whose
`match` fits the request wins, so specific rules go above general ones, as in a mail
filter. A rule names a colleague (`assignee`) or a team (`team`: then the active member of
that team with the fewest open requests, so the work spreads). Without a matching rule the
colleagues whose own `topics` cover one of the request's topics are the candidates, since
staff records already say who handles what. Without any candidate there is no proposal:
the request is written without assignee and W003 says so, which is better than a guess.

Every proposal carries its reason, because staff accept a suggestion they understand and
correct one they do not (`new request` prints it and keeps it in the history note).
The core returns values and never prints.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ..i18n import _
from ..load.model import Model
from .pipeline import is_open, pipeline_of

MATCH_KEYS = ("topics", "tags", "organisation", "kind")


@dataclass(frozen=True)
class Proposal:
    """Who the request should go to (None: nobody fits) and why, in the active language."""

    assignee: str | None
    reason: str
    rule: int | None = None  # the 1-based number of the routing rule that decided, if any


def rules_of(config: dict) -> list[dict]:
    """The routing rules of crmtool.yaml, in order (the schema checks their shape)."""
    routing = config.get("routing")
    return [rule for rule in routing if isinstance(rule, dict)] if isinstance(routing, list) else []


def problems(model: Model) -> list[str]:
    """Routing rules that point to a colleague or team that does not exist: a mistake in
    crmtool.yaml that would silently send requests nowhere, so `new request` refuses."""
    found = []
    teams = known_teams(model)
    for number, rule in enumerate(rules_of(model.config), 1):
        assignee, team = rule.get("assignee"), rule.get("team")
        if isinstance(assignee, str) and model.get("staff", assignee) is None:
            found.append(_("routing rule {number} in crmtool.yaml names colleague '{staff}', but there is no "
                           "records/staff/{staff}.yaml; correct the rule or add the colleague.").format(
                               number=number, staff=assignee))
        if isinstance(team, str) and team not in teams:
            found.append(_("routing rule {number} in crmtool.yaml names team '{team}', which is neither in the "
                           "teams vocabulary nor in any colleague's teams; correct the rule.").format(
                               number=number, team=team))
    return found


def known_teams(model: Model) -> set[str]:
    """The teams vocabulary when the repository keeps one, else every team staff belong to."""
    vocabulary = model.vocabulary("teams")
    if vocabulary is not None:
        return set(vocabulary)
    return {team for member in model.of("staff") for team in _strings(member.get("teams"))}


def propose(model: Model, request: dict) -> Proposal:
    """The colleague for `request` (a request's data: kind, topics, tags, from)."""
    skipped = []
    for number, rule in enumerate(rules_of(model.config), 1):
        match = value if isinstance(value := rule.get("match"), dict) else {}
        if not matches(model, match, request):
            continue
        if isinstance(rule.get("assignee"), str):
            staff = rule["assignee"]
            if is_active(model, staff):
                return Proposal(staff, _("routing rule {number} ({match}) names {staff}.").format(
                    number=number, match=describe(match), staff=who(model, staff)), number)
            skipped.append(_("rule {number} names {staff}, who is not active").format(number=number, staff=staff))
            continue
        team = rule.get("team")
        chosen = least_busy(model, [m.id for m in model.of("staff")
                                    if team in _strings(m.get("teams")) and is_active(model, m.id)])
        if chosen:
            return Proposal(chosen, _("routing rule {number} ({match}) sends it to team {team}; {staff} "
                                      "has the fewest open requests there.").format(
                                          number=number, match=describe(match), team=team,
                                          staff=who(model, chosen)), number)
        skipped.append(_("rule {number} names team {team}, which has no active colleague").format(
            number=number, team=team))
    note = (" (" + "; ".join(skipped) + ")") if skipped else ""
    topics = _strings(request.get("topics"))
    candidates = [m.id for m in model.of("staff")
                  if is_active(model, m.id) and set(topics) & set(_strings(m.get("topics")))]
    chosen = least_busy(model, candidates)
    if chosen:
        colleague = model.get("staff", chosen)
        assert colleague is not None  # chosen is one of the active colleagues above
        handled = [t for t in topics if t in _strings(colleague.get("topics"))]
        return Proposal(chosen, _("no routing rule matched{note}; {staff} handles {topics} and has the "
                                  "fewest open requests of the colleagues who handle a topic of this request.").format(
                                      note=note, staff=who(model, chosen), topics=", ".join(handled)))
    return Proposal(None, _("no routing rule matched{note} and no active colleague handles its topics; "
                            "choose an assignee yourself.").format(note=note))


def matches(model: Model, match: dict, request: dict) -> bool:
    """Every key the rule gives must fit (and); within a key, any value may (or)."""
    if not any(key in match for key in MATCH_KEYS):
        return False
    if "topics" in match and not set(_strings(match["topics"])) & set(_strings(request.get("topics"))):
        return False
    if "tags" in match and not set(_strings(match["tags"])) & set(_strings(request.get("tags"))):
        return False
    if "kind" in match and request.get("kind") not in _strings(match["kind"]):
        return False
    if "organisation" in match:
        asker = value if isinstance(value := request.get("from"), dict) else {}
        lineage = organisation_lineage(model, asker.get("organisation"))
        if not set(_strings(match["organisation"])) & set(lineage):
            return False
    return True


def organisation_lineage(model: Model, organisation: Any) -> list[str]:
    """The organisation and every organisation above it through `parent` (a council's
    question matches a rule for its municipality); a cycle ends where it repeats."""
    chain: list[str] = []
    while isinstance(organisation, str) and organisation not in chain:
        chain.append(organisation)
        record = model.get("organisations", organisation)
        organisation = record.get("parent") if record else None
    return chain


def is_active(model: Model, staff: str) -> bool:
    record = model.get("staff", staff)
    return record is not None and record.get("active", True) is not False


def who(model: Model, staff: str) -> str:
    """A colleague as staff read it: `Anna Veldkamp (anna)`."""
    record = model.get("staff", staff)
    name = record.get("name") if record else None
    return f"{name} ({staff})" if isinstance(name, str) and name else staff


def least_busy(model: Model, staff: Iterable[str]) -> str | None:
    """Of `staff`, the one with the fewest open requests; ties go to the first id."""
    pipeline = pipeline_of(model.config)
    load: dict[str, int] = {}
    for request in model.of("requests"):
        assignee = request.get("assignee")
        if isinstance(assignee, str) and is_open(request.data, pipeline):
            load[assignee] = load.get(assignee, 0) + 1
    ranked = sorted(set(staff), key=lambda s: (load.get(s, 0), s))
    return ranked[0] if ranked else None


def describe(match: dict) -> str:
    """A rule's match in one line, as staff wrote it: `topics: privacy; kind: access`."""
    return "; ".join(f"{key}: {', '.join(_strings(match[key]))}" for key in MATCH_KEYS if key in match)


def _strings(value: Any) -> list[str]:
    """A string or a list of strings as a list (rules accept either)."""
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
