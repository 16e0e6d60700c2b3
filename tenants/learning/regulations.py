"""The regulations library (党规党章 知识库): admins upload a regulation's document; its text is
split into articles (第一条, 第二条 …) and each article is searchable on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import stored_user
from partycloud.core.errors import NotFoundError, ServiceError
from partycloud.search.indexing import index_on_commit
from partycloud.tenancy.context import active_schema
from partycloud.uploads.services import claim_upload, discard_object
from services.media.documents import PREAMBLE, split_articles
from services.storage import DataClass
from tenants.learning import uploads
from tenants.learning.errors import LearningCode
from tenants.learning.library import PUBLIC, in_group_library, refuse_classified
from tenants.learning.models import Regulation, RegulationArticle, ResourceStatus

SEARCH_KIND = "regulation"


@dataclass
class RegulationDraft:
    title: str
    upload: UUID
    issuer: str = ""
    issued_on: date | None = None
    marking: str = "public"


def do_create_regulation(*, actor: Actor, draft: RegulationDraft, publish: bool = False) -> Regulation:
    refuse_classified(
        [("title", draft.title), ("description", draft.issuer)],
        actor=actor,
        upload_ids=[draft.upload],
        what=draft.title,
    )
    with transaction.atomic():
        upload = claim_upload(draft.upload, purpose=uploads.REGULATION, user=actor.user)
        articles = split_articles(upload.text)
        if not any(article.number and article.number != PREAMBLE for article in articles):
            discard_object(DataClass.MEDIA, upload.key)
            raise ServiceError(
                LearningCode.NO_ARTICLES,
                _("No articles (第一条, 第二条 …) were found in this document: is it a regulation?"),
                "file",
            )
        regulation = Regulation.objects.create(
            title=draft.title.strip(),
            issuer=draft.issuer.strip(),
            issued_on=draft.issued_on,
            marking=draft.marking,
            file_key=upload.key,
            file_name=upload.filename,
            file_type=upload.detected_type,
            created_by=stored_user(actor.user),
        )
        RegulationArticle.objects.bulk_create(
            RegulationArticle(
                regulation=regulation,
                position=position,
                number="" if article.number in (None, PREAMBLE) else article.number,
                heading=(article.heading or "")[:200],
                text=article.text,
            )
            for position, article in enumerate(articles)
        )
        if publish:
            _set_published(regulation, True)
    return regulation


def do_publish_regulation(regulation: Regulation, *, actor: Actor, published: bool = True) -> Regulation:
    with transaction.atomic():
        _set_published(regulation, published)
    return regulation


def _set_published(regulation: Regulation, published: bool) -> None:
    regulation.status = ResourceStatus.PUBLISHED if published else ResourceStatus.ARCHIVED
    if published:
        regulation.published_at = regulation.published_at or timezone.now()
    regulation.save(update_fields=["status", "published_at"])
    ids = [str(pk) for pk in regulation.articles.values_list("pk", flat=True)]
    index_on_commit(SEARCH_KIND, ids)


def do_delete_regulation(regulation: Regulation, *, actor: Actor) -> None:
    ids = [str(pk) for pk in regulation.articles.values_list("pk", flat=True)]
    key = regulation.file_key
    with transaction.atomic():
        regulation.delete()
        index_on_commit(SEARCH_KIND, ids)
        if key:
            transaction.on_commit(lambda: discard_object(DataClass.MEDIA, key))


# ---------------------------------------------------------------- reading (every host, read-only)


@dataclass
class ReadableRegulation:
    regulation: Regulation
    source: str  # "tenant": this library's own; "group": the group's shared library
    article_count: int
    articles: list[RegulationArticle] | None = None  # loaded when one regulation is opened


def _published() -> QuerySet[Regulation]:
    return Regulation.objects.filter(status=ResourceStatus.PUBLISHED).annotate(article_total=Count("articles"))


def _found(row: Regulation, source: str, articles: list[RegulationArticle] | None = None) -> ReadableRegulation:
    # article_total is _published()'s annotation (one query for the count, not one per row).
    return ReadableRegulation(row, source, int(getattr(row, "article_total", 0)), articles)


def _own_source() -> str:
    return "group" if active_schema() == PUBLIC else "tenant"


def readable_regulations() -> list[ReadableRegulation]:
    """The published regulations a reader on this host may open: the library's own, then (on a
    tenant host) the group's shared ones, read from the public schema. Drafts and archived
    regulations are never listed, not even to managers (they manage them in the console)."""
    found = [_found(row, _own_source()) for row in _published()]
    if active_schema() != PUBLIC:
        with in_group_library():
            found += [_found(row, "group") for row in _published()]
    return found


def read_regulation(uuid: UUID) -> ReadableRegulation:
    """One published regulation with its articles: this library's own, else the group's shared one."""
    own = _published().filter(uuid=uuid).first()
    if own is not None:
        return _found(own, _own_source(), list(own.articles.all()))
    if active_schema() != PUBLIC:
        with in_group_library():
            shared = _published().filter(uuid=uuid).first()
            articles = list(shared.articles.all()) if shared is not None else []
        if shared is not None:
            return _found(shared, "group", articles)
    raise NotFoundError(LearningCode.REGULATION_NOT_FOUND, _("This regulation does not exist or is not published."))
