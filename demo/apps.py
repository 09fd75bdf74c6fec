from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and its `seed_demo` command; never needed in production."""

    name = "demo"
    verbose_name = "Demo"
