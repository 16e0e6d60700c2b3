"""A lesson's chat room: its events in Redis (ids, the last events, likes, presence, moderation
state), the per-room tick that broadcasts them, and their rows in PostgreSQL.

Every accepted event gets the room's next id from one Lua script that ``INCR``s the room's
sequence and adds the event (JSON, its id first) to a sorted set scored by id, capped at
``REDIS_CAP`` events: ids are strictly increasing and the set holds them without gaps. Nothing
is sent to the room when an event is accepted: every ``TICK`` seconds each process with sockets
in the room tries to become the room's publisher (``SET NX PX`` on the room's lock); the winner
reads the events after the published watermark, moves the watermark, sends ONE channel-layer
``group_send`` (one Redis ``PUBLISH``) with the events, the viewer count, the likes total and
the batch frame encoded once, and lets the lock run out one tick after it was taken. Batches
are therefore published one at a time in id order, whichever process publishes them; each
process fans them out to its own sockets (the same text to each). Ticks are fixed-rate (every
``TICK`` from the room loop's start, not ``TICK`` after the previous one ended).

PostgreSQL is written off the tick: after publishing, the process's persister for the room
takes the room's persist lock, reads the events between the room's ``persisted`` and
``published`` watermarks from Redis, stores them, and moves ``persisted``; so rows are written
once each, in id order (later events apply to earlier rows), whichever process published them.

Keys carry the room's token in a hash tag (``{<schema>:<id>}``) so a room's keys stay on one
Redis Cluster slot, and the cache prefix (per test run in tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

import redis
import redis.asyncio as aioredis
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from partycloud.tenancy.context import use_public_schema, use_tenant
from partycloud.tenancy.models import PartyCommittee
from tenants.live.audience import LessonRef, in_lesson_schema
from tenants.live.models import ChatEvent, ChatEventKind, Lesson
from tenants.live.signals import lesson_cancelled, lesson_ended, lesson_went_live

log = logging.getLogger(__name__)
T = TypeVar("T")

TICK = 0.2  # seconds between a room's broadcasts
REDIS_CAP = 5000  # events a room keeps in Redis (older ones come from PostgreSQL)
WELCOME_EVENTS = 50  # events in the welcome of a fresh join
HISTORY_PAGE = 50
RATE_LIMIT = 5  # messages per person ...
RATE_WINDOW_MS = 10_000  # ... in this sliding window
PRESENCE_FRESH_MS = 20_000  # a socket counts as a viewer this long after its process refreshed it
PRESENCE_REFRESH = 5.0  # seconds between a process's presence refreshes
LOCK_MS = 3000  # the publisher's lock, if it dies holding it
ROOM_TTL = 3 * 24 * 3600  # a room's keys expire this long after its last event
MAX_BATCH = 500  # events per broadcast (more wait for the next tick)
PERSIST_LOCK_MS = 30_000  # the persister's lock, if it dies holding it
PERSIST_RETRY = 0.1  # seconds between two tries to take the persist lock
PERSIST_ATTEMPTS = 5  # failed writes in a row before a persister gives up (the next batch retries)
LOCK_SHARE = 0.8  # of a tick: how long the publisher's lock stays after the tick started
REDIS_POOL_SIZE = 200  # connections per process and event loop; more callers wait ...
REDIS_POOL_TIMEOUT = 20  # ... this many seconds at most
CLOSED_AFTER_SECONDS = 3600  # the chat closes this long after the lesson ended


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def now_iso() -> str:
    return timezone.now().isoformat()


# ------------------------------------------------------------------------------ keys and scripts


class Keys:
    def __init__(self, ref: LessonRef):
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "pc")
        self.base = f"{prefix}:live:{{{ref.token}}}:"

    def __getattr__(self, name: str) -> str:
        return self.base + name

    def person(self, kind: str, person: str) -> str:
        return f"{self.base}{kind}:{person}"


_APPEND = f"""
local ROOM_TTL = {ROOM_TTL}
local function append(seq_key, events_key, body, cap)
  local id = redis.call('INCR', seq_key)
  local event = '{{"id":' .. id .. ',' .. string.sub(body, 2)
  redis.call('ZADD', events_key, id, event)
  if redis.call('ZCARD', events_key) > cap + 200 then
    redis.call('ZREMRANGEBYRANK', events_key, 0, -(cap + 1))
  end
  redis.call('EXPIRE', seq_key, {ROOM_TTL})
  redis.call('EXPIRE', events_key, {ROOM_TTL})
  return id
end
"""

SCRIPTS = {
    # KEYS seq, events; ARGV body, cap
    "append": _APPEND + "return append(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]))",
    # KEYS muted, rate, slow-person, slow-seconds; ARGV person, now, window, limit, is_host
    "gate": """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 'muted' end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[2]) - tonumber(ARGV[3]))
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return 'rate' end
if ARGV[5] == '0' and tonumber(redis.call('GET', KEYS[4]) or '0') > 0
   and redis.call('EXISTS', KEYS[3]) == 1 then return 'slow' end
return ''
""",
    # KEYS seq, events, rate, slow-person, slow-seconds, questions;
    # ARGV body, cap, now, window, is_host, nonce, is_question
    "say": _APPEND
    + """
local id = append(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]))
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[6])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
if ARGV[5] == '0' then
  local seconds = tonumber(redis.call('GET', KEYS[5]) or '0')
  if seconds > 0 then redis.call('SET', KEYS[4], '1', 'EX', seconds) end
end
if ARGV[7] == '1' then
  redis.call('SADD', KEYS[6], id)
  redis.call('EXPIRE', KEYS[6], ROOM_TTL)
end
return id
""",
    # KEYS seq, events, questions, voters, upvotes; ARGV body prefix, cap, question id, person
    "upvote": _APPEND
    + """
if redis.call('SISMEMBER', KEYS[3], ARGV[3]) == 0 then return -1 end
if redis.call('SADD', KEYS[4], ARGV[4]) == 0 then return 0 end
local n = redis.call('HINCRBY', KEYS[5], ARGV[3], 1)
redis.call('EXPIRE', KEYS[4], ROOM_TTL)
redis.call('EXPIRE', KEYS[5], ROOM_TTL)
return append(KEYS[1], KEYS[2], ARGV[1] .. n .. '}', tonumber(ARGV[2]))
""",
    # KEYS seq, events, set; ARGV body, cap, member, add|rem  (an event only when the set changed)
    "toggle": _APPEND
    + """
local changed
if ARGV[4] == 'add' then changed = redis.call('SADD', KEYS[3], ARGV[3])
else changed = redis.call('SREM', KEYS[3], ARGV[3]) end
if changed == 0 then return 0 end
redis.call('EXPIRE', KEYS[3], ROOM_TTL)
return append(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]))
""",
    # KEYS seq, events, key; ARGV body, cap, value ('' deletes; no event if there was nothing)
    "put": _APPEND
    + """
if ARGV[3] == '' then
  if redis.call('DEL', KEYS[3]) == 0 then return 0 end
else redis.call('SET', KEYS[3], ARGV[3], 'EX', ROOM_TTL) end
return append(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]))
""",
    # KEYS lock, published, seq, events, likes, likes-published, presence, viewers-published
    # ARGV token, now, fresh, lock ms, max batch, ttl
    "tick": """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[4]) then return false end
local published = tonumber(redis.call('GET', KEYS[2]) or '0')
local seq = tonumber(redis.call('GET', KEYS[3]) or '0')
local likes = tonumber(redis.call('GET', KEYS[5]) or '0')
redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', tonumber(ARGV[2]) - tonumber(ARGV[3]))
local viewers = redis.call('ZCARD', KEYS[7])
if seq <= published and likes == tonumber(redis.call('GET', KEYS[6]) or '-1')
   and viewers == tonumber(redis.call('GET', KEYS[8]) or '-1') then
  redis.call('DEL', KEYS[1])
  return false
end
local events = {}
if seq > published then
  events = redis.call('ZRANGEBYSCORE', KEYS[4], '(' .. published, '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[5]))
end
local last = published
if #events > 0 then last = tonumber(events[#events]) end
if seq < last then last = seq end
redis.call('SET', KEYS[2], last, 'EX', ARGV[6])
redis.call('SET', KEYS[6], likes, 'EX', ARGV[6])
redis.call('SET', KEYS[8], viewers, 'EX', ARGV[6])
redis.call('EXPIRE', KEYS[5], ARGV[6])
redis.call('EXPIRE', KEYS[7], ARGV[6])
return {likes, viewers, events}
""",
    # KEYS lock; ARGV token, ms left (0: delete)
    "release": """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('DEL', KEYS[1])
""",
}

_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[aioredis.Redis[str], dict[str, Any]]] = (
    weakref.WeakKeyDictionary()
)
_sync_client: tuple[redis.Redis[str], dict[str, Any]] | None = None


def aredis() -> tuple[aioredis.Redis[str], dict[str, Any]]:
    """This event loop's Redis client and its scripts."""
    loop = asyncio.get_running_loop()
    found = _async_clients.get(loop)
    if found is None:
        # A blocking pool: when hundreds of sockets close (or join) at once, callers wait for a
        # connection instead of redis-py's default pool raising MaxConnectionsError at 100.
        pool = aioredis.BlockingConnectionPool.from_url(  # type: ignore[var-annotated]
            settings.REDIS_URL, decode_responses=True, max_connections=REDIS_POOL_SIZE, timeout=REDIS_POOL_TIMEOUT
        )
        client: aioredis.Redis[str] = aioredis.Redis(connection_pool=pool)  # type: ignore[assignment]
        found = (client, {name: client.register_script(source) for name, source in SCRIPTS.items()})
        _async_clients[loop] = found
    return found


def sredis() -> tuple[redis.Redis[str], dict[str, Any]]:
    """The process's synchronous Redis client (signal receivers, the API) and its scripts."""
    global _sync_client
    if _sync_client is None:
        client = redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)
        _sync_client = (client, {name: client.register_script(source) for name, source in SCRIPTS.items()})
    return _sync_client


# ------------------------------------------------------------------------------ events


def event_id_of(event: str) -> int:
    """The id of an event as stored (``{"id":12,...``) without parsing the rest."""
    return int(event[6 : event.index(",")])


def sender_of(participant: Participant) -> dict[str, Any]:
    return {
        "tenant": participant.tenant,
        "user_id": participant.user_id,
        "name": participant.name,
        "unit": participant.unit,
        "display": participant.display,
    }


@dataclass
class Participant:
    """Who is on a socket: their tenant (slug), name and unit as shown, and whether they host."""

    user_id: int
    tenant: str
    name: str
    unit: str
    tenant_schema: str
    is_host: bool
    language: str = "zh-hans"

    @property
    def display(self) -> str:
        return f"{self.unit}·{self.name}"

    @property
    def person(self) -> str:
        return f"{self.tenant}:{self.user_id}"


# ------------------------------------------------------------------------------ PostgreSQL


def max_persisted_id(ref: LessonRef) -> int:
    with in_lesson_schema(ref):
        last = ChatEvent.objects.filter(lesson_id=ref.lesson_id).order_by("-event_id").first()
    return last.event_id if last is not None else 0


def ensure_sequence_sync(ref: LessonRef) -> None:
    """After Redis lost a room (or on its first event), its ids continue after the stored ones."""
    client, _scripts = sredis()
    keys = Keys(ref)
    if not client.exists(keys.seq):
        client.set(keys.seq, max_persisted_id(ref), nx=True)


def _row(lesson_id: int, event: dict[str, Any]) -> ChatEvent:
    sender = event.get("sender") or {}
    return ChatEvent(
        lesson_id=lesson_id,
        event_id=event["id"],
        kind=event["kind"],
        sender_tenant=str(sender.get("tenant", "")),
        sender_user_id=sender.get("user_id"),
        sender_display=str(sender.get("display", "")),
        text=str(event.get("text", "")),
        payload=event,
        at=datetime.fromisoformat(event["at"]),
    )


def persist_events(lesson_id: int, events: list[dict[str, Any]]) -> None:
    """Store a batch (the active schema is the lesson's) and apply what it changes to earlier
    rows: removed messages, answered questions, upvote counts. Idempotent."""
    if not events:
        return
    ChatEvent.objects.bulk_create([_row(lesson_id, event) for event in events], ignore_conflicts=True)
    rows = ChatEvent.objects.filter(lesson_id=lesson_id)
    removed = [event["event_id"] for event in events if event["kind"] == ChatEventKind.REMOVED]
    if removed:
        rows.filter(event_id__in=removed).update(removed=True)
    changes: dict[int, dict[str, Any]] = {}
    for event in events:
        if event["kind"] == ChatEventKind.ANSWERED:
            changes.setdefault(event["question_id"], {})["answered"] = True
        elif event["kind"] == ChatEventKind.UPVOTES:
            changes.setdefault(event["question_id"], {})["upvotes"] = event["upvotes"]
    for question in rows.filter(event_id__in=list(changes), kind=ChatEventKind.QUESTION):
        question.payload = {**question.payload, **changes[question.event_id]}
        question.save(update_fields=["payload"])


def stored_events(
    ref: LessonRef, after: int, before: int | None = None, limit: int = REDIS_CAP
) -> list[dict[str, Any]]:
    """Events after ``after`` (and before ``before``) from PostgreSQL, oldest first."""
    with in_lesson_schema(ref):
        rows = ChatEvent.objects.filter(lesson_id=ref.lesson_id, event_id__gt=after)
        if before is not None:
            rows = rows.filter(event_id__lt=before)
        return [row.payload for row in rows.order_by("event_id")[:limit]]


def history_page(ref: LessonRef, before: int | None) -> dict[str, Any]:
    """Older messages and questions for scrolling back (removed ones left out), oldest first,
    with their current upvotes and answered state."""
    with in_lesson_schema(ref):
        rows = ChatEvent.objects.filter(
            lesson_id=ref.lesson_id, kind__in=[ChatEventKind.MESSAGE, ChatEventKind.QUESTION], removed=False
        )
        if before is not None:
            rows = rows.filter(event_id__lt=before)
        page = list(rows.order_by("-event_id")[: HISTORY_PAGE + 1])
    has_more = len(page) > HISTORY_PAGE
    events = [row.payload for row in reversed(page[:HISTORY_PAGE])]
    return {"events": events, "has_more": has_more}


# ------------------------------------------------------------------------------ room state (async)


@dataclass
class JoinSnapshot:
    sequence: int | None  # None: the room is not in Redis (yet, or any more)
    last: list[str]  # the last WELCOME_EVENTS events, oldest first
    after: list[str]  # the events after the join's ``after``, oldest first
    removed: set[int]
    state: dict[str, Any]


class RoomStore:
    """A room's Redis state, for the consumer (async)."""

    def __init__(self, ref: LessonRef):
        self.ref = ref
        self.keys = Keys(ref)

    @property
    def client(self) -> aioredis.Redis[str]:
        return aredis()[0]

    def script(self, name: str) -> Any:
        return aredis()[1][name]

    async def ensure_sequence(self, tenant: PartyCommittee | None) -> None:
        if not await self.client.exists(self.keys.seq):
            stored = await run_in_schema(tenant, lambda: max_persisted_id(self.ref))
            await self.client.set(self.keys.seq, stored, nx=True)

    async def state(self, person: str) -> dict[str, Any]:
        now_ms = int(time.time() * 1000)
        keys = self.keys
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.zcount(keys.presence, now_ms - PRESENCE_FRESH_MS, "+inf")
            pipe.get(keys.likes)
            pipe.get(keys.pinned)
            pipe.get(keys.slow_seconds)
            pipe.sismember(keys.muted, person)
            viewers, likes, pinned, slow, muted = await pipe.execute()
        return {
            "viewers": int(viewers),
            "likes": int(likes or 0),
            "pinned": json.loads(pinned) if pinned else None,
            "slow_mode_seconds": int(slow or 0),
            "muted": bool(muted),
        }

    async def snapshot(self, participant: Participant, channel: str, after: int | None) -> JoinSnapshot:
        """What a join needs, in ONE round trip (a join under load waits a loop turn per round
        trip): registers the name and the socket's presence, reads the sequence, the last
        events (and those after ``after``), the removed ids and the room's state."""
        keys = self.keys
        now_ms = int(time.time() * 1000)
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.hset(keys.names, participant.person, participant.display)
            pipe.expire(keys.names, ROOM_TTL)
            pipe.zadd(keys.presence, {channel: now_ms})
            pipe.get(keys.seq)
            pipe.zrevrangebyscore(keys.events, "+inf", "-inf", start=0, num=WELCOME_EVENTS)
            pipe.smembers(keys.removed)
            pipe.zcount(keys.presence, now_ms - PRESENCE_FRESH_MS, "+inf")
            pipe.get(keys.likes)
            pipe.get(keys.pinned)
            pipe.get(keys.slow_seconds)
            pipe.sismember(keys.muted, participant.person)
            if after is not None:
                pipe.zrangebyscore(keys.events, f"({after}", "+inf")
            results = await pipe.execute()
        _name, _ttl, _presence, seq, last, removed, viewers, likes, pinned, slow, muted, *newer = results
        return JoinSnapshot(
            sequence=None if seq is None else int(seq),
            last=list(reversed(last)),
            after=list(newer[0]) if newer else [],
            removed={int(member) for member in removed},
            state={
                "viewers": int(viewers),
                "likes": int(likes or 0),
                "pinned": json.loads(pinned) if pinned else None,
                "slow_mode_seconds": int(slow or 0),
                "muted": bool(muted),
            },
        )

    async def sequence(self) -> int:
        return int(await self.client.get(self.keys.seq) or 0)

    async def published(self) -> int:
        return int(await self.client.get(self.keys.published) or 0)

    async def events_after(self, after: int, upto: int | None = None) -> list[str]:
        upper = "+inf" if upto is None else upto
        return list(await self.client.zrangebyscore(self.keys.events, f"({after}", upper))

    async def display_of(self, person: str) -> str:
        return str(await self.client.hget(self.keys.names, person) or "")

    async def gate(self, participant: Participant) -> str:
        keys = self.keys
        result = await self.script("gate")(
            keys=[
                keys.muted,
                keys.person("rate", participant.person),
                keys.person("slow", participant.person),
                keys.slow_seconds,
            ],
            args=[participant.person, int(time.time() * 1000), RATE_WINDOW_MS, RATE_LIMIT, int(participant.is_host)],
        )
        return str(result or "")

    async def say(self, participant: Participant, body: dict[str, Any], *, question: bool) -> int:
        keys = self.keys
        return int(
            await self.script("say")(
                keys=[
                    keys.seq,
                    keys.events,
                    keys.person("rate", participant.person),
                    keys.person("slow", participant.person),
                    keys.slow_seconds,
                    keys.questions,
                ],
                args=[
                    dumps(body),
                    REDIS_CAP,
                    int(time.time() * 1000),
                    RATE_WINDOW_MS,
                    int(participant.is_host),
                    secrets.token_hex(6),
                    int(question),
                ],
            )
        )

    async def upvote(self, person: str, question_id: int) -> int:
        """The event id of the new count; 0 already upvoted; -1 no such question."""
        keys = self.keys
        prefix = dumps({"kind": ChatEventKind.UPVOTES.value, "at": now_iso(), "question_id": question_id})
        prefix = prefix[:-1] + ',"upvotes":'
        return int(
            await self.script("upvote")(
                keys=[keys.seq, keys.events, keys.questions, keys.person("voters", str(question_id)), keys.upvotes],
                args=[prefix, REDIS_CAP, question_id, person],
            )
        )

    async def is_question(self, event_id: int) -> bool:
        return bool(await self.client.sismember(self.keys.questions, event_id))

    async def toggle(self, set_key: str, member: str | int, add: bool, body: dict[str, Any]) -> int:
        keys = self.keys
        return int(
            await self.script("toggle")(
                keys=[keys.seq, keys.events, set_key],
                args=[dumps(body), REDIS_CAP, member, "add" if add else "rem"],
            )
        )

    async def put(self, key: str, value: str, body: dict[str, Any]) -> int:
        keys = self.keys
        return int(await self.script("put")(keys=[keys.seq, keys.events, key], args=[dumps(body), REDIS_CAP, value]))

    async def like(self, count: int) -> None:
        await self.client.incrby(self.keys.likes, count)

    async def count_refusal(self, code: str) -> None:
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.hincrby(self.keys.refusals, code, 1)
            pipe.expire(self.keys.refusals, ROOM_TTL)
            await pipe.execute()

    async def present(self, channels: Iterable[str]) -> None:
        mapping: dict[str | bytes, float] = dict.fromkeys(channels, time.time() * 1000)
        if mapping:
            await self.client.zadd(self.keys.presence, mapping)

    async def absent(self, channel: str) -> None:
        await self.client.zrem(self.keys.presence, channel)


async def run_in_schema(tenant: PartyCommittee | None, function: Callable[[], T]) -> T:
    """``function`` in a worker thread in ``tenant``'s schema (None: the public schema)."""

    def run() -> T:
        if tenant is None:
            use_public_schema()
        else:
            use_tenant(tenant)
        try:
            return function()
        finally:
            use_public_schema()

    result: T = await database_sync_to_async(run)()
    return result


# ------------------------------------------------------------------------------ the tick


async def fixed_rate(interval: float) -> AsyncIterator[int]:
    """Yield every ``interval`` seconds from now, whatever the loop body takes: the n-th yield
    is due at start + n × interval. A body that overruns is not caught up with a burst: the
    next yield comes at once and the schedule goes on from there."""
    loop = asyncio.get_running_loop()
    due = loop.time() + interval
    count = 0
    while True:
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        count += 1
        yield count
        due += interval
        late = loop.time() - due
        if late >= interval:
            due += interval * (late // interval)  # skip the missed ticks, keep the phase


Deliver = Callable[[dict[str, Any]], Coroutine[Any, Any, None]]


@dataclass
class Room:
    """A room as seen by one process: its local sockets, the loop that ticks while any is open,
    and the relay: ONE channel-layer subscription per room and process whose batches are handed
    to each local socket's ``deliver`` (a task each), instead of one channel-layer queue,
    receive task and dispatch per socket and batch."""

    ref: LessonRef
    tenant: PartyCommittee | None  # whose schema holds the rows (None: the public schema)
    channels: set[str] = field(default_factory=set)
    task: asyncio.Task[None] | None = None
    last_presence: float = 0.0
    sockets: dict[str, Deliver] = field(default_factory=dict)
    relay: asyncio.Task[None] | None = None
    relay_ready: asyncio.Future[None] | None = None

    @property
    def store(self) -> RoomStore:
        return RoomStore(self.ref)

    async def run(self) -> None:
        async for _tick in fixed_rate(TICK):
            if not self.channels:
                return
            try:
                if time.monotonic() - self.last_presence > PRESENCE_REFRESH:
                    self.last_presence = time.monotonic()
                    await self.store.present(list(self.channels))
                await publish_tick(self.ref, self.tenant)
            except Exception:
                log.exception("chat tick of %s failed", self.ref.token)

    async def subscribed(self) -> None:
        """Once this returns, every batch published reaches this process's sockets."""
        ready = self.relay_ready
        if ready is None or (ready.done() and ready.exception() is not None):
            ready = self.relay_ready = asyncio.get_running_loop().create_future()
            self.relay = asyncio.create_task(self._relay(ready))
        await asyncio.shield(ready)

    async def _relay(self, ready: asyncio.Future[None]) -> None:
        """Subscribe the room's group once, then hand each batch to every local socket. If the
        layer fails, log, subscribe again a second later (sockets fill the gap from Redis)."""
        layer = get_channel_layer()
        assert layer is not None  # settings always configure one
        loop = asyncio.get_running_loop()
        channel: str | None = None
        try:
            while True:
                try:
                    if channel is None:
                        channel = await layer.new_channel("live-room.")
                        await layer.group_add(self.ref.room, channel)
                        if not ready.done():
                            ready.set_result(None)
                    message = await layer.receive(channel)
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    log.exception("the chat relay of %s failed", self.ref.token)
                    if not ready.done():
                        ready.set_exception(error)
                        return
                    channel = None
                    await asyncio.sleep(1)
                    continue
                if message.get("type") != "chat.batch":
                    continue
                for deliver in list(self.sockets.values()):
                    task = loop.create_task(deliver(message))
                    _deliveries.add(task)
                    task.add_done_callback(_delivered)
        finally:
            if not ready.done():
                ready.set_exception(RuntimeError("the chat relay stopped"))
            if channel is not None:
                with contextlib.suppress(Exception):
                    await layer.group_discard(self.ref.room, channel)


_rooms: dict[str, Room] = {}
_deliveries: set[asyncio.Task[None]] = set()


def _delivered(task: asyncio.Task[None]) -> None:
    _deliveries.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.debug("a chat batch was not delivered to a socket", exc_info=task.exception())


async def join_room(
    ref: LessonRef,
    tenant: PartyCommittee | None,
    channel: str,
    *,
    present: bool = True,
    deliver: Deliver | None = None,
) -> None:
    """The socket ``channel`` is in the room on this process (``present``: mark it present in
    Redis now; the consumer's join snapshot does it). With ``deliver``, the room's batches are
    handed to it from the moment this returns."""
    room = _rooms.get(ref.token)
    if room is None:
        room = _rooms[ref.token] = Room(ref, tenant)
    room.channels.add(channel)
    if deliver is not None:
        room.sockets[channel] = deliver
        await room.subscribed()
    if present:
        await room.store.present([channel])
    if room.task is None or room.task.done():
        room.task = asyncio.create_task(room.run())


async def leave_room(ref: LessonRef, channel: str) -> None:
    room = _rooms.get(ref.token)
    if room is not None:
        room.channels.discard(channel)
        room.sockets.pop(channel, None)
        if not room.channels:
            _rooms.pop(ref.token, None)
            if room.relay is not None:
                room.relay.cancel()
    await RoomStore(ref).absent(channel)


def batch_frame(events: list[str], viewers: int, likes: int) -> str:
    """The ``batch`` frame of a tick, as sent to a socket that needs all its events."""
    return f'{{"type":"batch","events":[{",".join(events)}],"viewers":{int(viewers)},"likes":{int(likes)}}}'


async def publish_tick(ref: LessonRef, tenant: PartyCommittee | None) -> bool:
    """One tick of the room: publish what happened since the last broadcast if this process wins
    the room's lock, then have the events stored (not awaited). True when a batch was sent."""
    store = RoomStore(ref)
    keys = store.keys
    token = secrets.token_hex(8)
    started = time.monotonic()
    found = await store.script("tick")(
        keys=[
            keys.lock,
            keys.published,
            keys.seq,
            keys.events,
            keys.likes,
            keys.likes_published,
            keys.presence,
            keys.viewers_published,
        ],
        args=[token, int(time.time() * 1000), PRESENCE_FRESH_MS, LOCK_MS, MAX_BATCH, ROOM_TTL],
    )
    if not found:
        return False
    try:
        likes, viewers, flat = found
        events = [str(value) for value in flat[0::2]]
        ids = [int(float(score)) for score in flat[1::2]]
        status = next(
            (json.loads(event)["status"] for event in reversed(events) if '"kind":"status"' in event),
            None,
        )
        layer = get_channel_layer()
        assert layer is not None  # settings always configure one
        await layer.group_send(
            ref.room,
            {
                "type": "chat.batch",
                "ids": ids,
                "events": events,
                "viewers": viewers,
                "likes": likes,
                "status": status,
                "frame": batch_frame(events, viewers, likes),
            },
        )
        if ids:
            request_persist(ref, tenant, ids[-1])
    finally:
        # The lock runs out a little before this process's next tick (due TICK after this one
        # started): another process cannot publish sooner, this one does not miss its turn.
        left = int(TICK * 1000 * LOCK_SHARE - (time.monotonic() - started) * 1000)
        await store.script("release")(keys=[keys.lock], args=[token, max(left, 0)])
    return True


# ------------------------------------------------------------------------------ persistence


async def persist_pending(ref: LessonRef, tenant: PartyCommittee | None) -> int | None:
    """Store the room's published events not stored yet, in id order, if this process gets the
    room's persist lock; the ``persisted`` watermark after, or None when another process holds
    the lock."""
    client, scripts = aredis()
    keys = Keys(ref)
    token = secrets.token_hex(8)
    if not await client.set(keys.persist_lock, token, nx=True, px=PERSIST_LOCK_MS):
        return None
    try:
        raw = await client.get(keys.persisted)
        done = int(raw) if raw is not None else await run_in_schema(tenant, partial(max_persisted_id, ref))
        published = int(await client.get(keys.published) or 0)
        while done < published:
            found = await client.zrangebyscore(keys.events, f"({done}", published, start=0, num=MAX_BATCH)
            if not found:
                log.warning("chat events %s..%s of %s are gone from Redis", done + 1, published, ref.token)
                done = published
            else:
                parsed = [json.loads(event) for event in found]
                if parsed[0]["id"] > done + 1:
                    log.warning(
                        "chat events %s..%s of %s are gone from Redis", done + 1, parsed[0]["id"] - 1, ref.token
                    )
                await run_in_schema(tenant, partial(persist_events, ref.lesson_id, parsed))
                done = int(parsed[-1]["id"])
            await client.set(keys.persisted, done, ex=ROOM_TTL)
        return done
    finally:
        await scripts["release"](keys=[keys.persist_lock], args=[token, 0])


@dataclass
class Persister:
    """A room's storing in one process: runs until the room's events up to ``upto`` are stored
    (by this process or another), then ends."""

    ref: LessonRef
    tenant: PartyCommittee | None
    upto: int = 0
    task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        failures = 0
        try:
            while True:
                try:
                    done = await persist_pending(self.ref, self.tenant)
                except Exception:
                    failures += 1
                    log.exception("storing the chat of %s failed", self.ref.token)
                    if failures >= PERSIST_ATTEMPTS:
                        return  # the events stay in Redis; the next batch's persister retries
                    await asyncio.sleep(PERSIST_RETRY * 10 * failures)
                    continue
                if done is not None and done >= self.upto:
                    return
                await asyncio.sleep(PERSIST_RETRY)
        finally:
            if _persisters.get(self.ref.token) is self:
                _persisters.pop(self.ref.token, None)


_persisters: dict[str, Persister] = {}


def request_persist(ref: LessonRef, tenant: PartyCommittee | None, upto: int) -> None:
    """Have the room's events up to ``upto`` stored, in the background."""
    persister = _persisters.get(ref.token)
    if persister is None or persister.task is None or persister.task.done():
        persister = _persisters[ref.token] = Persister(ref, tenant, upto)
        persister.task = asyncio.create_task(persister.run())
    persister.upto = max(persister.upto, upto)


async def flush_persistence() -> None:
    """Wait until what this process asked to store is stored (tests, shutdown)."""
    while _persisters:
        await asyncio.gather(*(p.task for p in list(_persisters.values()) if p.task is not None))


# ------------------------------------------------------------------------------ lesson status


def append_status(ref: LessonRef, status: str) -> int:
    """A ``status`` event in the room (the active schema is the lesson's). Like every event it
    is stored by the tick that publishes it (a room nobody is in publishes when someone joins)."""
    ensure_sequence_sync(ref)
    _client, scripts = sredis()
    keys = Keys(ref)
    body = {"kind": ChatEventKind.STATUS.value, "at": now_iso(), "status": status}
    return int(scripts["append"](keys=[keys.seq, keys.events], args=[dumps(body), REDIS_CAP]))


def _append_status_safely(ref: LessonRef, status: str) -> None:
    # The media server's callback sends the signal: a chat that cannot be reached (Redis down)
    # must not refuse or fail the stream.
    try:
        append_status(ref, status)
    except Exception:
        log.exception("could not add the %s status to the chat of %s", status, ref.token)


def _on_went_live(sender: Any, ref: LessonRef, lesson: Lesson, **kwargs: Any) -> None:
    _append_status_safely(ref, "live")


def _on_ended(sender: Any, ref: LessonRef, lesson: Lesson, **kwargs: Any) -> None:
    _append_status_safely(ref, "ended")


def _on_cancelled(sender: Any, ref: LessonRef, lesson: Lesson, **kwargs: Any) -> None:
    _append_status_safely(ref, "cancelled")


def connect_signals() -> None:
    lesson_went_live.connect(_on_went_live, dispatch_uid="live-chat-went-live")
    lesson_ended.connect(_on_ended, dispatch_uid="live-chat-ended")
    lesson_cancelled.connect(_on_cancelled, dispatch_uid="live-chat-cancelled")


def chat_closed(lesson: Lesson, now: datetime | None = None) -> bool:
    """Cancelled, or ended more than an hour ago."""
    if lesson.status == "cancelled":
        return True
    if lesson.status == "ended" and lesson.ended_at is not None:
        return ((now or timezone.now()) - lesson.ended_at).total_seconds() > CLOSED_AFTER_SECONDS
    return False
