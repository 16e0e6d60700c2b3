"""The list pagination (partycloud.core.api): a page and its total in one statement, with the
answers of Django's two-statement paginator (issue 14, request path)."""

from __future__ import annotations

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partycloud.accounts.models import User
from partycloud.core.api import OneStatementPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def users() -> list[User]:
    return [
        User.objects.create_user(f"1360000{index:04d}", "pass-2026-x", name=f"分页{index:02d}") for index in range(7)
    ]


def _pages(queryset, number):  # type: ignore[no-untyped-def]
    return OneStatementPaginator(queryset, 3).page(number), Paginator(queryset, 3).page(number)


def test_a_page_and_its_total_come_from_one_statement(users: list[User]) -> None:
    queryset = User.objects.filter(name__startswith="分页").order_by("name")
    with CaptureQueriesContext(connection) as queries:
        page, expected = _pages(queryset, 2)
        rows = list(page)
    assert len(queries) == 2  # ours: one; Django's: a COUNT (the page is read lazily, below)
    assert [u.name for u in rows] == [u.name for u in expected] == ["分页03", "分页04", "分页05"]
    assert page.paginator.count == 7
    assert (page.has_next(), page.has_previous(), page.paginator.num_pages) == (True, True, 3)


def test_value_rows_do_not_carry_the_total(users: list[User]) -> None:
    queryset = User.objects.filter(name__startswith="分页").order_by("name").values("name")
    page = OneStatementPaginator(queryset, 3).page(3)
    assert list(page) == [{"name": "分页06"}]
    assert page.paginator.count == 7


def test_past_the_end_empty_lists_and_bad_numbers_answer_as_django_does(users: list[User]) -> None:
    queryset = User.objects.filter(name__startswith="分页").order_by("name")
    with pytest.raises(EmptyPage):
        OneStatementPaginator(queryset, 3).page(4)
    with pytest.raises(PageNotAnInteger):
        OneStatementPaginator(queryset, 3).page("x")
    empty = OneStatementPaginator(queryset.none(), 3).page(1)
    assert (list(empty), empty.paginator.count) == ([], 0)


def test_distinct_and_value_lists_keep_two_statements(users: list[User]) -> None:
    distinct = User.objects.filter(name__startswith="分页").order_by("name").distinct()
    flat = User.objects.filter(name__startswith="分页").order_by("name").values_list("name", flat=True)
    assert OneStatementPaginator(distinct, 3).page(1).paginator.count == 7
    assert list(OneStatementPaginator(flat, 3).page(3)) == ["分页06"]
