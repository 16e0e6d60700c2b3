from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "partycloud.accounts"
    label = "accounts"
    verbose_name = "Accounts"
