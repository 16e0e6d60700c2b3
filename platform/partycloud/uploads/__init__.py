"""Uploads: the platform's protocol for files that users send straight to object storage.

Owns the ``Upload`` records (one table per schema, app label ``storage``), the purposes
features register (what they accept, who may upload), the ``/api/v1/uploads`` API, the
verification of what arrived (size, real type, text, the confidentiality gate), the claim a
feature makes on a verified upload, and the filesystem backend's signed browser protocol
(``/api/v1/storage/…``). The bytes themselves go through the ``services.storage`` adapter.

Features::

    from partycloud.uploads.purposes import Purpose, register_purpose
    from partycloud.uploads.services import claim_upload, discard_object, download_url, object_key

See docs/storage.md.
"""
