from django.apps import AppConfig


class RetentionConfig(AppConfig):
    """Retention (gallring): anonymising ended participations and deleting what has no purpose
    left, history included, per the federation's retention periods."""

    name = "retention"
    verbose_name = "Retention"
