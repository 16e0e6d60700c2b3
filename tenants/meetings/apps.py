from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "tenants.meetings"
    label = "meetings"

    def ready(self) -> None:
        # Imported once the app registry is ready: records imports this app's models.
        from tenants.live.signals import lesson_ended
        from tenants.meetings.records import on_lesson_ended, register_file_purpose

        register_file_purpose()  # meeting photos and attachments (direct upload, purpose meeting_file)
        lesson_ended.connect(on_lesson_ended, dispatch_uid="meetings.party_lecture_from_live_lesson")
