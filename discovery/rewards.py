"""Informant rewards (신고포상금): eligibility by the district's rules, the yearly cap, the ledger."""

from __future__ import annotations


def reward_evaluate(*, report, by) -> None:
    """Decide whether the report's informant earns a reward (being built)."""
    return None
