"""The surveys' querysets: the tenant (`in_federation`) and the role (`for_user`), by the
conditions in `fokus.policy.surveys`."""

from django.db import models, transaction

from fokus.policy import surveys as survey_policy


class SurveyQuerySet(models.QuerySet):
    def in_federation(self, user):
        """The tenant only; see `fokus.policy.surveys.in_federation`."""
        return self.filter(survey_policy.in_federation(user))

    def for_user(self, user):
        """The tenant and the role: the surveys the user may read."""
        return self.filter(survey_policy.visible_surveys(user))

    def copy_sources(self, user):
        """What the user may copy into a project they coordinate."""
        return self.filter(survey_policy.copy_sources(user))

    def templates(self):
        return self.filter(project__isnull=True)

    @transaction.atomic(savepoint=False)
    def lock_links(self, *, survey) -> None:
        """Serialise writes to one survey's links: two coordinators pressing "send" at once
        must not both invite the same contact (the unique constraint would make it a 500).
        The lock lasts until the caller's transaction ends, so callers are atomic services."""
        self.select_for_update().filter(pk=survey.pk).first()


class CoordinatedQuerySet(models.QuerySet):
    """Contacts, invitations, links and responses: the coordinators' own (names, and answers
    that may be personal data). `project_field` leads to the project."""

    project_field = "survey__project"

    def in_federation(self, user):
        """The tenant only: a view fetches through this, then asks the project's permission."""
        if not user.is_authenticated or user.federation_id is None:
            return self.none()
        return self.filter(**{f"{self.project_field}__federation_id": user.federation_id})

    def for_user(self, user):
        return self.filter(survey_policy.coordinated(user, self.project_field))


class ContactQuerySet(CoordinatedQuerySet):
    project_field = "project"


class AnswerQuerySet(CoordinatedQuerySet):
    project_field = "response__survey__project"
