"""The handlers: what each kind of job does. Higher apps register theirs when they load
(import their `jobs` module in `AppConfig.ready`), so `fokus` never imports them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fokus.jobs.progress import Progress
    from fokus.models import Job


class JobError(Exception):
    """Raised by a handler: the job fails with this message, shown to the user as it is (a
    Swedish sentence saying what went wrong and what to do)."""


@dataclass(frozen=True)
class JobHandler:
    """A registered handler. Like a view it is a caller, not a service: it writes through
    services (each atomic on its own, which the suite's writer check watches) and through
    `progress`, never in one transaction across the whole job (see `fokus.jobs`)."""

    kind: str
    func: Callable[..., dict | None]
    # A project permission (fokus.policy.projects.PERMISSIONS) the job's page and file ask
    # again of its starter, for a job with a project: losing the role hides the result too.
    permission: str | None = None

    def __call__(self, job: Job, progress: Progress) -> dict | None:
        return self.func(job, progress)


HANDLERS: dict[str, JobHandler] = {}


def job_handler(kind: str, *, permission: str | None = None) -> Callable[[Callable], JobHandler]:
    """`@job_handler("imports.preview")` above `def preview(job, progress) -> dict | None`."""
    if not kind or len(kind) > 40:
        raise ValueError(f"A job kind is 1 to 40 characters, not {kind!r}")

    def register(func: Callable[..., Any]) -> JobHandler:
        known = HANDLERS.get(kind)
        if known is not None and (known.func.__module__, known.func.__qualname__) != (
            func.__module__,
            func.__qualname__,
        ):
            raise ValueError(f"Two handlers for the job kind {kind!r}")
        handler = JobHandler(kind=kind, func=func, permission=permission)
        HANDLERS[kind] = handler
        return handler

    return register


def handler_for(kind: str) -> JobHandler:
    try:
        return HANDLERS[kind]
    except KeyError:
        raise LookupError(f"No job handler is registered for {kind!r}") from None
