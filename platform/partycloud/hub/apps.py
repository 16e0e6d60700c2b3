from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "partycloud.hub"
    label = "hub"

    def ready(self) -> None:
        # Imported in ready(): the roster module imports the models, loaded only once the registry is.
        from partycloud.accounts.cards import register_card_resolver, register_employee_lister
        from partycloud.hub.roster import card_holder, non_member_employees

        # Domains (a meeting's card sign-in, floor 3) find a card's holder through the kernel's port.
        register_card_resolver(card_holder)
        # The democratic evaluation (floor 3) lists the masses it may invite through the same port.
        register_employee_lister(non_member_employees)
