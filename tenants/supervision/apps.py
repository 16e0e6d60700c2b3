from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "tenants.supervision"
    label = "supervision"
