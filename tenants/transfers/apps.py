from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "tenants.transfers"
    label = "transfers"
