"""The lesson chat WebSocket ``/ws/live/<scope>/<id>`` (routed in ``partycloud.asgi``; the protocol
is in docs/live.md, "Chat").

Connect: the dialled tenant (4404 if unknown), a signed-in user (4401), in the lesson's audience
(4404). A member watches from their tenant's host; a group lesson's hosts (group admins) connect
on the root host. Then: join the room's channel-layer group FIRST, read the events to send (the
last 50, or everything after ``?after=``), send the welcome, and forward each broadcast batch's
events with an id above the last one sent (older ones dropped, a gap filled from Redis): no
event lost or sent twice across the join.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from functools import partial
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone, translation
from django.utils.translation.trans_real import get_supported_language_variant, parse_accept_lang_header

from partycloud.accounts.actor import Actor
from partycloud.accounts.models import GroupRole, GroupRoleKind
from partycloud.audit.services import do_record_audit
from partycloud.tenancy.models import CommitteeKind, PartyCommittee
from partycloud.tenancy.realtime import (
    CLOSE_UNAUTHENTICATED,
    CLOSE_UNKNOWN_TENANT,
    ClosesWhenSignedOut,
    in_tenant,
)
from services.realtime.outage import SurvivesLayerOutage
from tenants.live import moderation
from tenants.live.audience import PUBLIC, LessonRef, LessonScope, in_audience, viewer_of, watchable_lesson
from tenants.live.chat import (
    WELCOME_EVENTS,
    JoinSnapshot,
    Participant,
    RoomStore,
    chat_closed,
    dumps,
    join_room,
    leave_room,
    now_iso,
    run_in_schema,
    sender_of,
    stored_events,
)
from tenants.live.errors import LiveCode
from tenants.live.models import ChatEventKind, Lesson
from tenants.live.moderation import Refusal, check_content, check_length, refusal

GAP_CHECK_DELAY = 1.0  # seconds after the welcome: catch a batch published while joining
MAX_LIKES = 50
LIKE_INTERVAL = 0.2  # seconds between two like messages of one socket
MAX_SLOW_MODE = 300
HOST_COMMANDS = frozenset({"answer", "pin", "unpin", "mute", "unmute", "remove", "slow_mode"})
GATE_CODES = {"muted": LiveCode.CHAT_MUTED, "rate": LiveCode.CHAT_RATE_LIMITED, "slow": LiveCode.CHAT_SLOW_MODE}
# Messages handled without Channels' close_old_connections hop through the process's one
# database thread: their handlers touch no database.
NO_DB_MESSAGES = frozenset({"chat.batch", "websocket.disconnect"})
JOIN_CACHE_SECONDS = 5.0  # how long a process reuses a lesson row / a viewer for joins
JOIN_CACHE_MAX = 50_000  # entries before the cache is emptied

_join_cache: dict[tuple[Any, ...], tuple[float, Any]] = {}


class _Miss(Exception):
    """A join lookup not in the cache while running without the database."""


def _cached(key: tuple[Any, ...], load: Any) -> Any:
    """The value cached under ``key`` for the last few seconds; else ``load()`` (None: raise
    _Miss) and remember it. The lesson row by ref, the viewer by (schema, user id): a storm of
    (re)connects costs one query per person and one per lesson, and changes to the audience,
    roles or the lesson apply within JOIN_CACHE_SECONDS."""
    now = time.monotonic()
    found = _join_cache.get(key)
    if found is not None and found[0] > now:
        return found[1]
    if load is None:
        raise _Miss
    value = load()
    if len(_join_cache) >= JOIN_CACHE_MAX:
        _join_cache.clear()
    _join_cache[key] = (now + JOIN_CACHE_SECONDS, value)
    return value


def clear_join_cache() -> None:
    _join_cache.clear()


def _language(scope: dict[str, Any], tenant: PartyCommittee) -> str:
    for key, value in scope.get("headers", []):
        if key == b"accept-language":
            for code, _quality in parse_accept_lang_header(value.decode("latin-1")):
                try:
                    return str(get_supported_language_variant(code))
                except LookupError:
                    continue
    return str(tenant.locale or "zh-hans")


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


class LiveChatConsumer(ClosesWhenSignedOut, SurvivesLayerOutage, AsyncJsonWebsocketConsumer):
    """One viewer's socket in a lesson's chat room (closed with "try again later" while Redis is
    down, and with 4401 when the viewer's sign-in ends)."""

    ref: LessonRef | None = None
    participant: Participant
    lesson: Lesson
    tenant: PartyCommittee
    rows_tenant: PartyCommittee | None  # whose schema holds the lesson's rows (None: public)
    last_sent = 0
    last_like = 0.0

    async def connect(self) -> None:
        tenant = self.scope.get("tenant")
        user = self.scope.get("user")
        if tenant is None:
            await self.refuse(CLOSE_UNKNOWN_TENANT)
            return
        if user is None or not user.is_authenticated:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        kwargs = self.scope["url_route"]["kwargs"]
        if kwargs["scope"] not in {LessonScope.TENANT.value, LessonScope.GROUP.value}:
            await self.refuse(CLOSE_UNKNOWN_TENANT)
            return
        self.tenant = tenant
        language = _language(self.scope, tenant)
        lookup = (user, kwargs["scope"], int(kwargs["id"]), language)
        try:
            found = self._find(*lookup, database=False)  # all cached: no thread hop
        except _Miss:
            found = await in_tenant(tenant, lambda: self._find(*lookup, database=True))
        if found is None:
            await self.refuse(CLOSE_UNKNOWN_TENANT)
            return
        self.ref, self.lesson, self.participant = found
        self.rows_tenant = None if self.ref.schema == PUBLIC else tenant
        self.send_lock = asyncio.Lock()
        store = RoomStore(self.ref)
        await self.accept()
        after = _as_int(parse_qs(self.scope.get("query_string", b"").decode()).get("after", [""])[0])
        async with self.send_lock:  # batches wait for the welcome
            # Subscribe before reading: whatever is published from now on reaches this socket
            # (through the process's relay for the room).
            await join_room(self.ref, self.rows_tenant, self.channel_name, present=False, deliver=self.chat_batch)
            snapshot = await store.snapshot(self.participant, self.channel_name, after)
            if snapshot.sequence is None:  # the room's first join since Redis lost it (or ever)
                await store.ensure_sequence(self.rows_tenant)
                snapshot = await store.snapshot(self.participant, self.channel_name, after)
            events, resumed = await self._events_for_welcome(snapshot, after)
            # Everything up to here is sent (or deliberately left out): batches forward what follows.
            self.last_sent = max([event["id"] for event in events], default=after if resumed and after else 0)
            removed = snapshot.removed
            if removed:
                # What a host removed is not sent again (the removal events still are).
                events = [e for e in events if not (e["id"] in removed and e["kind"] in {"message", "question"})]
            state = dict(snapshot.state)
            me = {
                "user_id": self.participant.user_id,
                "tenant": self.participant.tenant,
                "name": self.participant.name,
                "unit": self.participant.unit,
                "display": self.participant.display,
                "is_host": self.participant.is_host,
                "muted": state.pop("muted"),
            }
            lesson = {
                "scope": self.ref.scope.value,
                "id": self.ref.lesson_id,
                "title": self.lesson.title,
                "status": self.lesson.status,
            }
            await self.send_json(
                {
                    "type": "welcome",
                    "lesson": lesson,
                    "me": me,
                    **state,
                    "events": events,
                    "last_event_id": self.last_sent or None,
                    "resumed": resumed,
                }
            )
        self.gap_task = asyncio.create_task(self._check_gap_later())

    def _find(
        self, user: Any, scope: str, lesson_id: int, language: str, *, database: bool
    ) -> tuple[LessonRef, Lesson, Participant] | None:
        """(ref, lesson, participant) for a viewer in the lesson's audience, else None. With
        ``database``, runs in the dialled tenant's schema in the database thread (one hop for
        every lookup); without, from the join cache only (raises _Miss)."""
        tenant: PartyCommittee = self.tenant
        if tenant.kind == CommitteeKind.GROUP:
            # The root host: group lessons, for group admins (hosts) and group viewers.
            if scope != LessonScope.GROUP.value:
                return None
            roles = _cached(
                ("group-roles", user.pk),
                (lambda: frozenset(GroupRole.objects.filter(user_id=user.pk).values_list("role", flat=True)))
                if database
                else None,
            )
            if not roles:
                return None
            ref = LessonRef(LessonScope.GROUP, lesson_id, PUBLIC)
            lesson = _cached(("lesson", ref.token), partial(watchable_lesson, ref) if database else None)
            if lesson is None:
                return None
            unit = tenant.short_name or tenant.name
            participant = Participant(
                user_id=user.pk,
                tenant=tenant.slug,
                name=user.name,
                unit=unit,
                tenant_schema=tenant.schema_name,
                is_host=GroupRoleKind.GROUP_ADMIN in roles,
                language=language,
            )
            return ref, copy.copy(lesson), participant
        viewer = _cached(
            ("viewer", tenant.schema_name, user.pk), partial(viewer_of, Actor.for_user(user)) if database else None
        )
        if viewer is None:
            return None
        ref = LessonRef.of(scope, lesson_id, tenant)
        lesson = _cached(("lesson", ref.token), partial(watchable_lesson, ref) if database else None)
        if lesson is None or not in_audience(ref, lesson, viewer):
            return None
        is_host = False
        if ref.scope is LessonScope.TENANT:
            path = lesson.organization.path if lesson.organization is not None else None
            is_host = lesson.organizer_id == user.pk or viewer.oversees(path)
        participant = Participant(
            user_id=user.pk,
            tenant=tenant.slug,
            name=viewer.name,
            unit=viewer.unit,
            tenant_schema=tenant.schema_name,
            is_host=is_host,
            language=language,
        )
        return ref, copy.copy(lesson), participant

    async def _events_for_welcome(self, snapshot: JoinSnapshot, after: int | None) -> tuple[list[dict[str, Any]], bool]:
        """Everything after ``after`` when it can be resumed, else the last 50 events."""
        assert self.ref is not None
        sequence = snapshot.sequence or 0
        if after is not None and after <= sequence:
            events = [json.loads(event) for event in snapshot.after]
            first = events[0]["id"] if events else sequence + 1
            if first > after + 1:
                # Older than Redis keeps (or Redis lost them): the rows fill the gap.
                ref = self.ref
                older = await run_in_schema(self.rows_tenant, lambda: stored_events(ref, after, first))
                events = older + events
            return events, True
        if not snapshot.last and sequence:
            ref = self.ref
            rows = await run_in_schema(self.rows_tenant, lambda: stored_events(ref, max(sequence - WELCOME_EVENTS, 0)))
            return rows[-WELCOME_EVENTS:], False
        return [json.loads(event) for event in snapshot.last], False

    async def refuse(self, code: int) -> None:
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code: int) -> None:
        if self.ref is not None:
            task = getattr(self, "gap_task", None)
            if task is not None:
                task.cancel()
            await leave_room(self.ref, self.channel_name)

    # ------------------------------------------------------------------ server → client

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels runs close_old_connections in the database thread before every handler: one
        # thread hop per batch per socket, queued behind the process's database work. Batches
        # and disconnects touch no database (a closing crowd would queue too): straight to the
        # handler. The others keep the hop (and database_sync_to_async closes old connections
        # in the thread anyway).
        if message.get("type") in NO_DB_MESSAGES:
            await getattr(self, get_handler_name(message))(message)
            return
        await super().dispatch(message)

    async def chat_batch(self, message: dict[str, Any]) -> None:
        """A broadcast batch: forward the events not sent yet (in id order), fill a gap first."""
        ids: list[int] = message["ids"]
        events: list[str] = message["events"]
        if message.get("status"):
            self._note_status(message["status"])
        async with self.send_lock:
            frame = message.get("frame")
            if frame is not None and (not ids or ids[0] == self.last_sent + 1):
                # The usual case: every event of the batch is new to this socket and follows the
                # last one sent: the frame the tick encoded once, as is.
                if ids:
                    self.last_sent = ids[-1]
                await self.send(text_data=frame)
                return
            fresh = [
                (event_id, event) for event_id, event in zip(ids, events, strict=True) if event_id > self.last_sent
            ]
            if fresh and fresh[0][0] > self.last_sent + 1 and self.ref is not None:
                missing = await RoomStore(self.ref).events_after(self.last_sent, fresh[0][0] - 1)
                fresh = [(int(json.loads(event)["id"]), event) for event in missing] + fresh
            if fresh:
                self.last_sent = fresh[-1][0]
            body = ",".join(event for _id, event in fresh)
            await self.send(
                text_data=f'{{"type":"batch","events":[{body}],"viewers":{int(message["viewers"])},'
                f'"likes":{int(message["likes"])}}}'
            )

    async def _check_gap_later(self) -> None:
        """A batch published while this socket subscribed may have missed it: send what was
        published up to now and not sent yet."""
        await asyncio.sleep(GAP_CHECK_DELAY)
        if self.ref is None:
            return
        store = RoomStore(self.ref)
        published = await store.published()
        async with self.send_lock:
            if published <= self.last_sent:
                return
            missing = await store.events_after(self.last_sent, published)
            if not missing:
                return
            self.last_sent = int(json.loads(missing[-1])["id"])
            state = await store.state(self.participant.person)
            await self.send(
                text_data=f'{{"type":"batch","events":[{",".join(missing)}],'
                f'"viewers":{state["viewers"]},"likes":{state["likes"]}}}'
            )

    def _note_status(self, status: str) -> None:
        self.lesson.status = status
        if status == "ended":
            self.lesson.ended_at = timezone.now()

    # ------------------------------------------------------------------ client → server

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        try:
            return json.loads(text_data)
        except ValueError:
            return None  # not JSON: ignored, the socket stays open

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or self.ref is None:
            return
        kind = content.get("type")
        client_id = content.get("client_id")
        if kind == "ping":
            await self.send_json({"type": "pong"})
            return
        handler = getattr(self, f"do_{kind}", None) if isinstance(kind, str) else None
        if handler is None:
            return
        if kind in HOST_COMMANDS and not self.participant.is_host:
            await self.refused(client_id, refusal_in(LiveCode.CHAT_NOT_HOST, self.participant.language))
            return
        result = await handler(content)
        if isinstance(result, Refusal):
            await self.refused(client_id, result)
            await RoomStore(self.ref).count_refusal(result.code.value)
        elif client_id is not None or kind in {"say", "ask"}:
            await self.send_json({"type": "ack", "client_id": client_id, "event_id": result or None})

    async def refused(self, client_id: Any, found: Refusal) -> None:
        await self.send_json(
            {"type": "refused", "client_id": client_id, "code": found.code.value, "message": found.message}
        )

    def _refusal(self, code: LiveCode) -> Refusal:
        return refusal_in(code, self.participant.language)

    async def _words(self) -> frozenset[str]:
        """The sensitive words for this room and sender: the lesson's schema's list, and for a
        group lesson also the sender's tenant's list."""
        assert self.ref is not None
        schemas: list[tuple[str, PartyCommittee | None]] = [(self.ref.schema, self.rows_tenant)]
        if self.ref.schema == PUBLIC and self.participant.tenant_schema != PUBLIC:
            schemas.append((self.participant.tenant_schema, self.tenant))
        words: set[str] = set()
        for schema, tenant in schemas:
            cached = moderation.cached_words(schema)
            if cached is None:
                cached = await run_in_schema(tenant, partial(moderation.words_of_active_schema, schema))
            words |= cached
        return frozenset(words)

    async def _check_text(self, text: Any, *, gate: bool) -> Refusal | str:
        """The moderation before broadcast, in order; the cleaned text if it passes."""
        assert self.ref is not None
        if chat_closed(self.lesson):
            return self._refusal(LiveCode.CHAT_CLOSED)
        text = text.strip() if isinstance(text, str) else ""
        code = check_length(text)
        if code is not None:
            return self._refusal(code)
        if gate:
            found = await RoomStore(self.ref).gate(self.participant)
            if found:
                return self._refusal(GATE_CODES[found])
        code = check_content(text, await self._words())
        if code is not None:
            return self._refusal(code)
        return str(text)

    async def _post(self, content: dict[str, Any], *, question: bool) -> Refusal | int:
        assert self.ref is not None
        text = await self._check_text(content.get("text"), gate=True)
        if isinstance(text, Refusal):
            return text
        body: dict[str, Any] = {
            "kind": (ChatEventKind.QUESTION if question else ChatEventKind.MESSAGE).value,
            "at": now_iso(),
            "sender": sender_of(self.participant),
            "text": text,
        }
        if question:
            body.update(upvotes=0, answered=False)
        return await RoomStore(self.ref).say(self.participant, body, question=question)

    async def do_say(self, content: dict[str, Any]) -> Refusal | int:
        return await self._post(content, question=False)

    async def do_ask(self, content: dict[str, Any]) -> Refusal | int:
        return await self._post(content, question=True)

    async def do_upvote(self, content: dict[str, Any]) -> Refusal | int:
        assert self.ref is not None
        question_id = _as_int(content.get("question_id"))
        if question_id is None:
            return 0
        return max(await RoomStore(self.ref).upvote(self.participant.person, question_id), 0)

    async def do_like(self, content: dict[str, Any]) -> Refusal | int:
        assert self.ref is not None
        count = _as_int(content.get("count"))
        now = time.monotonic()
        if now - self.last_like < LIKE_INTERVAL:
            return 0  # the client adds up taps: more than a few like messages a second are dropped
        if count is not None and 1 <= count <= MAX_LIKES and not chat_closed(self.lesson):
            self.last_like = now
            await RoomStore(self.ref).like(count)
        return 0

    # hosts

    async def do_answer(self, content: dict[str, Any]) -> Refusal | int:
        assert self.ref is not None
        question_id = _as_int(content.get("question_id"))
        store = RoomStore(self.ref)
        if question_id is None or not await store.is_question(question_id):
            return 0
        body = {"kind": ChatEventKind.ANSWERED.value, "at": now_iso(), "question_id": question_id}
        return await store.toggle(store.keys.answered, question_id, True, body)

    async def do_pin(self, content: dict[str, Any]) -> Refusal | int:
        assert self.ref is not None
        text = await self._check_text(content.get("text"), gate=False)
        if isinstance(text, Refusal):
            return text
        at = now_iso()
        store = RoomStore(self.ref)
        event_id = await store.put(
            store.keys.pinned,
            dumps({"text": text, "at": at}),
            {"kind": ChatEventKind.PINNED.value, "at": at, "text": text},
        )
        await self._audit("live.chat.pin", {"text": text[:100]})
        return event_id

    async def do_unpin(self, content: dict[str, Any]) -> Refusal | int:
        assert self.ref is not None
        store = RoomStore(self.ref)
        event_id = await store.put(store.keys.pinned, "", {"kind": ChatEventKind.UNPINNED.value, "at": now_iso()})
        if event_id:
            await self._audit("live.chat.unpin", {})
        return event_id

    async def _mute(self, content: dict[str, Any], mute: bool) -> Refusal | int:
        assert self.ref is not None
        user = content.get("user")
        if not isinstance(user, dict):
            return 0
        tenant, user_id = user.get("tenant"), _as_int(user.get("user_id"))
        if not isinstance(tenant, str) or user_id is None:
            return 0
        store = RoomStore(self.ref)
        person = f"{tenant}:{user_id}"
        display = await store.display_of(person)
        kind = ChatEventKind.MUTED if mute else ChatEventKind.UNMUTED
        body = {"kind": kind.value, "at": now_iso(), "user": {"tenant": tenant, "user_id": user_id, "display": display}}
        event_id = await store.toggle(store.keys.muted, person, mute, body)
        if event_id:
            await self._audit("live.chat.mute" if mute else "live.chat.unmute", {"user": display or person})
        return event_id

    async def do_mute(self, content: dict[str, Any]) -> Refusal | int:
        return await self._mute(content, True)

    async def do_unmute(self, content: dict[str, Any]) -> Refusal | int:
        return await self._mute(content, False)

    async def do_remove(self, content: dict[str, Any]) -> Refusal | int:
        assert self.ref is not None
        store = RoomStore(self.ref)
        event_id = _as_int(content.get("event_id"))
        if event_id is None or not 0 < event_id <= await store.sequence():
            return 0
        body = {"kind": ChatEventKind.REMOVED.value, "at": now_iso(), "event_id": event_id}
        removed = await store.toggle(store.keys.removed, event_id, True, body)
        if removed:
            await self._audit("live.chat.remove", {"event": event_id})
        return removed

    async def do_slow_mode(self, content: dict[str, Any]) -> Refusal | int:
        assert self.ref is not None
        seconds = _as_int(content.get("seconds"))
        if seconds is None or not 0 <= seconds <= MAX_SLOW_MODE:
            return 0
        store = RoomStore(self.ref)
        body = {"kind": ChatEventKind.SLOW_MODE.value, "at": now_iso(), "seconds": seconds}
        event_id = await store.put(store.keys.slow_seconds, str(seconds), body)
        await self._audit("live.chat.slow_mode", {"seconds": seconds})
        return event_id

    async def _audit(self, event: str, details: dict[str, Any]) -> None:
        """A host's moderation in the audit log of the host's tenant (the group's on the root host)."""
        assert self.ref is not None
        user = self.scope["user"]
        client = self.scope.get("client") or (None, None)
        lesson = self.lesson

        def record() -> None:
            actor = Actor.for_user(user)
            actor = Actor(
                user=actor.user, schema_name=actor.schema_name, tenant_id=actor.tenant_id, ip_address=client[0]
            )
            do_record_audit(
                event=event,
                actor=actor,
                target_type="live.lesson",
                target_id=lesson.pk,
                target_label=lesson.title,
                details=details,
            )

        await in_tenant(self.tenant, record)


def refusal_in(code: LiveCode, language: str) -> Refusal:
    with translation.override(language):
        return refusal(code)
