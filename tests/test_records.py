"""Small helpers of stance.records."""
from __future__ import annotations

import pytest

from stance.records import format_score


@pytest.mark.parametrize("value, text", [
    (0.5, "+0.50"), (-0.5, "-0.50"), (0.0, "+0.00"), (-0.0, "+0.00"),
    (-0.004, "+0.00"),  # rounds to zero: printed without a minus sign
    (-0.005, "-0.01"), (1.0, "+1.00"),
])
def test_format_score_is_signed_with_two_decimals_and_no_negative_zero(value, text):
    assert format_score(value) == text
