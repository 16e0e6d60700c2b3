from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "tenants.development"
    label = "development"
