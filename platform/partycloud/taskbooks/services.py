"""The group's task-book templates (stub for the API contract; implemented next)."""

from __future__ import annotations

from typing import Any


def _todo(*args: Any, **kwargs: Any) -> Any:
    raise NotImplementedError


templates = template_rows = do_create_template = template_for = template_payload = _todo
do_update_template = do_delete_template = do_add_indicator = indicator_for = do_update_indicator = _todo
do_delete_indicator = do_reorder = do_publish = progress = parse_year = settings_payload = _todo
do_update_settings = export = tenant_book = do_review = do_return = do_approve = do_reopen = _todo
