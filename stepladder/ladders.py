"""Writes of ladder definitions: a federation's own ladders, their versions, and which ladder a
project rates on.

A ladder with ratings is never changed: its steps and markers are what the old ratings point
at. The admin makes a new version instead (`ladder_new_version`), which copies every step and
marker into a new ladder and leaves the old one, with its ratings, as it was.

Versions of a federation's own ladder form a line (`fokus.versions`). A new version always
continues the line at its latest ladder, takes that ladder's name and the next free version
number of the name in the federation, and copies the steps of the ladder the admin started
from.

Built-in ladders (federation null) are shared by every federation and never point into a
federation's chain. Copying one gives the federation an own ladder named
"<built-in name> (<federation name>)", version 1; copying it again continues that ladder's
chain as its next version, with the built-in ladder's steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from fokus.audit import log_access
from fokus.models import AccessAction, Federation, Project, User
from fokus.versions import chain_of, latest_of, version_create
from stepladder.models import Ladder, Marker, ProjectLadder, Rating, Step

MIN_STEPS = 2
MAX_STEPS = 20  # the database allows step numbers 1–20
MAX_MARKERS = 20


@dataclass(frozen=True)
class StepData:
    """One step as a form hands it over; its number is its place in the list (1, 2, …)."""

    headline: str
    description: str = ""
    markers: list[str] = field(default_factory=list)


class LadderLocked(PermissionDenied):
    """The ladder cannot be changed: it is built in, or ratings point at its steps."""


def steps_of(ladder: Ladder) -> list[StepData]:
    """The ladder's steps with their markers, e.g. to prefill a form. Two queries."""
    return [
        StepData(
            headline=step.headline,
            description=step.description,
            markers=[marker.text for marker in step.markers.all()],
        )
        for step in ladder.steps.prefetch_related("markers")
    ]


def edit_refusal(ladder: Ladder) -> str | None:
    """Why the ladder cannot be edited, or None if it can."""
    if ladder.federation_id is None:
        return _(
            "Built-in ladders are shared by every federation and cannot be changed. Make a "
            "new version to get your own copy that you can change."
        )
    if ladder.is_in_use():
        return _(
            "This ladder has ratings, and changing it would change what they say. Make a new "
            "version instead: the ratings stay on this one."
        )
    return None


def _write_steps(ladder: Ladder, steps: list[StepData]) -> None:
    if not MIN_STEPS <= len(steps) <= MAX_STEPS:
        raise ValueError(f"a ladder has {MIN_STEPS}–{MAX_STEPS} steps, not {len(steps)}")
    created = Step.objects.bulk_create(
        Step(ladder=ladder, number=number, headline=data.headline, description=data.description)
        for number, data in enumerate(steps, start=1)
    )
    Marker.objects.bulk_create(
        Marker(step=step, text=text, position=position)
        for step, data in zip(created, steps, strict=True)
        for position, text in enumerate(data.markers, start=1)
    )


def _next_version(federation_id: int, name: str) -> int:
    latest = Ladder.objects.filter(federation_id=federation_id, name=name).aggregate(
        latest=Max("version")
    )["latest"]
    return (latest or 0) + 1


class LadderNameTaken(ValueError):
    """Another ladder of the federation already has the name."""


def name_taken(federation_id: int, name: str, *, ladder: Ladder | None = None) -> bool:
    """Whether `name` belongs to another own ladder of the federation. The versions of
    `ladder` (the one being edited) share its name and do not count."""
    others = Ladder.objects.filter(federation_id=federation_id, name=name)
    if ladder is None:
        return others.exists()
    chain_ids = [version.pk for version in chain_of(ladder)]
    return (
        others.exclude(pk__in=chain_ids).exists()
        or others.filter(version=ladder.version).exclude(pk=ladder.pk).exists()
    )


def _lock_federation(federation_id: int) -> None:
    """Serialise the writes of one federation's ladders: names and version numbers are
    checked and chosen inside the lock, so a double-clicked form cannot take one twice."""
    Federation.objects.select_for_update().filter(pk=federation_id).first()


@transaction.atomic
def ladder_create(
    *,
    actor: User,
    federation: Federation,
    name: str,
    description: str,
    steps: list[StepData],
) -> Ladder:
    """A new own ladder of the federation, version 1. Raises LadderNameTaken."""
    _lock_federation(federation.pk)
    if name_taken(federation.pk, name):
        raise LadderNameTaken(name)
    ladder = Ladder.objects.create(
        federation=federation, name=name, description=description, version=1, created_by=actor
    )
    _write_steps(ladder, steps)
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=ladder,
        detail=f"{len(steps)} steps",
    )
    return ladder


@transaction.atomic
def ladder_update(
    *,
    actor: User,
    ladder: Ladder,
    name: str,
    description: str,
    steps: list[StepData],
) -> Ladder:
    """Replace the name, description, steps and markers of an own ladder without ratings.

    Raises LadderLocked for a built-in ladder or one with ratings, LadderNameTaken for a name
    of another ladder. Should a rating be saved on one of its steps meanwhile, deleting the
    step fails (ratings protect their step) and the whole change rolls back."""
    if ladder.federation_id is None:
        raise LadderLocked(edit_refusal(ladder))
    _lock_federation(ladder.federation_id)
    ladder = Ladder.objects.select_for_update().get(pk=ladder.pk)
    refusal = edit_refusal(ladder)
    if refusal:
        raise LadderLocked(refusal)
    if name_taken(ladder.federation_id, name, ladder=ladder):
        raise LadderNameTaken(name)
    changed = []
    if name != ladder.name:
        changed.append("name")
    if description != ladder.description:
        changed.append("description")
    ladder.name = name
    ladder.description = description
    ladder.save(update_fields=["name", "description"])
    ladder.steps.all().delete()  # markers go with their steps
    _write_steps(ladder, steps)
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        obj=ladder,
        detail=", ".join([*changed, f"{len(steps)} steps"]),
    )
    return ladder


@transaction.atomic
def ladder_new_version(*, actor: User, ladder: Ladder) -> Ladder:
    """A new own ladder of the actor's federation with a copy of `ladder`'s steps and markers.

    `ladder` is a built-in ladder or one of the federation's own (fetched through
    `Ladder.objects.for_federation`). See the module docstring for names and numbers."""
    federation_id = actor.federation_id
    if federation_id is None or ladder.federation_id not in (None, federation_id):
        raise PermissionDenied
    _lock_federation(federation_id)
    if ladder.federation_id is None:
        max_length = Ladder._meta.get_field("name").max_length
        name = f"{ladder.name} ({actor.federation.name})"[:max_length]
        latest = (
            Ladder.objects.filter(federation_id=federation_id, name=name)
            .order_by("-version")
            .first()
        )
        previous = latest_of(latest) if latest else None
    else:
        previous = latest_of(ladder)
        name = previous.name
    copy = version_create(
        model=Ladder,
        previous=previous,
        version=_next_version(federation_id, name),
        federation_id=federation_id,
        name=name,
        description=ladder.description,
        created_by=actor,
    )
    _write_steps(copy, steps_of(ladder))
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=copy,
        detail=f"new version, copied from ladder {ladder.pk} ({ladder})",
    )
    return copy


@transaction.atomic
def project_ladder_save(
    *,
    actor: User,
    project: Project,
    ladder: Ladder,
    interval_months: int,
) -> ProjectLadder:
    """Set the ladder the project rates on and how many months apart. Older ratings keep
    their steps, so they stay on the ladder they were made on."""
    if ladder.federation_id not in (None, project.federation_id):
        raise PermissionDenied
    setting, created = ProjectLadder.objects.select_for_update().get_or_create(
        project=project, defaults={"ladder": ladder, "interval_months": interval_months}
    )
    if not created:
        setting.ladder = ladder
        setting.interval_months = interval_months
        setting.save(update_fields=["ladder", "interval_months"])
    log_access(
        actor=actor,
        action=AccessAction.CREATE if created else AccessAction.CHANGE,
        obj=project,
        detail=f"step ladder {ladder.pk} ({ladder}), every {interval_months} months",
    )
    return setting


def ratings_on_other_ladders(project: Project, ladder: Ladder) -> int:
    """How many of the project's ratings were made on another ladder than `ladder`."""
    return Rating.objects.filter(enrolment__project=project).exclude(step__ladder=ladder).count()
