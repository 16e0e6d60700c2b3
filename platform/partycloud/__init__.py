"""PartyCloud (党建云): the Django project and the group root (public schema)."""

from partycloud.celery import app as celery_app

__all__ = ["celery_app"]
