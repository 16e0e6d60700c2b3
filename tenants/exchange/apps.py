from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "tenants.exchange"
    label = "exchange"
