"""P018: the not-for-profit exception covers members and regular contacts only.

Art. 9(2)(d) lets a foundation, association or other not-for-profit body with a political,
philosophical, religious or trade-union aim process special-category data, but only of its
members, former members and people in regular contact with it, in its legitimate
activities. A purpose with `article9_exception: not-for-profit-members` is therefore
reported:

- at `article9_exception` when `crmtool.yaml` does not say `controller.not_for_profit: true`
  (the exception is not available to anyone else);
- at each `data_subjects` entry that is not a member category. The member categories are
  the setting `member_subjects` (default: members, former-members, regular-contacts), so an
  organisation that names its members differently (e.g. `member-municipalities`) can say so.

Both can be reported for the same purpose. The rule does not judge whether the body's aim
is political, philosophical, religious or trade-union, nor the condition that the data are
not disclosed outside the body without consent: those are the DPO's judgement.

Passing::

    # crmtool.yaml: controller: {name: ..., not_for_profit: true}
    article9_exception: not-for-profit-members
    data_subjects: [members, former-members]

Failing::

    # crmtool.yaml: controller: {name: ..., not_for_profit: true}
    article9_exception: not-for-profit-members
    data_subjects: [members, newsletter-subscribers]
"""
from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from ..i18n import N_, _
from ..domain.policy import MEMBER_SUBJECTS
from .base import RepoContext, Rule, Setting

MEMBERS = Setting("member_subjects", list(MEMBER_SUBJECTS),
                  N_("The data subjects that count as members or regular contacts for Art. 9(2)(d)"))

RULE = Rule("P018", "error", N_("The not-for-profit exception covers members and regular contacts only"),
            "repository", "Art. 9(2)(d)", settings=(MEMBERS,))

EXCEPTION = "not-for-profit-members"


def check(ctx: RepoContext) -> Iterator[Finding]:
    purposes = [p for p in ctx.model.of("purposes") if p.get("article9_exception") == EXCEPTION]
    if not purposes:
        return
    controller = ctx.model.config.get("controller")
    not_for_profit = isinstance(controller, dict) and controller.get("not_for_profit") is True
    members = ctx.setting(MEMBERS)
    allowed = ", ".join(members)
    for purpose in purposes:
        if not not_for_profit:
            yield RULE.finding(
                purpose.path, ctx.at(purpose, ("article9_exception",)),
                _("This purpose relies on the not-for-profit exception (Art. 9(2)(d)), but crmtool.yaml "
                  "does not say that the controller is a not-for-profit body (controller.not_for_profit)."),
                _("The exception is only for foundations, associations and other not-for-profit bodies "
                  "with a political, philosophical, religious or trade-union aim. If that is you, set "
                  "controller.not_for_profit: true in crmtool.yaml; otherwise choose another Art. 9(2) "
                  "exception, such as explicit-consent."))
        subjects = purpose.get("data_subjects")
        if not isinstance(subjects, list):
            continue
        for index, subject in enumerate(subjects):
            if isinstance(subject, str) and subject not in members:
                yield RULE.finding(
                    purpose.path, ctx.at(purpose, ("data_subjects", index)),
                    _("The not-for-profit exception (Art. 9(2)(d)) does not cover the data subjects "
                      "'{subject}'.").format(subject=subject),
                    _("It covers only members, former members and people in regular contact with the "
                      "body ({allowed}). Move '{subject}' to a purpose with another Art. 9(2) exception, "
                      "such as explicit-consent, or, if they are members under another name, add them "
                      "to the setting member_subjects in crmtool.yaml.").format(
                          allowed=allowed or _("none configured"), subject=subject))
