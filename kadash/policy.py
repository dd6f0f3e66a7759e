"""Tier policy: who owns each tier's relationship and what service it gets; rep capacity.

Tiering is only a strategy when each tier comes with a standard of care. The default policy
follows IBM's key-account example (the seed of kadash): Diamond accounts are owned by a group
vice-president and get personalised consulting and IT planning; Gold by a regional president,
consulting; Silver by a key account manager, a standard solution; the rest are to be decided,
standard solution or product. Other tier counts take the top row for the top tier, the last
row for the last tier and the middle rows, in order, for the tiers between.

Policy rows are held in :class:`~kadash.settings.Settings` (so a link or a settings file
carries them) and hold only what the user changed: an empty field — or an empty policy —
means the default for that tier, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "BLANK",
    "CADENCES",
    "DEFAULT_ROWS",
    "PolicyRow",
    "capacity_by_rep",
    "default_policy",
    "edited_policy",
    "overloaded_reps",
    "policy_for",
    "resize_policy",
]

#: Review cadences a tier can have, most frequent first (keys; shown translated).
CADENCES: tuple[str, ...] = ("weekly", "monthly", "quarterly", "half_yearly", "yearly")


@dataclass(frozen=True)
class PolicyRow:
    """One tier's policy: relationship owner, service package, review cadence, notes.

    ``cadence`` is one of :data:`CADENCES`; the other fields are free text.
    """

    owner: str
    service: str
    cadence: str
    notes: str = ""


#: The IBM example as translation keys (owner, service) and a cadence, top tier first.
DEFAULT_ROWS: tuple[tuple[str, str, str], ...] = (
    ("policy.owner.group_vp", "policy.service.personal", "monthly"),
    ("policy.owner.regional_president", "policy.service.consulting", "quarterly"),
    ("policy.owner.kam", "policy.service.standard", "half_yearly"),
    ("policy.owner.tbd", "policy.service.product", "yearly"),
)


def _template_index(tier: int, count: int) -> int:
    """Which default row tier ``tier`` (0-based) of ``count`` takes: first and last rows for
    the first and last tiers, the middle rows spread in order over the tiers between."""
    if tier == 0:
        return 0
    if tier == count - 1:
        return len(DEFAULT_ROWS) - 1
    middle = len(DEFAULT_ROWS) - 2
    return 1 + (tier - 1) * middle // (count - 2)


def default_policy(count: int, t: Callable[..., str]) -> tuple[PolicyRow, ...]:
    """The default policy for ``count`` tiers, in the translator's language.

    Examples: 4 tiers → Diamond, Gold, Silver, Other rows; 3 tiers (ABC) → group
    vice-president, regional president, to be decided; 6 tiers → rows 1, 2, 2, 3, 3, 4.
    """
    rows = []
    for tier in range(count):
        owner, service, cadence = DEFAULT_ROWS[_template_index(tier, count)]
        rows.append(PolicyRow(t(owner), t(service), cadence))
    return tuple(rows)


BLANK = PolicyRow("", "", "", "")


def policy_for(
    policy: Sequence[PolicyRow], count: int, t: Callable[..., str]
) -> tuple[PolicyRow, ...]:
    """The policy in force for ``count`` tiers: each empty field (or missing row) filled with
    the tier's default."""
    rows = []
    for i, default in enumerate(default_policy(count, t)):
        own = policy[i] if i < len(policy) else BLANK
        rows.append(
            PolicyRow(
                own.owner or default.owner,
                own.service or default.service,
                own.cadence or default.cadence,
                own.notes,
            )
        )
    return tuple(rows)


def edited_policy(
    rows: Sequence[PolicyRow], count: int, t: Callable[..., str]
) -> tuple[PolicyRow, ...]:
    """What to store after an edit: fields equal to the tier's default become empty (so they
    follow the language), and a policy with nothing of the user's left becomes ``()``."""
    defaults = default_policy(count, t)
    kept = []
    for row, default in zip(rows, defaults, strict=True):
        kept.append(
            PolicyRow(
                "" if row.owner.strip() == default.owner else row.owner.strip(),
                "" if row.service.strip() == default.service else row.service.strip(),
                "" if row.cadence == default.cadence else row.cadence,
                row.notes.strip(),
            )
        )
    return () if all(r == BLANK for r in kept) else tuple(kept)


def resize_policy(policy: Sequence[PolicyRow], count: int) -> tuple[PolicyRow, ...]:
    """Fit a policy to a new number of tiers: tiers that still exist keep their row (by id:
    ``t1`` keeps ``t1``'s), new tiers follow the defaults."""
    kept = tuple(policy[i] if i < len(policy) else BLANK for i in range(count))
    # Only blank rows left (the edited tiers were cut off): that is the default policy.
    return () if all(row == BLANK for row in kept) else kept


def capacity_by_rep(
    lines: pd.DataFrame,
    customer_tiers: pd.DataFrame,
    *,
    rep: str = "sales_rep",
    customer: str = "customer_id",
    revenue: str = "revenue",
) -> pd.DataFrame:
    """Accounts and revenue per sales rep per tier.

    Each line's revenue counts under that line's rep, so a customer served by two reps is an
    account of both, with each rep's share of its revenue. Lines without a rep are grouped
    under an empty rep name ``""``.

    Parameters
    ----------
    lines
        Transactions with ``customer``, ``rep`` and ``revenue`` (int64 minor units) columns.
    customer_tiers
        One row per customer: ``customer`` and ``tier`` (int tier index, 0 = top).

    Returns
    -------
    pandas.DataFrame
        ``sales_rep``, ``tier`` (index), ``tier_id``, ``accounts`` (distinct customers),
        ``revenue`` (int64 minor units), sorted by rep then tier.
    """
    missing = [c for c in (customer, rep, revenue) if c not in lines.columns]
    if missing:
        raise ValueError(f"No column {missing[0]!r} in the lines for the capacity check.")
    tier_of = pd.Series(
        customer_tiers["tier"].to_numpy(), index=customer_tiers[customer].astype(str).to_numpy()
    )
    ids = lines[customer].astype(str).to_numpy()
    frame = pd.DataFrame(
        {
            "sales_rep": lines[rep].astype(str).fillna("").to_numpy(),
            "customer": ids,
            "tier": tier_of.reindex(ids).to_numpy(),
            "revenue": lines[revenue].to_numpy(dtype=np.int64),
        }
    )
    frame["sales_rep"] = np.where(lines[rep].isna().to_numpy(), "", frame["sales_rep"])
    frame = frame.dropna(subset=["tier"])
    frame["tier"] = frame["tier"].astype(np.int64)
    grouped = frame.groupby(["sales_rep", "tier"], sort=True, observed=True).agg(
        accounts=("customer", "nunique"), revenue=("revenue", "sum")
    )
    out = grouped.reset_index()
    out.insert(2, "tier_id", pd.array([f"t{int(i) + 1}" for i in out["tier"]], dtype="str"))
    out["accounts"] = out["accounts"].astype(np.int64)
    out["revenue"] = out["revenue"].astype(np.int64)
    return out


def overloaded_reps(capacity: pd.DataFrame, *, limit: int, top: int = 1) -> pd.DataFrame:
    """Reps holding more accounts of the top ``top`` tiers than ``limit`` (exactly ``limit``
    is within it). Lines without a rep (rep ``""``) are nobody's load and never flagged.

    Returns
    -------
    pandas.DataFrame
        ``sales_rep``, ``top_accounts``, ``top_revenue`` (minor units) and ``over`` (accounts
        above the limit), most loaded first.
    """
    if limit < 0 or top < 1:
        raise ValueError("The limit must be 0 or more and at least one tier must count as top.")
    top_rows = capacity[(capacity["tier"] < top) & (capacity["sales_rep"] != "")]
    per_rep = top_rows.groupby("sales_rep", sort=True).agg(
        top_accounts=("accounts", "sum"), top_revenue=("revenue", "sum")
    )
    per_rep = per_rep[per_rep["top_accounts"] > limit].reset_index()
    per_rep["over"] = per_rep["top_accounts"] - limit
    return per_rep.sort_values(
        ["top_accounts", "sales_rep"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
