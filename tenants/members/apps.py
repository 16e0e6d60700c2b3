from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "tenants.members"
    label = "members"

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules import models.
        from tenants.access.services import register_member_record_source
        from tenants.members import receivers  # noqa: F401 - connects signal receivers
        from tenants.members.rollups import register_rollups  # reads the models: not loaded before ready()

        register_rollups()  # the group's rollup metrics and drill-down list (partycloud.core.metrics)

        from tenants.members.services import has_counted_record

        # tenants.access writes the group's index of who has a record where (TenantAccess) and
        # cannot import members (members uses access): it asks this source.
        register_member_record_source(has_counted_record)
