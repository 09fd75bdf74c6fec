"""Demo surveys for the demo project: the partner survey "Samverkan" sent to twelve fictional
contacts (ten invited, eight answered), and the group-programme survey with the running start's
anonymous link and four answers. All people are fictional; e-mail addresses use the reserved
example.invalid domain."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cohorts.models import Cohort
from fokus.models import Agency, Project, User
from surveys.answering import (
    GivenAnswer,
    hash_token,
    new_token,
    response_save_anonymous,
    response_save_personal,
)
from surveys.definitions import survey_copy
from surveys.models import AnonymousLink, Contact, Invitation, QuestionKind, Survey

CONTACTS = [
    ("Anna Arbetsförmedlare", "Arbetsförmedlingen", "Handläggare"),
    ("Bo Bedömare", "Försäkringskassan", "Handläggare"),
    ("Cissi Coach", "Arbetsförmedlingen", "Arbetskonsulent"),
    ("Dan Doktorsson", "Region Sjöbygden", "Läkare, vårdcentralen"),
    ("Eva Ekonomisson", "Ekeby kommun, socialtjänsten", "Socialsekreterare"),
    ("Frans Försäkring", "Försäkringskassan", "Samordnare"),
    ("Gun Gruppledare", "Norrvik kommun, socialtjänsten", "Socialsekreterare"),
    ("Hugo Hälsa", "Region Sjöbygden", "Fysioterapeut"),
    ("Ida Insats", "Arbetsförmedlingen", "Handläggare"),
    ("Jan Jobbcoach", "Sjömark kommun, socialtjänsten", "Arbetsmarknadskonsulent"),
    ("Kim Kontakt", "Försäkringskassan", "Handläggare"),
    ("Lena Lots", "Region Sjöbygden", "Kurator"),
]

# Per answering contact: Q1 option index, the six scale answers, Q5 option index, comment.
PARTNER_ANSWERS = [
    (0, [4, 4, 3, 4, 4, 4], 2, "Mycket bra samarbete, snabba svar."),
    (1, [3, 3, 4, 4, 3, 4], 1, ""),
    (1, [4, 3, 3, 3, 3, 3], 1, ""),
    (2, [2, 3, 3, 3, 2, 4], 0, "Svårt att nå projektet under sommaren."),
    (0, [4, 4, 4, 4, 4, 4], 2, ""),
    (3, [3, 2, 3, 3, 3, 3], 1, ""),
    (1, [4, 4, 4, 3, 4, 4], 2, "Fortsätt gärna med gruppträffarna."),
    (4, [3, 3, 2, 3, 3, 4], 0, ""),
]

GROUP_ANSWERS = [
    "Att träffa andra i samma situation.",
    "Passen om sömn och stress.",
    "Promenaderna med koordinatorn.",
    "Att få en rutin i veckan.",
]


def _partner_answers(survey, row) -> list[GivenAnswer]:
    first, scales, fifth, comment = row
    questions = list(survey.questions.prefetch_related("options").order_by("position"))
    scale_values = iter(scales)
    answers = []
    for question in questions:
        options = list(question.options.all())
        if question.kind == QuestionKind.SCALE:
            answers.append(GivenAnswer(question, scale_value=next(scale_values)))
        elif question.kind == QuestionKind.SINGLE:
            index = first if question.position == 1 else fifth
            answers.append(GivenAnswer(question, options=[options[index]]))
        elif comment:
            answers.append(GivenAnswer(question, text=comment))
    return answers


@transaction.atomic
def seed_surveys(*, project: Project) -> None:
    if Survey.objects.filter(project=project).exists():
        return  # seeded before
    coordinator = User.objects.get(email="koordinator@demo.fokus.example")
    templates = Survey.objects.templates()
    partner = survey_copy(
        actor=coordinator, source=templates.get(name="Samverkan"), project=project
    )
    agencies = {a.name: a for a in Agency.objects.filter(federation=project.federation)}
    contacts = [
        Contact.objects.create(
            project=project,
            name=name,
            agency=agencies.get(agency),
            role=role,
            email=f"{name.split()[0].lower()}@example.invalid",
        )
        for name, agency, role in CONTACTS
    ]
    sent = timezone.now() - timedelta(days=21)
    invitations = [
        Invitation.objects.create(
            survey=partner,
            contact=contact,
            token_hash=hash_token(new_token()),
            expires_on=timezone.localdate() + timedelta(days=7),
            sent_at=sent,
            sent_by=coordinator,
        )
        for contact in contacts[:10]
    ]
    for invitation, row in zip(invitations, PARTNER_ANSWERS, strict=False):
        response_save_personal(
            invitation=invitation, answers=_partner_answers(partner, row), language="sv"
        )

    group = survey_copy(
        actor=coordinator,
        source=templates.filter(audience="participants").order_by("pk").first(),
        project=project,
    )
    cohort = Cohort.objects.filter(project=project).order_by("start_date").first()
    link = AnonymousLink.objects.create(
        survey=group, cohort=cohort, token_hash=hash_token(new_token()), created_by=coordinator
    )
    first_question = group.questions.order_by("position").first()
    for text in GROUP_ANSWERS:
        response_save_anonymous(
            link=link, answers=[GivenAnswer(first_question, text=text)], language="sv"
        )
