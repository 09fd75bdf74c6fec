from django.apps import AppConfig


class ExtractsConfig(AppConfig):
    """The register extract (GDPR art. 15): everything held about one person, as PDF and JSON."""

    name = "extracts"
    verbose_name = "Register extracts"
