from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "tenants.exchange"
    label = "exchange"

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules import this app's models.
        from tenants.exchange.points import register_post_recorder
        from tenants.exchange.posts import register_post_showcase
        from tenants.exchange.search import register_post_source, register_thread_source
        from tenants.exchange.uploads import register_exchange_purposes

        register_exchange_purposes()
        register_post_source()
        register_thread_source()  # community threads of tenant-wide and group-wide boards
        register_post_showcase()  # the group's showcase proposals can carry a post
        register_post_recorder()  # points: contribution_published
        # Interactions (bsocial): points for shares and visible comments.
        from tenants.exchange.interaction_points import register_interaction_recorder

        register_interaction_recorder()
