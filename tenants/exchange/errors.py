"""Error codes of the exchange platform (docs/api.md, docs/exchange.md): each part keeps its own enum.

``InteractionCode``: likes, favourites, shares, comments and their moderation (``exchange.interactions``,
``exchange.moderation``). ``CommunityCode``: the members' community (boards and threads,
``exchange.community``)."""

from __future__ import annotations

from partycloud.core.errors import ErrorCode


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
