"""Demo content for ``seed_demo``: a shared library with a regulation, each tenant's own articles,
a course and a quiz. Run in the schema it fills (public for the group)."""

from __future__ import annotations

from uuid import UUID

from django.utils import timezone

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import stored_user
from partycloud.search.indexing import index_on_commit
from partycloud.uploads.services import object_key
from services.media.documents import PREAMBLE, split_articles
from services.storage import DataClass, get_storage
from tenants.learning.courses import do_publish_course, do_save_course
from tenants.learning.library import ResourceDraft, do_create_resource
from tenants.learning.models import (
    Category,
    Question,
    QuestionBank,
    QuestionKind,
    Quiz,
    Regulation,
    RegulationArticle,
    Resource,
    ResourceStatus,
)

GROUP_ARTICLES = [
    (
        "学习贯彻党的二十大精神专题辅导",
        "两学一做",
        ["二十大", "专题辅导"],
        "<h2>一、深刻领会党的二十大主题</h2><p>高举中国特色社会主义伟大旗帜，全面贯彻新时代中国特色社会主义思想，"
        "弘扬伟大建党精神。</p><h2>二、加强党员教育管理</h2><p>坚持把党员教育管理作为基础性经常性工作，"
        "引导党员坚定理想信念、牢记初心使命。</p>",
    ),
    (
        "中心组学习：以高质量党建引领企业高质量发展",
        "中心组学习",
        ["中心组", "党建引领"],
        "<p>集团党委理论学习中心组围绕党建与生产经营深度融合开展专题学习，各单位党委要结合实际抓好贯彻落实。</p>",
    ),
    (
        "精品党课：从党史中汲取奋进力量",
        "精品党课",
        ["党史", "党课"],
        "<p>百年党史是一部践行初心使命的历史。本讲党课从党史中汲取智慧和力量，教育引导党员在岗位上建功立业。</p>",
    ),
]

TENANT_ARTICLES = [
    (
        "{name}开展主题党日活动",
        "两学一做",
        ["主题党日"],
        "<p>{name}各党支部组织党员重温入党誓词，开展志愿服务，党员教育取得实效。</p>",
    ),
    (
        "{name}党支部书记讲党课",
        "精品党课",
        ["书记讲党课"],
        "<p>支部书记围绕岗位建功讲党课，引导党员在生产一线发挥先锋模范作用。</p>",
    ),
]

REGULATION = """中国共产党党员教育管理工作条例（节选）

第一章 总则

第一条 为了深入贯彻习近平新时代中国特色社会主义思想，加强和改进党员教育管理工作，制定本条例。

第二条 党员教育管理工作必须坚持以马克思列宁主义、毛泽东思想为指导。

第二章 党员教育

第三条 党员教育的基本任务是组织党员认真学习党的理论和路线方针政策。

第四条 党支部应当按照有关规定组织党员参加集中学习培训，每名党员每年集中学习培训时间一般不少于32学时。

第三章 党员管理

第五条 党员应当按照规定交纳党费，保守党的秘密，严格遵守党的纪律。
"""

QUESTIONS = [
    (QuestionKind.SINGLE, "党的最高领导机关是？", ["党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处"], [0]),
    (QuestionKind.SINGLE, "预备党员的预备期为？", ["半年", "一年", "两年"], [1]),
    (QuestionKind.SINGLE, "党支部党员大会一般每季度召开几次？", ["1次", "2次", "3次"], [0]),
    (QuestionKind.MULTIPLE, "“三会一课”包括？", ["支部党员大会", "支部委员会", "党小组会", "党课"], [0, 1, 2, 3]),
    (QuestionKind.MULTIPLE, "党员的义务包括？", ["认真学习", "按期交纳党费", "保守党的秘密", "无需参加组织生活"], [0, 1, 2]),
    (QuestionKind.TRUE_FALSE, "党员每年集中学习培训时间一般不少于32学时。", [], [0]),
    (QuestionKind.TRUE_FALSE, "党员可以不参加党的组织生活。", [], [1]),
]  # fmt: skip


def _category(name: str) -> int | None:
    category = Category.objects.filter(name=name).first()
    return category.pk if category else None


def _articles(actor: Actor, articles: list[tuple[str, str, list[str], str]], name: str = "") -> list[UUID]:
    uuids = []
    for title, category, tags, body in articles:
        draft = ResourceDraft(
            kind="article",
            title=title.format(name=name),
            body_html=body.format(name=name),
            category_id=_category(category),
            tags=tags,
            marking="public",
        )
        uuids.append(do_create_resource(actor=actor, draft=draft, publish=True).uuid)
    return uuids


def seed_group_library(actor: Actor) -> list[UUID]:
    """The group's shared library (public schema): articles and one regulation (once)."""
    if Resource.objects.exists():
        return list(Resource.objects.filter(status=ResourceStatus.PUBLISHED).values_list("uuid", flat=True))
    uuids = _articles(actor, GROUP_ARTICLES)
    key = object_key("regulation")
    get_storage().put(DataClass.MEDIA, key, REGULATION.encode(), content_type="text/plain")
    regulation = Regulation.objects.create(
        title="中国共产党党员教育管理工作条例",
        issuer="中共中央",
        file_key=key,
        file_name="党员教育管理工作条例.txt",
        file_type="text/plain",
        status=ResourceStatus.PUBLISHED,
        published_at=timezone.now(),
        created_by=stored_user(actor.user),
    )
    for position, article in enumerate(split_articles(REGULATION)):
        RegulationArticle.objects.create(
            regulation=regulation,
            position=position,
            number="" if article.number in (None, PREAMBLE) else article.number,
            heading=(article.heading or "")[:200],
            text=article.text,
        )
    index_on_commit("regulation", [str(pk) for pk in regulation.articles.values_list("pk", flat=True)])
    return uuids


def seed_tenant_library(actor: Actor, name: str, shared: list[UUID]) -> None:
    """A tenant's own articles, a course mixing them with the group's, and a quiz (once)."""
    if Resource.objects.exists():
        return
    own = _articles(actor, TENANT_ARTICLES, name)
    course = do_save_course(
        actor=actor, title="新党员入门课程", summary="党的基本知识", resource_uuids=[*own, *shared[:2]]
    )
    do_publish_course(course)
    bank = QuestionBank.objects.create(title="党章党规知识")
    for kind, stem, options, answer in QUESTIONS:
        Question.objects.create(bank=bank, kind=kind, stem=stem, options=options, answer=answer)
    Quiz.objects.create(
        title="党章党规知识测试",
        bank=bank,
        single_count=2,
        multiple_count=1,
        true_false_count=2,
        time_limit_minutes=15,
        status=ResourceStatus.PUBLISHED,
    )
