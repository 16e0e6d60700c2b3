"""Casting an anonymous vote (issue 17): what unlinkability costs. ``do_cast`` locks the vote and
the voter, sets the voter's flag and rewrites EVERY option of the vote in one statement (no ballot
row; all options share the row version). The same-run baseline does the same locks and flag but
inserts one ballot row per chosen option (the usual design, which links a ballot to its voter's
transaction). Sequential casts by VOTERS voters on a vote of OPTIONS options, each choosing two."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta

from support import bench_database, summarize, unified_code

VOTERS = int(os.environ.get("BENCH_VOTES_VOTERS", "400"))
OPTIONS = int(os.environ.get("BENCH_VOTES_OPTIONS", "8"))


def make_vote(users):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from tenants.supervision.models import CampaignStatus, Vote, VoteOption, VoteVoter

    now = timezone.now()
    vote = Vote.objects.create(
        title="基准投票", organization_id=1, max_choices=2, opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=1), status=CampaignStatus.OPEN, eligible_count=len(users),
    )  # fmt: skip
    VoteOption.objects.bulk_create(VoteOption(vote=vote, position=i, text=f"选项{i}") for i in range(OPTIONS))
    VoteVoter.objects.bulk_create(VoteVoter(vote=vote, user=user) for user in users)
    return vote, list(vote.options.values_list("pk", flat=True))


def main() -> None:
    with bench_database("votes"):
        from django.db import connection, transaction

        from partycloud.accounts.actor import Actor
        from partycloud.accounts.models import User
        from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant
        from tenants.supervision.models import Vote, VoteOption, VoteVoter
        from tenants.supervision.votes import do_cast

        tenant = do_provision_tenant(
            CommitteeDraft(name="基准党委", short_name="基准", slug="benchvote", unified_code=unified_code(4343))
        )
        users = [User.objects.create(phone=f"139{i:08d}", name=f"党员{i}") for i in range(VOTERS * 2)]
        with tenant:
            with connection.cursor() as cursor:
                cursor.execute("CREATE TABLE bench_ballot (id uuid PRIMARY KEY, vote_id bigint, option_id bigint)")

            def ballot_cast(vote: Vote, chosen: list[int], user: User) -> None:
                with transaction.atomic():
                    Vote.objects.select_for_update().get(pk=vote.pk)
                    voter = VoteVoter.objects.select_for_update().get(vote_id=vote.pk, user_id=user.pk)
                    VoteVoter.objects.filter(pk=voter.pk).update(voted=True)
                    with connection.cursor() as cursor:
                        cursor.executemany(
                            "INSERT INTO bench_ballot (id, vote_id, option_id) VALUES (%s, %s, %s)",
                            [(uuid.uuid4(), vote.pk, option) for option in chosen],
                        )

            counted, counted_options = make_vote(users[:VOTERS])
            baseline, baseline_options = make_vote(users[VOTERS:])
            ours, theirs = [], []
            for i in range(VOTERS):
                pick = [counted_options[i % OPTIONS], counted_options[(i + 3) % OPTIONS]]
                started = time.perf_counter()
                do_cast(counted, pick, actor=Actor.for_user(users[i]))
                ours.append(time.perf_counter() - started)
                pick = [baseline_options[i % OPTIONS], baseline_options[(i + 3) % OPTIONS]]
                started = time.perf_counter()
                ballot_cast(baseline, pick, users[VOTERS + i])
                theirs.append(time.perf_counter() - started)
            total = sum(VoteOption.objects.filter(vote=counted).values_list("count", flat=True))
            assert total == 2 * VOTERS, total
            xmins = {
                row[0] for row in VoteOption.objects.filter(vote=counted).extra(select={"x": "xmin"}).values_list("x")
            }
        print(f"{VOTERS} voters, {OPTIONS} options, 2 chosen each; all options share one xmin: {len(xmins) == 1}")
        print(f"  do_cast (every option rewritten, no ballot)  {summarize(ours)}")
        print(f"  baseline (ballot rows inserted)               {summarize(theirs)}")
        ratio = sorted(ours)[len(ours) // 2] / sorted(theirs)[len(theirs) // 2]
        print(f"  median ratio do_cast / baseline: {ratio:.2f}")


if __name__ == "__main__":
    main()
