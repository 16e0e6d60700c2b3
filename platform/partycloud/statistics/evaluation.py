"""Democratic evaluation results for table 6 (民主评议党员, DOMAIN_RULES §5).

Evaluations are not recorded yet (a later issue). Until then ``evaluation_counts`` returns
None and the table shows zeros marked "no data recorded yet". The issue that records them
replaces the body of this one function; nothing else in the report changes.
"""

from __future__ import annotations

from datetime import date


def evaluation_counts(start: date, end: date) -> dict[str, int] | None:
    """Members of the active tenant by the grade of the evaluation held in ``(start, end]``:
    keys ``excellent``, ``qualified``, ``basically_qualified``, ``unqualified`` (full members
    graded) and ``not_rated`` (probationary members take part but are not graded, and members
    absent with leave). None while evaluations are not recorded at all."""
    return None
