from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "tenants.dues"
    label = "dues"
