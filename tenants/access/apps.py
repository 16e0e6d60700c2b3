from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "tenants.access"
    label = "access"
