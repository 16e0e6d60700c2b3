"""Error codes of the exchange platform (docs/api.md, docs/exchange.md): each part keeps its own enum.

``PostCode``: posts (要闻, 成果展示, 微视频), their review, proposals and the home feed.
"""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


class PostCode(ErrorCode):
    NOT_FOUND = "exchange.post_not_found", "No such post, or it is not for you."
    NOT_ALLOWED = "exchange.post_not_allowed", "You may not do this with this post."
    NOT_A_WORKER = (
        "exchange.not_a_worker",
        "Only the unit's secretary, committee members or the tenant admin may do this.",
    )
    UNKNOWN_ORGANIZATION = "exchange.unknown_organization", "This organization does not exist."
    NO_ORGANIZATION = "exchange.no_organization", "Choose the unit the post is written for."
    NO_MEMBER_RECORD = "exchange.no_member_record", "Only members with a member record here may upload a micro-video."
    UNKNOWN_FIELD = "exchange.unknown_field", "Unknown field."
    TITLE_REQUIRED = "exchange.title_required", "Enter a title."
    BODY_REQUIRED = "exchange.body_required", "News and showcase posts need a body."
    VIDEO_REQUIRED = "exchange.video_required", "A micro-video needs its video: upload it first."
    TOO_MANY_TAGS = "exchange.too_many_tags", "At most 10 tags per post."
    TOO_MANY_IMAGES = "exchange.too_many_images", "At most 30 pictures per post."
    VIDEO_TOO_LARGE = "exchange.video_too_large", "The micro-video is larger than this platform allows."
    VIDEO_TOO_LONG = "exchange.video_too_long", "The micro-video is longer than this platform allows; it was removed."
    NOT_EDITABLE = "exchange.post_not_editable", "Only a draft or a returned post can be changed."
    BAD_TRANSITION = "exchange.bad_transition", "This step is not possible in the post's current status."
    OWN_POST = "exchange.own_post_review", "The author of a post cannot review it: another worker of the unit must."
    NOTE_REQUIRED = "exchange.note_required", "Say why the post is returned."
    NOT_PUBLISHED = "exchange.post_not_published", "Only a published post can be proposed."
    NO_PARENT = "exchange.no_parent_unit", "This unit has no level above to propose to."
    ALREADY_PROPOSED = "exchange.already_proposed", "This post has already been proposed."
    PROMOTION_NOT_FOUND = "exchange.promotion_not_found", "No such proposal awaiting your unit."
    ALREADY_DECIDED = "exchange.promotion_decided", "This proposal has already been decided."
    GROUP_POST = "exchange.group_post", "The group's own posts are seen everywhere already."
    TENANT_ONLY = "exchange.tenant_only", "This is done on a party committee's own address."
