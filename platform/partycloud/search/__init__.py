"""Search, the platform's part: which documents exist and who may find them.

Owns the source registry features fill (``register_source``), indexing after commit
(``index_on_commit``), reindex, rebuild and the periodic reconcile, the reindex jobs, the
``/api/v1/search`` API (the ACL comes from the host), and the public-schema tables of the
PostgreSQL backend (app label ``search``). The engines themselves (Elasticsearch, PostgreSQL
over jieba) are the ``services.search`` adapter.

Features::

    from partycloud.search.indexing import index_on_commit, register_source
    from services.search import Marking, SearchDocument, Visibility

See docs/search.md.
"""
