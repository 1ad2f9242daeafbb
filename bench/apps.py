from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Development tools: data generators and benchmarks. Installed when DEBUG is on or
    DEV_TOOLS=true; production does not install it."""

    name = "bench"
    verbose_name = "Benchmarks"
