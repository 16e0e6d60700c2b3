"""Exchange endpoints under /api/v1/exchange/, on every host: a tenant host serves its own posts,
boards and interactions (and reads the group's), the root host the group's. Each API module keeps
its own ``urlpatterns``; this module puts them together."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from tenants.exchange.community_api import urlpatterns as community_urls
from tenants.exchange.feed_api import urlpatterns as feed_urls
from tenants.exchange.interactions_api import urlpatterns as interaction_urls
from tenants.exchange.posts_api import urlpatterns as post_urls

urlpatterns: list[URLPattern | URLResolver] = [
    *post_urls,
    *feed_urls,
    *interaction_urls,
    *community_urls,
]
