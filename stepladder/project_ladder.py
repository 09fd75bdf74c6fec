"""Which ladder a project rates on and how often: its `ProjectLadder`, or the default ladder
every three months."""

from fokus.models import Project
from stepladder.models import DEFAULT_INTERVAL_MONTHS, Ladder, ProjectLadder


def default_ladder() -> Ladder:
    return Ladder.objects.get(is_default=True)


def ladder_for(project: Project) -> Ladder:
    setting = ProjectLadder.objects.filter(project=project).select_related("ladder").first()
    return setting.ladder if setting else default_ladder()


def interval_months(project: Project) -> int:
    setting = ProjectLadder.objects.filter(project=project).only("interval_months").first()
    return setting.interval_months if setting else DEFAULT_INTERVAL_MONTHS
