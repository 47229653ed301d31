from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "shebao.registry"
    label = "registry"
    verbose_name = "Registry"

    def ready(self) -> None:
        # Register this app's effect handlers (keyed by effect code) with the core registry.
        from shebao.registry import effects  # noqa: F401
