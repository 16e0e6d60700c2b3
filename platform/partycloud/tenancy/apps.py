from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "partycloud.tenancy"
    label = "tenancy"
