"""The Fokus 1–6 step ladder with its typical markers (DOMAIN §6), shared by every federation.
The texts are data shown to staff, so they are written in Swedish."""

from django.db import migrations

FOKUS_LADDER = [
    (
        1,
        "Passiv",
        "Saknar socialt sammanhang och planering. Första steget är att ta sig hemifrån.",
        ["Tar sig hemifrån till ett möte", "Har kontakt med insatsen"],
    ),
    (
        2,
        "Skapa motivation, struktur och delaktighet",
        "Individuella samtal, kartläggning och planering.",
        ["Individuella samtal", "Kartläggning gjord", "Planering gjord"],
    ),
    (
        3,
        "Deltar i gruppaktiviteter",
        "Deltar i gruppträffar och andra gemensamma aktiviteter.",
        ["Förbättrad eller ny kontakt med myndighet", "Ökad motivation", "Mål satta"],
    ),
    (
        4,
        "Information om eller ansökan om annat stöd",
        "Till exempel boendestöd, god man eller vård.",
        [
            "Bättre dagliga rutiner",
            "Förbättrad hälsa",
            "Ansökan till rätt ersättningssystem",
        ],
    ),
    (
        5,
        "Arbetsträning eller praktik; studie- och yrkesvägledning",
        "Prövar arbete eller studier med stöd.",
        [
            "Annat stöd beviljat eller vård påbörjad",
            "Ökad kompetens (till exempel körkort)",
        ],
    ),
    (
        6,
        "Arbete eller subventionerad anställning; studier",
        "Med stöd från arbetsmarknadsenheten eller Arbetsförmedlingen.",
        ["Beslut om rätt ersättningssystem beviljat", "Arbete eller studier påbörjade"],
    ),
]


def create_default_ladder(apps, schema_editor):
    Ladder = apps.get_model("stepladder", "Ladder")
    Step = apps.get_model("stepladder", "Step")
    Marker = apps.get_model("stepladder", "Marker")
    ladder = Ladder.objects.create(
        name="Utvecklingstrappan (Fokus 1–6)",
        description="Stegen 1–6 med typiska kännetecken, bedömda var tredje månad.",
        is_default=True,
    )
    for number, headline, description, markers in FOKUS_LADDER:
        step = Step.objects.create(
            ladder=ladder, number=number, headline=headline, description=description
        )
        for position, text in enumerate(markers, start=1):
            Marker.objects.create(step=step, text=text, position=position)


def remove_default_ladder(apps, schema_editor):
    apps.get_model("stepladder", "Ladder").objects.filter(is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("stepladder", "0001_initial")]

    operations = [migrations.RunPython(create_default_ladder, remove_default_ladder)]
