"""Tenant provisioning: migrate-from-zero vs template clone vs warm-pool claim, same run.

Also the end-to-end figure the issue asks for: from the API call until a request to the
new tenant's host answers.
"""

from __future__ import annotations

import time

from support import bench_database, summarize, unified_code

ROUNDS_MIGRATE = 5
ROUNDS_CLONE = 15


def main() -> None:
    with bench_database("provisioning"):
        from django.db import connection
        from django.test import Client
        from django.test.utils import override_settings
        from django_tenants.utils import schema_exists

        from partycloud.tenancy.models import SpareSchema
        from partycloud.tenancy.schemas import _migrate_from_zero, clone_template, refill_spare_pool
        from partycloud.tenancy.services import CommitteeDraft, do_provision_tenant

        def drop(schema: str) -> None:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'tenant_template'")
            tables = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM tenant_template.django_migrations")
            migrations = cursor.fetchone()[0]
        print(f"template schema: {tables} tables, {migrations} applied migrations")

        migrate: list[float] = []
        for index in range(ROUNDS_MIGRATE):
            started = time.perf_counter()
            _migrate_from_zero(f"bench_migrate_{index}", verbosity=0)
            migrate.append(time.perf_counter() - started)
            drop(f"bench_migrate_{index}")

        clone: list[float] = []
        for index in range(ROUNDS_CLONE):
            started = time.perf_counter()
            clone_template(f"bench_clone_{index}")
            clone.append(time.perf_counter() - started)
            drop(f"bench_clone_{index}")

        # End to end, clone path: service call + first request answered by the new host.
        end_to_end: list[float] = []
        for index in range(ROUNDS_CLONE):
            started = time.perf_counter()
            tenant = do_provision_tenant(
                CommitteeDraft(
                    name=f"基准{index}",
                    short_name=f"基准{index}",
                    slug=f"bench{index}",
                    unified_code=unified_code(index),
                )
            )
            response = Client(HTTP_HOST=tenant.primary_host).get("/api/v1/site")
            end_to_end.append(time.perf_counter() - started)
            assert response.status_code == 200, response.content

        # End to end with a warm pool of spares (refilled outside the measurement).
        pooled: list[float] = []
        with override_settings(TENANT_WARM_POOL_SIZE=1):
            for index in range(ROUNDS_CLONE):
                refill_spare_pool()
                assert SpareSchema.objects.count() == 1
                started = time.perf_counter()
                tenant = do_provision_tenant(
                    CommitteeDraft(
                        name=f"池{index}",
                        short_name=f"池{index}",
                        slug=f"pool{index}",
                        unified_code=unified_code(100 + index),
                    )
                )
                response = Client(HTTP_HOST=tenant.primary_host).get("/api/v1/site")
                pooled.append(time.perf_counter() - started)
                assert response.status_code == 200
                assert schema_exists(tenant.schema_name)

        import statistics

        baseline = statistics.median(migrate)
        print(f"migrate from zero (baseline)     {summarize(migrate)}")
        print(
            f"clone template schema            {summarize(clone)}   ratio {baseline / statistics.median(clone):5.1f}x faster"
        )
        print(f"provision + first request, clone {summarize(end_to_end)}")
        print(
            f"provision + first request, pool  {summarize(pooled)}   ratio {baseline / statistics.median(pooled):5.1f}x faster than migrate"
        )


if __name__ == "__main__":
    main()
