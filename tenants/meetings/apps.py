from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "tenants.meetings"
    label = "meetings"

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules import this app's models.
        from tenants.live.signals import lesson_ended
        from tenants.meetings.records import on_lesson_ended, register_file_purpose
        from tenants.meetings.rollups import register_rollups

        register_file_purpose()  # meeting photos and attachments (direct upload, purpose meeting_file)
        lesson_ended.connect(on_lesson_ended, dispatch_uid="meetings.party_lecture_from_live_lesson")
        register_rollups()  # the group's rollup metric (partycloud.core.metrics)
