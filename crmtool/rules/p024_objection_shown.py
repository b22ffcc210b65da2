"""P024: a granted objection or restriction shows on the person it is from.

A granted objection (Art. 21) or restriction (Art. 18) must act, and only what is on the
person can act: the exports, the public directory, the workspace's lists and the rules P025
and P026 read the person's `objections` and `restrictions`, never the request. So a request
of kind `objection` or `restriction` whose outcome is `granted` or `partly-granted` is reported
at its decision until its person (`from.person`) carries an entry in `objections` (for an
objection) or `restrictions` (for a restriction) whose `request` names it. A request from an
organisation only, or whose person does not exist (R001), is not judged; nor is one refused
or withdrawn.

Passing::

    # records/requests/dsr-2026-0007.yaml: kind: objection, from: {person: p-7k2m9q},
    #   outcome: {decision: granted, date: 2026-10-01}
    # p-7k2m9q:
    objections:
      - {scope: direct-marketing, date: 2026-10-01, request: dsr-2026-0007}

Failing::

    # the same request, and p-7k2m9q without `objections`
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.objections import granted_request
from ..domain.policy import list_of
from .base import RepoContext, Rule

RULE = Rule("P024", "error", N_("A granted objection or restriction shows on the person it is from"),
            "repository", "Art. 18, 21")

FIELD = {"objection": "objections", "restriction": "restrictions"}


def check(ctx: RepoContext) -> Iterator[Finding]:
    for request in ctx.model.of("requests"):
        if not granted_request(request):
            continue
        sender = request.get("from")
        person_id = sender.get("person") if isinstance(sender, dict) else None
        person = ctx.model.get("people", person_id) if isinstance(person_id, str) else None
        if person is None:
            continue
        field = FIELD[request.get("kind")]
        if any(isinstance(entry, dict) and entry.get("request") == request.id
               for entry in list_of(person.get(field))):
            continue
        if field == "objections":
            message = _("This objection was granted, but the person {person} has no entry in 'objections' "
                        "naming request {request}: nothing acts on it.")
            hint = _("Add to {person}: objections: - {{scope: direct-marketing or the purpose id, date: "
                     "YYYY-MM-DD, request: {request}}}.")
        else:
            message = _("This restriction was granted, but the person {person} has no entry in 'restrictions' "
                        "naming request {request}: nothing acts on it.")
            hint = _("Add to {person}: restrictions: - {{since: YYYY-MM-DD, until: null, ground: ..., "
                     "request: {request}}}.")
        yield RULE.finding(request.path, ctx.at(request, ("outcome", "decision")),
                           message.format(person=person.id, request=request.id),
                           hint.format(person=person.id, request=request.id))
