"""Demo reports: the narrative of the demo project's final report, and the exit report of the
participant who left for work, finalised and shared with the referring agency."""

from django.db import transaction

from fokus.models import Project, User
from participants.models import Enrolment
from reports.figures import Period
from reports.models import ParticipantReport, ProjectReport
from reports.services import (
    participant_report_create,
    participant_report_finalise,
    project_report_save,
)

FINAL_NARRATIVE = {
    "description": (
        "Fokus 3.0 är en samverkansinsats för personer som står långt från arbetsmarknaden. "
        "Deltagarna möter koordinatorer i individuella samtal och i ett gruppprogram."
    ),
    "goals": "Minst hälften av deltagarna ska ha tagit ett steg närmare arbete eller studier.",
    "reflection": "Gruppträffarna och de täta individuella samtalen har burit insatsen.",
    "lessons": "Tydlig mottagare vid avslut gör att ingen faller mellan stolarna.",
}


@transaction.atomic
def seed_reports(*, project: Project) -> None:
    coordinator = User.objects.get(email="koordinator@demo.fokus.example")
    if not ProjectReport.objects.filter(project=project, kind="final").exists():
        project_report_save(
            actor=coordinator,
            project=project,
            kind="final",
            period=Period.of_project(project),
            values=FINAL_NARRATIVE,
        )
    exited = Enrolment.objects.filter(project=project, status="exited").first()
    if exited and not ParticipantReport.objects.filter(enrolment=exited).exists():
        report = participant_report_create(
            actor=coordinator,
            enrolment=exited,
            kind="exit",
            mapping="Kartläggning gjord vid start: lång tid utan arbete, intresse för lager.",
            summary="Har deltagit aktivt och fått anställning med lönestöd.",
            recommendations="Avstämning med arbetsgivaren och AF efter tre månader.",
        )
        participant_report_finalise(actor=coordinator, report=report)
