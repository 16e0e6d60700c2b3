from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "tenants.learning"
    label = "learning"
