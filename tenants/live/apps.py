from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "tenants.live"
    label = "live"
