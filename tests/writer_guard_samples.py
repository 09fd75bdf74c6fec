"""Services for tests/fokus/test_writer_guard.py: one of each shape the guard must tell apart,
among them the shape of the `goal_save` bug (the decorator on a helper, not on the service)."""

from django.db import transaction

from fokus.models import Federation


@transaction.atomic
def _locked_helper(slug: str) -> Federation:
    return Federation.objects.select_for_update().get(slug=slug)


def save_with_the_decorator_on_its_helper(slug: str) -> None:
    federation = _locked_helper(slug)
    federation.name = "Ändrat"
    federation.save()


@transaction.atomic
def save_atomically(slug: str) -> None:
    Federation.objects.filter(slug=slug).update(name="Ändrat")


def save_in_a_block(slug: str) -> None:
    name = "Ändrat"
    with transaction.atomic():
        Federation.objects.filter(slug=slug).update(name=name)


def save_after_its_block(slug: str) -> None:
    with transaction.atomic():
        Federation.objects.filter(slug=slug).update(name="Först")
    Federation.objects.filter(slug=slug).update(name="Sedan")


def only_read(slug: str) -> str:
    return Federation.objects.get(slug=slug).name
