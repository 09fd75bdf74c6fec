"""The three built-in surveys of DOMAIN §8, shared by every federation (federation and project
null): the partner survey "Samverkan", the participant survey after the group programme and
the participant survey at exit. Coordinators copy one into their project and adapt the copy.

The texts are what respondents read, so they are written in Swedish, with English
translations in the `translations` fields so that more languages can be offered later.

Required: the partner survey's scale and choice questions are required (its results are
counts and means per question, and a skipped question would lower that question's response
rate without saying why); every free-text question is optional. No question offers "don't
know": the paper survey these come from did not.
"""

from django.db import migrations

SINGLE, SCALE, TEXT = "single", "scale", "text"


def choice(text, en, options):
    """options: [(Swedish, English)]"""
    return {"kind": SINGLE, "text": text, "en": en, "required": True, "options": options}


def scale(text, en, low, high):
    """low/high: (Swedish, English) labels of 1 and 4."""
    return {"kind": SCALE, "text": text, "en": en, "required": True, "low": low, "high": high}


def free_text(text, en):
    return {"kind": TEXT, "text": text, "en": en, "required": False}


PARTNER_SURVEY = {
    "name": "Samverkan",
    "audience": "partners",
    "introduction": (
        "Du har samarbetat med projektet kring en eller flera deltagare. Vi vill veta hur "
        "samverkan har fungerat, så att vi kan bli bättre. Enkäten tar ungefär fem minuter."
    ),
    "thanks": "Tack för dina svar! De hjälper oss att utveckla samverkan.",
    "en": {
        "name": "Collaboration",
        "introduction": (
            "You have worked with the project on one or more participants. We would like to "
            "know how the collaboration has worked, so that we can improve. The survey takes "
            "about five minutes."
        ),
        "thanks": "Thank you for your answers! They help us develop our collaboration.",
    },
    "questions": [
        choice(
            "Hur ofta har du haft kontakt med projektet?",
            "How often have you been in contact with the project?",
            [
                ("Varje vecka", "Every week"),
                ("Någon gång i månaden", "Sometime a month"),
                ("Varannan månad", "Every other month"),
                ("Mer sällan", "More rarely"),
                ("Några enstaka gånger", "A few times"),
            ],
        ),
        scale(
            "Hur lätt har det varit att nå projektet?",
            "How easy was it to reach the project?",
            ("Svårt", "Hard"),
            ("Lätt", "Easy"),
        ),
        scale(
            "Hur har det varit att få information från projektet?",
            "How was getting information from the project?",
            ("Krångligt", "Complicated"),
            ("Lätt", "Easy"),
        ),
        scale(
            "Hur har samarbetet med personalen i projektet fungerat?",
            "How has cooperation with the project staff worked?",
            ("Svårt", "Hard"),
            ("Lätt", "Easy"),
        ),
        choice(
            "Har projektet förbättrat ert samarbete med parterna?",
            "Has the project improved your collaboration with the parties?",
            [("Nej", "No"), ("Ja", "Yes"), ("Ja, med flera", "Yes, with several")],
        ),
        scale(
            "Hur bedömer du projektet som helhet?",
            "How do you rate the project as a whole?",
            ("Mycket dåligt", "Very bad"),
            ("Mycket bra", "Very good"),
        ),
        scale(
            "Hur tycker du att deltagarna ni samarbetat kring har utvecklats?",
            "How do you think the participants you collaborated on have done?",
            ("Oförändrat/bakåt", "Unchanged/backwards"),
            ("Mycket bra/framåt", "Very good/forwards"),
        ),
        scale(
            "I vilken grad ser du ett behov av denna typ av projekt i framtiden?",
            "To what extent do you see a need for this kind of project in the future?",
            ("Litet", "Little"),
            ("Stort", "Much"),
        ),
        free_text("Övriga kommentarer", "Other comments"),
    ],
}

PARTICIPANT_INTRODUCTION = (
    "Vi vill gärna veta vad du tycker, så att vi kan göra verksamheten bättre. Det finns inga "
    "rätta eller felaktiga svar, och du kan hoppa över frågor som du inte vill svara på."
)
PARTICIPANT_INTRODUCTION_EN = (
    "We would like to know what you think, so that we can make the programme better. There "
    "are no right or wrong answers, and you can skip any question you do not want to answer."
)

AFTER_GROUP_SURVEY = {
    "name": "Deltagarenkät efter gruppverksamheten",
    "audience": "participants",
    "introduction": PARTICIPANT_INTRODUCTION,
    "thanks": "Tack för dina svar!",
    "en": {
        "name": "Participant survey after the group programme",
        "introduction": PARTICIPANT_INTRODUCTION_EN,
        "thanks": "Thank you for your answers!",
    },
    "questions": [
        free_text("Vad skulle kunna bli bättre?", "What could be improved?"),
        free_text("Vad har varit bäst?", "What has been best?"),
        free_text(
            "Vad skulle du vilja ha mer av, eller ha annorlunda?",
            "What would you like more of, or done differently?",
        ),
        free_text(
            "Vad tycker du om sätten som information har getts på (till exempel film, "
            "bildspel och övningar)?",
            "What do you think of the ways information was given (for example film, slides "
            "and exercises)?",
        ),
        free_text("Vad har gruppen gett dig?", "What has the group given you?"),
        free_text(
            "Hur skulle du vilja att veckan delades mellan grupp och enskilda samtal?",
            "How would you like the week to be split between the group and individual talks?",
        ),
        free_text(
            "Vad har tiden i projektet gett dig hittills?",
            "What has your time in the project given you so far?",
        ),
        free_text(
            "Hur känner du inför att fortsätta?",
            "How do you feel about continuing?",
        ),
        free_text(
            "Hur har övningarna och hemuppgifterna varit?",
            "How were the exercises and the homework?",
        ),
        free_text(
            "Vad tycker du om digitala grupper?",
            "What do you think of digital groups?",
        ),
    ],
}

EXIT_SURVEY = {
    "name": "Deltagarenkät vid avslut",
    "audience": "participants",
    "introduction": PARTICIPANT_INTRODUCTION,
    "thanks": "Tack för dina svar, och lycka till framöver!",
    "en": {
        "name": "Participant survey at exit",
        "introduction": PARTICIPANT_INTRODUCTION_EN,
        "thanks": "Thank you for your answers, and good luck!",
    },
    "questions": [
        free_text(
            "Vilka förväntningar hade du när du började?",
            "What were your expectations when you started?",
        ),
        free_text("Vad blir ditt nästa steg?", "What is your next step?"),
        free_text("Vad var bra?", "What was good?"),
        free_text("Vad var mindre bra?", "What was less good?"),
        free_text(
            "Vad skulle du ha gjort annorlunda?",
            "What would you have done differently?",
        ),
        free_text(
            "Vilken är den största förändringen du har gjort?",
            "What is the biggest change you have made?",
        ),
        free_text(
            "Hur har du blivit bemött av personalen?",
            "How were you treated by the staff?",
        ),
        free_text("Berätta gärna mer.", "Please tell us more."),
    ],
}

BUILT_IN_SURVEYS = [PARTNER_SURVEY, AFTER_GROUP_SURVEY, EXIT_SURVEY]


def create_built_in_surveys(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    Question = apps.get_model("surveys", "Question")
    Option = apps.get_model("surveys", "Option")
    for data in BUILT_IN_SURVEYS:
        survey = Survey.objects.create(
            federation=None,
            project=None,
            name=data["name"],
            audience=data["audience"],
            introduction=data["introduction"],
            thanks=data["thanks"],
            translations={"en": data["en"]},
        )
        for position, q in enumerate(data["questions"], start=1):
            question_en = {"text": q["en"]}
            fields = {}
            if q["kind"] == SCALE:
                fields = {
                    "scale_max": 4,
                    "scale_min_label": q["low"][0],
                    "scale_max_label": q["high"][0],
                }
                question_en.update(scale_min_label=q["low"][1], scale_max_label=q["high"][1])
            question = Question.objects.create(
                survey=survey,
                position=position,
                kind=q["kind"],
                text=q["text"],
                required=q["required"],
                translations={"en": question_en},
                **fields,
            )
            for option_position, (text, en) in enumerate(q.get("options", []), start=1):
                Option.objects.create(
                    question=question,
                    position=option_position,
                    text=text,
                    translations={"en": en},
                )


def remove_built_in_surveys(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    # Copies point at their template through copied_from (SET_NULL), so they survive; the
    # questions and options go with the template (CASCADE).
    Survey.objects.filter(
        project__isnull=True, name__in=[data["name"] for data in BUILT_IN_SURVEYS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(create_built_in_surveys, remove_built_in_surveys)]
