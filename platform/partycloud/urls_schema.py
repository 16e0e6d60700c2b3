"""Both hosts' URLs in one urlconf, for the OpenAPI schema only (never served).

`manage.py spectacular --urlconf partycloud.urls_schema` documents the group-root and the
tenant endpoints together; the typed front-end client is generated from that file.
"""

from partycloud import urls_public, urls_tenant

# The patterns both hosts share are the same objects: keep one copy of them.
_public = {id(pattern) for pattern in urls_public.urlpatterns}
urlpatterns = [*urls_public.urlpatterns, *(p for p in urls_tenant.urlpatterns if id(p) not in _public)]
