"""W002: a request moves only along the pipeline's transitions.

The history of a request is its audit trail: who moved it to which stage, and when. The
pipeline (crmtool.yaml `pipeline`, or the default one) says where a request may start and
which stage may follow which; a step it does not allow means a step was skipped or mistyped,
and a reader can no longer trust the trail.

The stage sequence is the `stage` of every `history` entry, in file order. An entry without
a stage (which the schema refuses) is skipped; a hand-over to another `assignee` repeats the
current stage, and staying in a stage is always allowed. When the request's `stage` differs
from the last history stage, it is the last step (the change was made without a history
entry). Then:

- the first step must be a start stage of the pipeline (reported at that history entry);
- each step must be allowed after the one before it; staying in the same stage is always
  allowed (reported at the later step: its history entry, or the `stage` field);
- history is kept oldest first: an entry dated before the entry above it is reported at its
  `date`.

A stage that is not in the pipeline is W001's finding: no transition into or out of it is
judged. History is optional: a request without stage history is fine in any known stage
(records created before the pipeline was kept, or a request entered by hand).

Passing::

    stage: in-progress
    history:
      - {date: 2026-11-02, stage: received}
      - {date: 2026-11-03, stage: triage}
      - {date: 2026-11-04, stage: triage, assignee: anna}   # a hand-over
      - {date: 2026-11-05, stage: in-progress}

Failing::

    stage: approved                             # proposal skipped
    history:
      - {date: 2026-11-02, stage: received}
      - {date: 2026-11-01, stage: in-progress}  # dated before the entry above
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..load.model import Record, parse_date
from ..domain.pipeline import Pipeline, pipeline_of
from .base import RepoContext, Rule

RULE = Rule("W002", "error", N_("A request moves only along the pipeline's transitions"), "repository", "workflow")


def check(ctx: RepoContext) -> Iterator[Finding]:
    pipeline = pipeline_of(ctx.model.config)
    if not pipeline.stages:
        return
    for request in ctx.model.of("requests"):
        history = request.get("history")
        entries = [(i, e) for i, e in enumerate(history if isinstance(history, list) else []) if isinstance(e, dict)]
        yield from _transitions(ctx, pipeline, request)
        yield from _order(ctx, request, entries)


def stage_steps(request_data: dict) -> list[tuple[str, tuple]]:
    """The stages a request went through, each with the pointer to where it is written."""
    history = request_data.get("history")
    steps: list[tuple[str, tuple]] = [(entry["stage"], ("history", index, "stage"))
             for index, entry in enumerate(history if isinstance(history, list) else [])
             if isinstance(entry, dict) and isinstance(entry.get("stage"), str)]
    stage = request_data.get("stage")
    if steps and isinstance(stage, str) and stage != steps[-1][0]:
        steps.append((stage, ("stage",)))
    return steps


def _transitions(ctx: RepoContext, pipeline: Pipeline, request: Record) -> Iterator[Finding]:
    steps = stage_steps(request.data)
    if not steps:
        return
    first, pointer = steps[0]
    if pipeline.start and pipeline.known(first) and first not in pipeline.start:
        yield RULE.finding(request.path, ctx.at(request, pointer),
                           _("The history starts in '{stage}', but a request starts in {start}.").format(
                               stage=first, start=_one_of(pipeline.start)),
                           _("Add the first step ({start}, on the day the request was received) at the top of "
                             "the history, or correct this stage.").format(start=_one_of(pipeline.start))
                           + " " + _where(pipeline))
    for (before, _pointer), (after, pointer) in zip(steps, steps[1:]):
        if not (pipeline.known(before) and pipeline.known(after)) or pipeline.allows(before, after):
            continue
        allowed = [s for s in pipeline.stages.get(before, {}).get("next") or [] if isinstance(s, str)]
        if pointer == ("stage",):
            message = _("The stage is '{after}', but the last stage in the history is '{before}', and the pipeline "
                        "does not allow '{before}' to be followed by '{after}'.").format(before=before, after=after)
        else:
            message = _("The pipeline does not allow '{before}' to be followed by '{after}'.").format(
                before=before, after=after)
        after_before = (_("After '{before}' a request may move to {next}.").format(before=before, next=_one_of(allowed))
                        if allowed else _("'{before}' is a stage a request does not leave.").format(before=before))
        yield RULE.finding(request.path, ctx.at(request, pointer), message,
                           after_before + " " + _("Add the missing steps to the history (oldest first), or correct "
                                                  "the stage.") + " " + _where(pipeline))


def _where(pipeline: Pipeline) -> str:
    if pipeline.configured:
        return _("The pipeline is set under `pipeline` in crmtool.yaml.")
    return _("This is the default pipeline; an organisation can describe its own under `pipeline` in "
             "crmtool.yaml.")


def _order(ctx: RepoContext, request: Record, entries: list[tuple[int, dict]]) -> Iterator[Finding]:
    """History is kept oldest first: each dated entry is on or after the dated entry above it."""
    previous = None
    for index, entry in entries:
        day = parse_date(entry.get("date"))
        if day is None:
            continue
        if previous is not None and day < previous:
            yield RULE.finding(request.path, ctx.at(request, ("history", index, "date")),
                               _("This history entry is dated {day}, before the entry above it ({previous}).").format(
                                   day=day.isoformat(), previous=previous.isoformat()),
                               _("History is kept oldest first: correct the date, or move the entry to its place."))
        previous = day


def _one_of(stages) -> str:
    quoted = ["'{0}'".format(s) for s in stages]
    if len(quoted) <= 1:
        return "".join(quoted)
    return _("{stages} or {last}").format(stages=", ".join(quoted[:-1]), last=quoted[-1])
