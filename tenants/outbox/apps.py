from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "tenants.outbox"
    label = "outbox"

    def ready(self) -> None:
        # Imported in ready(), as Django wants registrations done once every app is loaded.
        from partycloud.tenancy.schemas import register_clone_setup
        from tenants.outbox.triggers import install

        # Cloning a schema copies tables, not necessarily their triggers: the outbox must see every change.
        register_clone_setup(install)
