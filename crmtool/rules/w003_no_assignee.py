"""W003: an open request needs an assignee who still works here.

A question nobody owns is a question nobody answers; for a data-subject request it is a
missed legal deadline in the making. A request is open while it has no `closed` date and its
stage is not a final stage of the pipeline (in the default pipeline `rejected` and `closed`
are final; `approved` is not, since the approved project is still being carried out).

Reported: an open request without `assignee` (at its `stage`, or at the top of the file when
it has no stage), and an open request whose assignee's staff record says `active: false`
(the colleague has left or is not available; at `assignee`). An assignee without a staff
record is R001's finding. A warning: the request is still valid, but someone has to take it.

Passing::

    stage: in-progress
    assignee: anna          # records/staff/anna.yaml, active

Failing::

    stage: in-progress      # no assignee
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.pipeline import is_open, pipeline_of
from .base import RepoContext, Rule

RULE = Rule("W003", "warning", N_("An open request needs an assignee who still works here"), "repository", "workflow")


def check(ctx: RepoContext) -> Iterator[Finding]:
    pipeline = pipeline_of(ctx.model.config)
    for request in ctx.model.of("requests"):
        if not is_open(request.data, pipeline):
            continue
        assignee = request.get("assignee")
        if assignee is None:
            stage = request.get("stage")
            yield RULE.finding(
                request.path, ctx.at(request, ("stage",) if "stage" in request.data else ()),
                (_("This open request (stage '{stage}') has no assignee.").format(stage=stage)
                 if isinstance(stage, str) else _("This open request has no assignee.")),
                _("Hand it to a colleague: crmtool assign {request} STAFF.").format(request=request.id))
        elif isinstance(assignee, str):
            staff = ctx.model.get("staff", assignee)
            if staff is not None and staff.get("active") is False:
                yield RULE.finding(
                    request.path, ctx.at(request, ("assignee",)),
                    _("The assignee '{staff}' has left or is not available (active: false in {path}), "
                      "but this request is still open.").format(staff=assignee, path=staff.path),
                    _("Hand it to a colleague who is available: crmtool assign {request} STAFF.").format(
                        request=request.id))
