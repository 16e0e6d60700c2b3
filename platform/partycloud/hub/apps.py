from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "partycloud.hub"
    label = "hub"

    def ready(self) -> None:
        # Imported in ready(): the roster module imports the models, loaded only once the registry is.
        from partycloud.accounts.cards import register_card_resolver
        from partycloud.hub.roster import card_holder

        # Domains (a meeting's card sign-in, floor 3) find a card's holder through the kernel's port.
        register_card_resolver(card_holder)
