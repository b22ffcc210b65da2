"""W001: a request's stage must be a stage of the pipeline.

The pipeline is data: the stages under `pipeline` in crmtool.yaml, or the default pipeline
(received, triage, in-progress, proposal, approved, rejected, closed) when crmtool.yaml has
none. A stage that is not one of them is usually a typo or a stage of another organisation's
process; overviews, `crmtool review` and the transition check (W002) cannot place such a
request, so it would quietly drop out of every queue.

Checked: the request's `stage` and the `stage` of every `history` entry. The message says
whether the stages come from crmtool.yaml or from the default pipeline; the hint lists the
stages and proposes the closest one (by id, or by a stage's label, so the Dutch label
`afgesloten` leads to `closed`). A pipeline in crmtool.yaml that names an undefined stage in
`start` or in a stage's `next` is reported at that place in crmtool.yaml too: requests could
be sent to a stage that does not exist. Values that are not text are left to the schema
check (S001).

Passing::

    stage: in-progress
    history:
      - {date: 2026-11-02, stage: received}
      - {date: 2026-11-03, stage: in-progress}

Failing::

    stage: in-progres
    history:
      - {date: 2026-11-02, stage: new}
"""
from __future__ import annotations

import difflib
from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.pipeline import Pipeline, pipeline_of
from ..load.repo import CONFIG_FILE
from .base import RepoContext, Rule
from ..domain.texts import excerpt

RULE = Rule("W001", "error", N_("A request's stage must be a stage of the pipeline"), "repository", "workflow")


def check(ctx: RepoContext) -> Iterator[Finding]:
    pipeline = pipeline_of(ctx.model.config)
    if not pipeline.stages:
        return  # crmtool.yaml's pipeline is invalid: its schema check stops the run before this
    if pipeline.configured:
        yield from _check_config(ctx, pipeline)
    for request in ctx.model.of("requests"):
        stage = request.get("stage")
        if isinstance(stage, str) and not pipeline.known(stage):
            yield _finding(ctx, pipeline, request, ("stage",), stage)
        history = request.get("history")
        for index, entry in enumerate(history if isinstance(history, list) else []):
            stage = entry.get("stage") if isinstance(entry, dict) else None
            if isinstance(stage, str) and not pipeline.known(stage):
                yield _finding(ctx, pipeline, request, ("history", index, "stage"), stage)


def _finding(ctx: RepoContext, pipeline: Pipeline, request, pointer: tuple, stage: str) -> Finding:
    if pipeline.configured:
        message = _("'{stage}' is not a stage of the pipeline in crmtool.yaml.").format(stage=excerpt(stage))
        known = _("The stages in crmtool.yaml are: {stages}.").format(stages=", ".join(pipeline.stages))
        fix = _("Use one of them, or add the stage to `pipeline` in crmtool.yaml.")
    else:
        message = _("'{stage}' is not a stage of the default pipeline.").format(stage=excerpt(stage))
        known = _("The stages of the default pipeline are: {stages}.").format(stages=", ".join(pipeline.stages))
        fix = _("Use one of them, or describe your own stages under `pipeline` in crmtool.yaml.")
    close = _closest(pipeline, stage)
    hint = (_("Did you mean '{close}'?").format(close=close) + " " if close else "") + known + " " + fix
    return RULE.finding(request.path, ctx.at(request, pointer), message, hint)


def _closest(pipeline: Pipeline, stage: str) -> str | None:
    """The stage id closest to `stage`, comparing with ids and with labels in any language."""
    names: dict[str, str] = {}
    for stage_id, definition in pipeline.stages.items():
        label = definition.get("label")
        labels = label.values() if isinstance(label, dict) else [label]
        for text in labels:
            if isinstance(text, str):
                names.setdefault(text.lower(), stage_id)
                names.setdefault(text.lower().replace(" ", "-"), stage_id)
        names[stage_id] = stage_id
    match = difflib.get_close_matches(stage.lower(), list(names), n=1)
    return names[match[0]] if match else None


def _check_config(ctx: RepoContext, pipeline: Pipeline) -> Iterator[Finding]:
    """A configured pipeline must only name stages it defines, in `start` and in `next`."""
    config = ctx.model.config.get("pipeline")
    if not isinstance(config, dict):  # a configured pipeline is a mapping (pipeline_of)
        return

    def hint(stage: str) -> str:
        close = _closest(pipeline, stage)
        return (_("Did you mean '{close}'?").format(close=close) + " " if close else "") + _(
            "Define the stage under `pipeline.stages` in crmtool.yaml, or correct the name. The stages are: "
            "{stages}.").format(stages=", ".join(pipeline.stages))

    for index, stage in enumerate(value if isinstance(value := config.get("start"), list) else []):
        if isinstance(stage, str) and not pipeline.known(stage):
            yield RULE.finding(CONFIG_FILE, ctx.locator.position(CONFIG_FILE, ("pipeline", "start", index)),
                               _("The pipeline starts in '{stage}', which is not one of its stages.").format(
                                   stage=stage),
                               hint(stage))
    for stage_id, definition in pipeline.stages.items():
        following = definition.get("next")
        for index, target in enumerate(following if isinstance(following, list) else []):
            if isinstance(target, str) and not pipeline.known(target):
                yield RULE.finding(
                    CONFIG_FILE, ctx.locator.position(CONFIG_FILE, ("pipeline", "stages", stage_id, "next", index)),
                    _("The stage '{stage}' leads to '{target}', which is not a stage of the pipeline.").format(
                        stage=stage_id, target=target),
                    hint(target))
