"""The one settings object: basis, tier scheme, cut-offs or thresholds, tier names, filters
and the tier policy.

The sidebar and every page read and write a :class:`Settings`; it round-trips through the
URL's query parameters (so a link reproduces a view) and through a JSON file. It is versioned:
a file from a newer kadash is refused with a clear message, and older versions are upgraded
in :func:`Settings.from_dict`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from fractions import Fraction
from typing import Any

from kadash.columns import FILTER_FIELDS
from kadash.errors import KadashError
from kadash.policy import CADENCES, PolicyRow, resize_policy
from kadash.tiers import (
    MAX_TIERS,
    MIN_TIERS,
    SCHEMES,
    check_cutoffs,
    check_thresholds,
    spread_cutoffs,
)

__all__ = ["BASES", "SETTINGS_VERSION", "Settings", "as_number"]

#: Version 2 added thresholds, the tier policy, the capacity limit and the fiscal year's first
#: month (version 1 files are read as they are, with those at their defaults).
SETTINGS_VERSION = 2
BASES: tuple[str, ...] = ("revenue", "profit")


@dataclass(frozen=True)
class Settings:
    """Everything that decides what the pages show, apart from the data itself.

    Attributes
    ----------
    basis
        ``"revenue"`` or ``"profit"``: the value customers are ranked and tiered by.
    scheme
        ``"abc"``, ``"ibm"``, ``"count"``, ``"cumulative"``, ``"absolute"`` or ``"computed"``
        (see :data:`kadash.tiers.SCHEMES`).
    cutoffs
        Increasing cumulative bounds, one fewer than tiers (read exactly as decimals); used by
        the share rules (all schemes but ``absolute`` and ``computed``).
    thresholds
        Decreasing amounts in currency units, one fewer than tiers; used by ``absolute``.
    names
        Tier names; empty means the scheme's own names in the user's language, and an empty
        name the default name of that tier.
    date_from, date_to
        Inclusive date range of the lines used; ``None`` is open.
    filters
        ``(field, values)`` pairs for region / industry / sales rep / product line; a line is
        kept when its value is one of the chosen ones.
    policy
        One :class:`~kadash.policy.PolicyRow` per tier holding what the user changed (empty
        fields follow the defaults); empty means the default policy.
    top_accounts
        Capacity check: most top-tier accounts one sales rep should hold.
    fiscal_start
        First month of the fiscal year (1 = January: fiscal years are calendar years).
    anonymise
        Show customers by code instead of id and name everywhere (:mod:`kadash.anonymise`).
    """

    basis: str = "revenue"
    scheme: str = "abc"
    cutoffs: tuple[float, ...] = (0.8, 0.95)
    thresholds: tuple[float, ...] = ()
    names: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    filters: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    policy: tuple[PolicyRow, ...] = ()
    top_accounts: int = 10
    fiscal_start: int = 1
    anonymise: bool = False
    version: int = SETTINGS_VERSION

    # -- derived values ---------------------------------------------------------------
    @property
    def rule(self) -> str:
        """``"cumulative"`` (share of value), ``"count"`` (share of customers), ``"absolute"``
        (thresholds) or ``"computed"`` (limits found in the data)."""
        return SCHEMES[self.scheme].rule

    @property
    def tier_count(self) -> int:
        if self.rule == "computed":
            return 3
        return len(self.thresholds if self.rule == "absolute" else self.cutoffs) + 1

    @property
    def cutoff_fractions(self) -> tuple[Fraction, ...]:
        return check_cutoffs(self.cutoffs)

    @property
    def filter_map(self) -> dict[str, tuple[str, ...]]:
        return dict(self.filters)

    # -- changes ----------------------------------------------------------------------
    def validate(self) -> Settings:
        """Return ``self`` if consistent; raise :class:`~kadash.errors.KadashError` if not."""
        if self.version != SETTINGS_VERSION:
            raise KadashError("error.settings_version", got=self.version, want=SETTINGS_VERSION)
        if self.basis not in BASES:
            raise KadashError("error.settings_value", name="basis", value=self.basis)
        if self.scheme not in SCHEMES:
            raise KadashError("error.settings_value", name="scheme", value=self.scheme)
        check_cutoffs(self.cutoffs)
        if self.rule == "absolute":
            if not self.thresholds:
                raise KadashError("error.no_thresholds")
            check_thresholds(self.thresholds)
        elif self.thresholds:
            check_thresholds(self.thresholds)
        if self.names and len(self.names) != self.tier_count:
            raise KadashError("error.names_count", names=len(self.names), tiers=self.tier_count)
        if self.policy and len(self.policy) != self.tier_count:
            raise KadashError("error.policy_rows", rows=len(self.policy), tiers=self.tier_count)
        for row in self.policy:
            if row.cadence and row.cadence not in CADENCES:
                raise KadashError("error.settings_value", name="cadence", value=row.cadence)
        start = self.fiscal_start
        if not isinstance(start, int) or isinstance(start, bool) or not 1 <= start <= 12:
            raise KadashError("error.settings_value", name="fiscal_start", value=start)
        limit = self.top_accounts
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            raise KadashError("error.settings_value", name="top_accounts", value=self.top_accounts)
        if not isinstance(self.anonymise, bool):
            raise KadashError("error.settings_value", name="anonymise", value=self.anonymise)
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise KadashError("error.date_order", start=self.date_from, end=self.date_to)
        for name, _ in self.filters:
            if name not in FILTER_FIELDS:
                raise KadashError("error.settings_value", name="filter", value=name)
        return self

    def with_scheme(self, scheme: str, thresholds: Sequence[float] | None = None) -> Settings:
        """Switch scheme, taking its default cut-offs and names (and, for ``absolute``, the
        given thresholds, else the ones already set). The policy keeps the rows of the tiers
        that still exist."""
        if scheme not in SCHEMES:
            raise KadashError("error.settings_value", name="scheme", value=scheme)
        defaults = _preset(scheme)
        kept = tuple(thresholds) if thresholds is not None else self.thresholds
        out = replace(self, scheme=scheme, cutoffs=defaults, thresholds=kept, names=())
        return replace(out, policy=resize_policy(self.policy, out.tier_count))

    def with_tier_count(self, count: int) -> Settings:
        """Change the number of tiers (2 to 6), keeping the bounds, names and policy rows of
        the tiers that remain; a preset becomes custom cumulative bounds (``cumulative``)."""
        if self.rule == "computed" or not MIN_TIERS <= count <= MAX_TIERS:
            raise KadashError("error.tier_count", low=MIN_TIERS, high=MAX_TIERS, got=count)
        out = self
        if self.rule == "absolute":
            have = list(self.thresholds)
            while len(have) < count - 1:
                if have[-1] > 0:  # a new tier below the last: half its threshold
                    have.append(have[-1] / 2)
                elif len(have) > 1:  # the last is 0: split the gap above it
                    have.insert(-1, have[-2] / 2)
                else:  # only 0: a tier above it
                    have.insert(0, 1.0)
            out = replace(self, thresholds=tuple(have[: count - 1]))
        else:
            cutoffs = spread_cutoffs(self.cutoffs, count)
            scheme = self.scheme if count == self.tier_count else "cumulative"
            if self.scheme == "count":
                scheme = "count"
            out = replace(self, scheme=scheme, cutoffs=cutoffs)
        names = self.names
        if names:
            names = tuple(names[i] if i < len(names) else "" for i in range(count))
        return replace(out, names=names, policy=resize_policy(self.policy, count))

    def with_filter(self, name: str, values: Sequence[str]) -> Settings:
        """Set the chosen values of one filter (empty: no filter on that field)."""
        kept = {k: v for k, v in self.filters if k != name}
        if values:
            kept[name] = tuple(values)
        return replace(self, filters=tuple((k, kept[k]) for k in FILTER_FIELDS if k in kept))

    def fit_to_data(
        self,
        options: Mapping[str, Sequence[str]],
        date_min: date | None,
        date_max: date | None,
    ) -> tuple[Settings, list[str]]:
        """Drop what the data cannot match: filters on fields it lacks, values it does not
        have, and a date range wholly outside its dates (a link made for another file).

        Returns
        -------
        tuple
            The fitted settings, and the names of the settings that were dropped.
        """
        dropped: list[str] = []
        filters = []
        for name, values in self.filters:
            kept = tuple(v for v in values if v in set(options.get(name, ())))
            if kept != values:
                dropped.append(name)
            if kept:
                filters.append((name, kept))
        fitted = replace(self, filters=tuple(filters))
        outside = date_min is None or (
            (self.date_from is not None and self.date_from > date_max)
            or (self.date_to is not None and self.date_to < date_min)
        )
        if outside and (self.date_from or self.date_to):
            dropped += [n for n, v in (("from", self.date_from), ("to", self.date_to)) if v]
            fitted = replace(fitted, date_from=None, date_to=None)
        return fitted, dropped

    # -- JSON -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cutoffs"] = list(self.cutoffs)
        data["thresholds"] = list(self.thresholds)
        data["names"] = list(self.names)
        data["policy"] = [asdict(row) for row in self.policy]
        data["date_from"] = self.date_from.isoformat() if self.date_from else None
        data["date_to"] = self.date_to.isoformat() if self.date_to else None
        data["filters"] = {k: list(v) for k, v in self.filters}
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        """Build from :meth:`to_dict` output; unknown keys are an error (likely a typo)."""
        data = dict(data)
        version = data.pop("version", SETTINGS_VERSION)
        if not isinstance(version, int) or version > SETTINGS_VERSION or version < 1:
            raise KadashError("error.settings_version", got=version, want=SETTINGS_VERSION)
        known = {"basis", "scheme", "cutoffs", "names", "date_from", "date_to", "filters"}
        known |= {"thresholds", "policy", "top_accounts", "fiscal_start", "anonymise"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise KadashError("error.settings_unknown", keys=", ".join(unknown))
        kwargs: dict[str, Any] = {}
        for key in ("basis", "scheme"):
            if key in data:
                kwargs[key] = _typed(data[key], str, key)
        if "cutoffs" in data:
            cutoffs = _typed(data["cutoffs"], list, "cutoffs")
            kwargs["cutoffs"] = tuple(as_number(c) for c in cutoffs)
        elif kwargs.get("scheme") in SCHEMES:
            kwargs["cutoffs"] = _preset(kwargs["scheme"])
        if data.get("thresholds"):
            thresholds = _typed(data["thresholds"], list, "thresholds")
            kwargs["thresholds"] = tuple(as_number(c) for c in thresholds)
        if data.get("policy"):
            kwargs["policy"] = _policy(_typed(data["policy"], list, "policy"))
        if "top_accounts" in data:
            kwargs["top_accounts"] = _typed(data["top_accounts"], int, "top_accounts")
        if "fiscal_start" in data:
            kwargs["fiscal_start"] = _typed(data["fiscal_start"], int, "fiscal_start")
        if "anonymise" in data:
            if not isinstance(data["anonymise"], bool):
                raise KadashError("error.settings_value", name="anonymise", value=data["anonymise"])
            kwargs["anonymise"] = data["anonymise"]
        if "names" in data:
            names = _typed(data["names"], list, "names")
            kwargs["names"] = tuple(_typed(n, str, "names") for n in names)
        for key in ("date_from", "date_to"):
            if data.get(key) is not None:
                kwargs[key] = _as_date(_typed(data[key], str, key))
        filters = _typed(data.get("filters") or {}, dict, "filters")
        unknown_filters = sorted(set(filters) - set(FILTER_FIELDS))
        if unknown_filters:
            raise KadashError("error.settings_value", name="filter", value=unknown_filters[0])
        kwargs["filters"] = tuple(
            (k, tuple(_typed(v, str, k) for v in _typed(filters[k], list, k)))
            for k in FILTER_FIELDS
            if filters.get(k)
        )
        return cls(**kwargs).validate()

    @classmethod
    def from_json(cls, text: str | bytes) -> Settings:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise KadashError("error.settings_json", detail=str(err)) from None
        except RecursionError:  # nested thousands deep: not a settings file
            raise KadashError("error.settings_json", detail="nested too deeply") from None
        if not isinstance(data, dict):
            raise KadashError("error.settings_json", detail="not a JSON object")
        return cls.from_dict(data)

    # -- URL query parameters ------------------------------------------------------------
    def to_query(self) -> dict[str, str | list[str]]:
        """Query parameters for this view; only what differs from the defaults is written."""
        default = Settings()
        params: dict[str, str | list[str]] = {}
        if self.basis != default.basis:
            params["basis"] = self.basis
        if self.scheme != default.scheme:
            params["scheme"] = self.scheme
        # Bounds not in use are written too (thresholds kept after leaving the absolute
        # scheme), so a link reproduces exactly what a settings file does.
        if self.cutoffs != _preset(self.scheme):
            params["cutoffs"] = ",".join(_fmt(c) for c in self.cutoffs)
        if self.thresholds:
            params["thresholds"] = ",".join(_fmt(c) for c in self.thresholds)
        if self.names:
            params["names"] = list(self.names)
        if self.policy:
            rows = [[r.owner, r.service, r.cadence, r.notes] for r in self.policy]
            params["policy"] = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        if self.top_accounts != default.top_accounts:
            params["top_accounts"] = str(self.top_accounts)
        if self.fiscal_start != default.fiscal_start:
            params["fiscal_start"] = str(self.fiscal_start)
        if self.anonymise:
            params["anon"] = "1"
        if self.date_from:
            params["from"] = self.date_from.isoformat()
        if self.date_to:
            params["to"] = self.date_to.isoformat()
        for name, values in self.filters:
            params[name] = list(values)
        return params

    @classmethod
    def from_query(cls, params: Mapping[str, str | Sequence[str]]) -> tuple[Settings, list[str]]:
        """Read query parameters leniently: a link must never break the app.

        Returns
        -------
        tuple
            The settings, and the names of parameters that were invalid and ignored.
        """

        def values(key: str) -> list[str]:
            raw = params.get(key)
            if raw is None:
                return []
            return [raw] if isinstance(raw, str) else [str(v) for v in raw]

        def first(key: str) -> str | None:
            got = values(key)
            return got[-1] if got else None

        settings, ignored = cls(), []

        def attempt(key: str, change: Any) -> None:
            nonlocal settings
            try:
                settings = change(settings).validate()
            except (KadashError, ValueError, TypeError, KeyError, RecursionError):
                ignored.append(key)

        if (thresholds := first("thresholds")) is not None:
            attempt(
                "thresholds",
                lambda s: replace(s, thresholds=tuple(as_number(c) for c in thresholds.split(","))),
            )
        if (scheme := first("scheme")) is not None:
            attempt("scheme", lambda s: s.with_scheme(scheme))
        if (basis := first("basis")) is not None:
            attempt("basis", lambda s: replace(s, basis=basis))
        if (cutoffs := first("cutoffs")) is not None:
            attempt(
                "cutoffs",
                lambda s: replace(s, cutoffs=tuple(as_number(c) for c in cutoffs.split(","))),
            )
        if names := values("names"):
            attempt("names", lambda s: replace(s, names=tuple(names)))
        if (policy := first("policy")) is not None:
            attempt("policy", lambda s: replace(s, policy=_policy(json.loads(policy))))
        if (top := first("top_accounts")) is not None:
            attempt("top_accounts", lambda s: replace(s, top_accounts=int(top)))
        if (month := first("fiscal_start")) is not None:
            attempt("fiscal_start", lambda s: replace(s, fiscal_start=int(month)))
        if (anon := first("anon")) is not None:
            attempt("anon", lambda s: replace(s, anonymise={"1": True, "0": False}[anon]))
        if (start := first("from")) is not None:
            attempt("from", lambda s: replace(s, date_from=_as_date(start)))
        if (end := first("to")) is not None:
            attempt("to", lambda s: replace(s, date_to=_as_date(end)))
        for name in FILTER_FIELDS:
            if chosen := values(name):
                attempt(name, lambda s, n=name, c=chosen: s.with_filter(n, c))
        return settings, ignored


def _preset(scheme: str) -> tuple[float, ...]:
    return tuple(float(c) for c in SCHEMES[scheme].cutoffs) or Settings().cutoffs


def _policy(rows: Sequence[Any]) -> tuple[PolicyRow, ...]:
    """Policy rows from JSON: objects with owner / service / cadence / notes, or lists of those
    four strings (the compact form a link carries)."""
    out = []
    for row in rows:
        if isinstance(row, list) and len(row) == 4:
            row = dict(zip(("owner", "service", "cadence", "notes"), row, strict=True))
        row = _typed(row, dict, "policy")
        unknown = sorted(set(row) - {"owner", "service", "cadence", "notes"})
        if unknown:
            raise KadashError("error.settings_unknown", keys=", ".join(unknown))
        fields = {k: _typed(row.get(k, ""), str, "policy") for k in ("owner", "service")}
        fields |= {k: _typed(row.get(k, ""), str, "policy") for k in ("cadence", "notes")}
        out.append(PolicyRow(**fields))
    return tuple(out)


def _typed(value: Any, kind: type, name: str) -> Any:
    """``value`` if it is a ``kind``, else a clear error naming the setting."""
    if not isinstance(value, kind) or isinstance(value, bool):
        raise KadashError("error.settings_value", name=name, value=value)
    return value


def as_number(value: Any) -> float:
    """A finite number from a number or a numeric string."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise KadashError("error.not_a_number", value=value)
    try:
        number = float(str(value).strip())
    except ValueError:
        raise KadashError("error.not_a_number", value=value) from None
    if not math.isfinite(number):
        raise KadashError("error.not_a_number", value=value)
    return number


def _as_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise KadashError("error.not_a_date", value=value) from None


def _fmt(value: float) -> str:
    """Shortest decimal text of a cut-off (0.8 → "0.8")."""
    return repr(float(value))
