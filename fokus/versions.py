"""Definitions that have versions: step ladders and surveys.

A versioned model has a `version` number and `previous_version`, a one-to-one to itself whose
reverse is `next_version`. The one-to-one keeps the versions of a definition in a line: each
version has at most one next version, and the newest of the line is the current one. A new
version is a new row that points back at the newest; the old rows stay as they were, with the
ratings or answers that point at them.

What a new version copies (steps and markers, questions and options) is the caller's business;
this module only keeps the line.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models, transaction

V = TypeVar("V", bound=models.Model)


class NewerVersionExists(ValueError):
    """A new version continues the line at its newest version only; `latest` is that one."""

    def __init__(self, latest: models.Model):
        super().__init__(str(latest))
        self.latest = latest


def chain_of(definition: V) -> list[V]:
    """Every version of the definition, oldest first (the definition itself included)."""
    manager = type(definition)._default_manager
    chain = [definition]
    current = definition
    while current.previous_version_id is not None:
        current = manager.get(pk=current.previous_version_id)
        chain.insert(0, current)
    current = definition
    while (following := manager.filter(previous_version=current).first()) is not None:
        chain.append(following)
        current = following
    return chain


def latest_of(definition: V) -> V:
    """The current version: the newest of the definition's line."""
    return chain_of(definition)[-1]


@transaction.atomic
def version_create(
    *, model: type[V], previous: V | None, version: int | None = None, **fields
) -> V:
    """A new row of `model` after `previous` (a first version when None), with `fields`.

    `version` defaults to the previous version's number + 1 (1 for a first version). The
    previous row is locked first, so that two requests cannot both continue the line from it;
    raises NewerVersionExists when it already has a next version."""
    if previous is not None:
        previous = model._default_manager.select_for_update(of=("self",)).get(pk=previous.pk)
        if model._default_manager.filter(previous_version=previous).exists():
            raise NewerVersionExists(latest_of(previous))
    if version is None:
        version = previous.version + 1 if previous is not None else 1
    return model._default_manager.create(previous_version=previous, version=version, **fields)
