"""Public-schema tables: the PostgreSQL search index, the writes waiting out an outage and the
reindex jobs.

``SearchEntry`` rows carry a *generation*: searches read the live one (``SearchState``), a full
rebuild loads the next generation beside it and switches in one transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One search document in one generation (PostgreSQL backend). Written with raw SQL by
    ``services.search.postgres`` (the adapter knows the table by name): the vectors come from
    jieba-segmented text. Stored narrow (migration 0004: ``toast_tuple_target = 128``, the
    columns a search reads for every match ``STORAGE MAIN``): text, title and vectors live in
    TOAST, so a common word's matches are read from few pages."""

    generation = models.PositiveIntegerField()
    doc_id = models.CharField(max_length=200)
    owner_tenant = models.CharField(max_length=63)
    visibility = models.CharField(max_length=8)
    marking = models.CharField(max_length=8)
    kind = models.CharField(max_length=30)
    category = models.CharField(max_length=100, blank=True)
    tags = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    source = models.CharField(max_length=20, blank=True)
    title = models.TextField()
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Title words alone (does the title hold every query term?), and everything with positions
    # and weights (title A, summary B, body C): GIN for matching, ts_rank_cd for ranking.
    title_vector = SearchVectorField()
    vector = SearchVectorField()
    indexed_at = models.DateTimeField(default=timezone.now)
    # The source row's version when indexed (SearchDocument.version): the reconcile diffs it.
    version = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        db_table = "search_entry"
        constraints = [models.UniqueConstraint(fields=["generation", "doc_id"], name="search_entry_doc_unique")]
        indexes = [
            GinIndex(fields=["vector"], name="search_entry_vector"),
            GinIndex(fields=["tags"], name="search_entry_tags"),
            # Deliberately no index leads with generation, visibility or marking: a text query
            # must start from the GIN index (see postgres.py), and a btree on those columns would
            # let the planner scan every row through it instead.
            models.Index(fields=["owner_tenant"], name="search_entry_owner"),
            models.Index(F("published_at").desc(nulls_last=True), name="search_entry_newest"),
        ]

    def __str__(self) -> str:
        return self.doc_id


class SearchState(models.Model):
    """One row: which generation searches read, and which one a rebuild is loading."""

    live_generation = models.PositiveIntegerField(default=1)
    building_generation = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        db_table = "search_state"

    def __str__(self) -> str:
        return f"live {self.live_generation}"


class PendingIndex(models.Model):
    """A document whose indexing failed because the engine did not answer (an outage). The beat
    entry ``search.catch_up`` indexes it once the engine answers again, so writes made during an
    outage reach the index within a minute of its return (not at the next reconcile)."""

    schema = models.CharField(max_length=63)
    kind = models.CharField(max_length=50)
    local_id = models.CharField(max_length=200)
    # Bumped when the document fails again: catching up removes only what it loaded after.
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "search_pending_index"
        constraints = [
            models.UniqueConstraint(fields=["schema", "kind", "local_id"], name="search_pending_index_unique")
        ]

    def __str__(self) -> str:
        return f"{self.schema}:{self.kind}:{self.local_id}"


class ReindexScope(models.TextChoices):
    TENANT = "tenant", _("one tenant")
    ALL = "all", _("everything (full rebuild)")


class ReindexStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ReindexJob(models.Model):
    """A reindex of one tenant's documents or a full rebuild, with progress for the console."""

    scope = models.CharField(max_length=8, choices=ReindexScope.choices)
    owner_tenant = models.CharField(max_length=63)  # the tenant reindexed; "public" for a full rebuild
    status = models.CharField(max_length=8, choices=ReindexStatus.choices, default=ReindexStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner_tenant", "-created_at"], name="search_job_owner")]

    def __str__(self) -> str:
        return f"{self.scope} {self.owner_tenant} {self.status}"

    @property
    def progress(self) -> int:
        """Percent done (100 once finished)."""
        if self.status == ReindexStatus.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
