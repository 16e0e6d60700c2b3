from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "tenants.learning"
    label = "learning"

    def ready(self) -> None:
        # Imported once the app registry is ready: both modules import this app's models.
        from tenants.learning.search import register_learning_sources
        from tenants.learning.uploads import register_learning_purposes

        register_learning_purposes()
        register_learning_sources()
