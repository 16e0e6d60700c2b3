"""Error codes of the exchange platform (docs/api.md, docs/exchange.md): each part keeps its own enum.

``PostCode``: posts (要闻, 成果展示, 微视频), their review, proposals and the home feed.

``InteractionCode``: likes, favourites, shares, comments and their moderation (``exchange.interactions``,
``exchange.moderation``). ``CommunityCode``: the members' community (boards and threads,
``exchange.community``)."""

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


class InteractionCode(ErrorCode):
    BAD_SCOPE = "interactions.bad_scope", "Scope is tenant (this subsidiary's rows) or group (the group's)."
    TARGET_NOT_FOUND = "interactions.target_not_found", "No such post or thread, or you may not see it."
    BAD_TARGET = "interactions.bad_target", "This kind of interaction is not possible on this target."
    SHARE_NOT_FOUND = "interactions.share_not_found", "No such share link, or it no longer opens anything."
    SHARE_SIGN_IN = "interactions.share_sign_in", "Sign in to open this shared post."
    COMMENT_NOT_FOUND = "interactions.comment_not_found", "No such comment, or you may not see it."
    COMMENTS_CLOSED = "interactions.comments_closed", "Comments are closed on this post or thread."
    COMMENT_EMPTY = "interactions.comment_empty", "Write something first."
    COMMENT_TOO_LONG = "interactions.comment_too_long", "The text is too long."
    COMMENT_SENSITIVE = "interactions.comment_sensitive", "The text contains a word that is not allowed."
    COMMENT_CLASSIFIED = (
        "interactions.comment_classified",
        "The text carries a classified marking (§8); nothing was stored.",
    )
    BAD_PARENT = "interactions.bad_parent", "Reply to a visible comment of the same post or thread."
    BAD_MENTION = "interactions.bad_mention", "Mention members of this party committee only (at most 10)."
    NOT_AUTHOR = "interactions.not_author", "Only the author may do this."
    NOT_MODERATOR = "interactions.not_moderator", "Only the author of the post or a moderator may do this."
    BAD_STATUS = "interactions.bad_status", "This is not possible in the comment's current status."
    ALREADY_REPORTED = "interactions.already_reported", "You have already reported this comment."
    OWN_COMMENT = "interactions.own_comment", "You cannot report your own comment."
    REASON_REQUIRED = "interactions.reason_required", "Give a reason (at most 300 characters)."
    NO_OPEN_REPORTS = "interactions.no_open_reports", "This comment has no open reports."
    BAD_QUEUE = "interactions.bad_queue", "No such moderation queue."
    BAD_SETTINGS = "interactions.bad_settings", "The exchange settings are invalid."


class CommunityCode(ErrorCode):
    BOARD_NOT_FOUND = "community.board_not_found", "No such board, or you may not see it."
    BOARD_INACTIVE = "community.board_inactive", "This board is closed."
    NOT_BOARD_MANAGER = "community.not_board_manager", "Only the board's unit workers or the admin manage it."
    BAD_ORGANIZATION = "community.bad_organization", "Choose an organization within your scope."
    NAME_REQUIRED = "community.name_required", "Give the board a name (at most 60 characters)."
    THREAD_NOT_FOUND = "community.thread_not_found", "No such thread, or you may not see it."
    TITLE_REQUIRED = "community.title_required", "Give the thread a title (at most 120 characters)."
    BODY_REQUIRED = "community.body_required", "Write the thread's text."
    NOT_MEMBER = "community.not_member", "Only members of the board's unit may post here."
    THREAD_LOCKED = "community.thread_locked", "This thread is closed for replies."
