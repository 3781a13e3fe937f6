"""Demand: forecast volume → agents required per UTC interval and channel.

A support manager forecasts *contacts*; the roster needs *agents*. This module
turns one into the other on the period's UTC grid, and — for a given number of
agents — predicts what customers will get (service level, speed of answer,
occupancy, abandonment):

* realtime channels (chat, phone) are queues answered live. Without
  `patience_seconds` they are the M/M/N queue, **Erlang C** (callers wait for
  ever); with it they are the M/M/N+M queue, **Erlang A** (Palm's model:
  callers give up after an exponential patience with that mean). The
  requirement is the smallest number of servers meeting the service-level
  target and, when configured, the ASA target and the occupancy ceiling.
  Chat agents serve `concurrency` conversations at once: each agent is that
  many servers.
* backlog channels (email) can wait: what arrives in an interval must be
  answered within `respond_within_hours`, first come first served. They get
  no per-interval requirement (nobody has to be there at 03:00 when the
  morning clears the night's email well inside the deadline); instead
  :class:`Backlog` says what arrives, when it is due and how much one agent
  clears, and the roster model and the gap report both run the same queue
  over it (coverage.solve.objective, coverage.gaps);
* shrinkage (breaks, meetings, training) then inflates both — one number, or
  per weekday and per site (see :func:`shrinkage_by_interval`).

Numerics. Everything is vectorised with numpy over all intervals at once.
Erlang B is evaluated in closed form as a ratio of Poisson probabilities,
B(N, A) = P(Poisson(A) = N) / P(Poisson(A) ≤ N), with the log-pmf from
``gammaln`` and the cdf from the regularised incomplete gamma function
(``scipy.special.gammaincc``) — no factorials, no powers, O(1) per interval
and accurate at 1,000 and 20,000 Erlangs. Erlang A uses the closed forms of
Mandelbaum & Zeltyn ("The Palm/Erlang-A queue, with applications to call
centers", 2007; also Garnett, Mandelbaum & Reiman, MSOM 4(3), 2002), written
with the function A(x, y) = x·e^y·y^(−x)·γ(x, y) and evaluated in log space
(:func:`_log_a`), so nothing over- or underflows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pendulum
from numpy.typing import ArrayLike, NDArray
from scipy import special

from coverage.config.schema import BacklogChannel, Config, RealtimeChannel
from coverage.csvcells import metric_cell, number_cell
from coverage.outputs import REQUIREMENTS_FILE, write_csv_atomic
from coverage.time import Grid, duty_slots, flexible_windows, period_grid, shift_instances, to_local

if TYPE_CHECKING:
    from coverage.forecast import RowSpacing  # forecast reads the config and this module's grid; imported when used

REQUIREMENTS_COLUMNS = ("interval_start_utc", "channel", "volume", "required")
# Extra columns after the contract's four: how each requirement was formed.
REQUIREMENTS_DETAIL_COLUMNS = (
    "erlangs",
    "agents_before_shrinkage",
    "shrinkage",
    "service_level",
    "asa_seconds",
    "occupancy",
    "abandon_rate",
    "due_utc",
)
_DECIMALS = 9  # float noise below this is not a real fraction of an agent
_TOLERANCE = 1e-12  # a target met to 12 digits is met
_SERIES_TERMS = 20000  # cap for the A(x, y) series (converges in far fewer terms where it is used)
_QUADRATURE_NODES, _QUADRATURE_WEIGHTS = np.polynomial.legendre.leggauss(96)

Floats = NDArray[np.float64]


# --------------------------------------------------------------------------- Erlang B and C


def log_erlang_b(servers: ArrayLike, traffic: ArrayLike) -> Floats:
    """log of Erlang B, the blocking probability of N servers offered A Erlangs (vectorised).

    B(N, A) = P(Poisson(A) = N) / P(Poisson(A) ≤ N). Where the Poisson cdf is
    too small for floats (N far below A), the ratio is summed instead as
    1/B = Σ_j N!/((N−j)!·A^j), a series whose terms shrink by N/A < 1.
    """
    n, a = np.broadcast_arrays(np.asarray(servers, dtype=float), np.asarray(traffic, dtype=float))
    out = np.zeros(n.shape)
    busy = a > 0
    out[~busy & (n == 0)] = 0.0  # B(0, 0) = 1
    out[~busy & (n > 0)] = -np.inf  # no traffic, nothing blocked
    nb, ab = n[busy], a[busy]
    with np.errstate(divide="ignore", invalid="ignore"):
        cdf = special.gammaincc(nb + 1, ab)
        log_b = nb * np.log(ab) - ab - special.gammaln(nb + 1) - np.log(cdf)
    tiny = ~(cdf > 1e-280)
    if tiny.any():
        log_b[tiny] = -np.log(_inverse_b_series(nb[tiny], ab[tiny]))
    out[busy] = log_b
    return out


def _inverse_b_series(n: Floats, a: Floats) -> Floats:
    """1/B(N, A) = Σ_{j=0..N} N(N−1)…(N−j+1) / A^j, for N well below A (fast convergence)."""
    total = np.ones_like(n)
    term = np.ones_like(n)
    for j in range(int(n.max()) + 1):
        term = term * np.maximum(n - j, 0) / a
        total += term
        if not (term > 1e-17 * total).any():
            break
    return total


def erlang_b(servers: int, traffic: float) -> float:
    """Erlang B for one (N, A): the share of contacts blocked with N lines and no queue."""
    if servers < 0 or traffic < 0:
        raise ValueError("servers and traffic must be >= 0")
    return float(np.exp(log_erlang_b(servers, traffic)))


def erlang_c_array(servers: ArrayLike, traffic: ArrayLike) -> Floats:
    """Probability of waiting, C(N, A) = N·B / (N − A·(1 − B)), vectorised; 1 when N ≤ A."""
    n, a = np.broadcast_arrays(np.asarray(servers, dtype=float), np.asarray(traffic, dtype=float))
    b = np.exp(log_erlang_b(n, a))
    with np.errstate(divide="ignore", invalid="ignore"):
        c = n * b / (n - a * (1.0 - b))
    c = np.where(n > a, c, 1.0)
    return np.where(a > 0, c, 0.0)


def erlang_c(servers: int, traffic: float) -> float:
    """Probability that a contact has to wait in the M/M/N queue (Erlang C).

    1.0 when `servers` ≤ `traffic`: the queue grows without bound and everyone
    waits. No traffic means nobody waits (0.0).
    """
    return float(erlang_c_array(servers, traffic))


def service_level(servers: int, traffic: float, aht_seconds: float, within_seconds: float) -> float:
    """Erlang C share of contacts answered within `within_seconds`: 1 − C·exp(−(N−A)·T/AHT)."""
    return float(erlang_c_metrics(servers, traffic, aht_seconds, within_seconds).service_level)


@dataclass(frozen=True)
class QueueMetrics:
    """What customers get, per element: the same shape as the servers/traffic given.

    service_level is the share of *all offered* contacts answered within the
    target time; asa_seconds the mean wait of the contacts that are answered
    (inf when nobody is); occupancy the busy share of server time;
    abandon_rate the share of contacts that give up (0 under Erlang C).
    """

    wait_probability: Floats
    service_level: Floats
    asa_seconds: Floats
    occupancy: Floats
    abandon_rate: Floats


def erlang_c_metrics(servers: ArrayLike, traffic: ArrayLike, aht_seconds: float, within_seconds: float) -> QueueMetrics:
    """M/M/N figures (Erlang C), vectorised over servers and traffic.

    The wait of a contact that waits is exponential with rate (N − A)/AHT,
    hence SL = 1 − C·e^(−(N−A)·T/AHT) and ASA = C·AHT/(N − A); occupancy is
    A/N. An overloaded queue (N ≤ A) answers nothing in time, its ASA is
    infinite and its servers are always busy.
    """
    n, a = np.broadcast_arrays(np.asarray(servers, dtype=float), np.asarray(traffic, dtype=float))
    c = erlang_c_array(n, a)
    stable = n > a
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        spare = np.where(stable, n - a, 1.0)
        sl = np.where(stable, 1.0 - c * np.exp(-spare * within_seconds / aht_seconds), 0.0)
        asa = np.where(stable, c * aht_seconds / spare, np.inf)
        occupancy = np.where(n > 0, np.minimum(a / np.where(n > 0, n, 1.0), 1.0), 0.0)
    idle = a <= 0
    sl = np.where(idle, 1.0, sl)
    asa = np.where(idle, 0.0, asa)
    return QueueMetrics(c, sl, asa, occupancy, np.zeros(n.shape))


# --------------------------------------------------------------------------- Erlang A


def _log_a(x: Floats, y: Floats) -> Floats:
    """log A(x, y), A(x, y) = x·e^y·y^(−x)·γ(x, y) = 1 + Σ_{j≥1} y^j / Π_{k=1..j} (x + k).

    Through the regularised incomplete gamma P(x, y) when it is representable;
    where it underflows (y far below x) the series converges geometrically
    (ratio < y/x) and is summed directly.
    """
    out = np.zeros(x.shape)
    positive = y > 0
    xp, yp = x[positive], y[positive]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = special.gammainc(xp, yp)
        value = np.log(xp) + yp - xp * np.log(yp) + special.gammaln(xp) + np.log(p)
    small = ~(p > 1e-280)
    if small.any():
        value[small] = _log_a_series(xp[small], yp[small])
    out[positive] = value
    return out


def _log_a_series(x: Floats, y: Floats) -> Floats:
    total = np.ones_like(x)
    term = np.ones_like(x)
    for k in range(1, _SERIES_TERMS):
        term = term * y / (x + k)
        total += term
        if not (term > 1e-17 * total).any():
            break
    return np.log(total)


def erlang_a_metrics(
    servers: ArrayLike,
    traffic: ArrayLike,
    aht_seconds: float,
    within_seconds: float,
    patience_seconds: float,
    *,
    with_asa: bool = True,
) -> QueueMetrics:
    """M/M/N+M figures (Erlang A, Palm's queue with exponential patience), vectorised.

    With μ = 1/AHT, θ = 1/patience, x = N·μ/θ, y = λ/θ, z = y·e^(−θT) and
    E = Erlang B(N, A) (Mandelbaum & Zeltyn 2007, §3; Garnett et al. 2002):

    * P(wait) = A(x, y)·E / (1 + (A(x, y) − 1)·E)
    * P(answered | wait) = R1 = (N/A)·(1 − 1/A(x, y)), abandon rate = P(wait)·(1 − R1)
    * P(answered after waiting more than T) = P(wait)·R2, with
      R2 = γ(x+1, z) / (y·γ(x, y))
         = exp(−(x+1)·θT + y − z) · x/(x+1) · A(x+1, z) / A(x, y)
    * SL = 1 − P(wait) + P(wait)·(R1 − R2): answered within T, out of all offered
    * ASA of answered contacts = P(wait)·R1·E[ln(y/U) | U ≤ y]/θ / P(answered),
      U ~ Gamma(x+1), by Gauss–Legendre quadrature (:func:`_mean_log_ratio`)
    * occupancy = A·(1 − abandon rate)/N (abandoners are never served).

    With N = 0 nobody is answered: everyone waits and gives up.
    """
    n, a = np.broadcast_arrays(np.asarray(servers, dtype=float), np.asarray(traffic, dtype=float))
    shape = n.shape
    n, a = n.ravel(), a.ravel()
    wait, sl, asa, occ, ab = np.zeros(n.size), np.ones(n.size), np.zeros(n.size), np.zeros(n.size), np.zeros(n.size)
    nobody = (a > 0) & (n <= 0)
    wait[nobody], sl[nobody], asa[nobody], ab[nobody] = 1.0, 0.0, np.inf, 1.0
    live = (a > 0) & (n > 0)
    if live.any():
        r = patience_seconds / aht_seconds
        nl, al = n[live], a[live]
        x, y = nl * r, al * r
        theta_t = within_seconds / patience_seconds
        z = y * math.exp(-theta_t)
        log_axy = _log_a(x, y)
        log_e = log_erlang_b(nl, al)
        p_wait = special.expit(log_axy + log_e - np.log1p(-np.exp(log_e)))
        r1 = (nl / al) * -np.expm1(-log_axy)
        r2 = np.exp(-(x + 1) * theta_t + (y - z) + np.log(x / (x + 1)) + _log_a(x + 1, z) - log_axy)
        answered = 1.0 - p_wait * (1.0 - r1)
        wait[live] = p_wait
        sl[live] = np.clip(1.0 - p_wait + p_wait * (r1 - r2), 0.0, 1.0)
        ab[live] = p_wait * (1.0 - r1)
        occ[live] = np.minimum(al * answered / nl, 1.0)
        if with_asa:
            waited = p_wait * r1 * _mean_log_ratio(x + 1, y) * patience_seconds
            asa[live] = np.where(answered > 0, waited / np.where(answered > 0, answered, 1.0), np.inf)
        else:
            asa[live] = np.nan
    return QueueMetrics(*(v.reshape(shape) for v in (wait, sl, asa, occ, ab)))


def _mean_log_ratio(shape: Floats, y: Floats) -> Floats:
    """E[ln(y/U) | U ≤ y] for U ~ Gamma(shape, 1), by quadrature in v = ln(y/U).

    The density of v ≥ 0 is ∝ g(v) = exp(f(v)), f(v) = −shape·v + y·(1 − e^(−v)),
    a concave f with its peak at v* = max(0, ln(y/shape)). The window where
    f is within 40 of its peak (found by bisection) holds all of the mass to
    double precision, and 96 Gauss–Legendre nodes on it integrate the smooth,
    unimodal g to about 1e-12.
    """

    def f(v: Floats, columns: bool = False) -> Floats:
        s, w = (shape[:, None], y[:, None]) if columns else (shape, y)
        return -s * v - w * np.expm1(-v)

    peak = np.where(y > shape, np.log(np.maximum(y, 1e-300) / shape), 0.0)
    top = f(peak)
    floor = top - 40.0
    far = np.maximum(peak, (y - floor) / shape) + 1.0
    hi = _bisect(f, floor, peak, far)
    lo = np.where(f(np.zeros_like(peak)) >= floor, 0.0, _bisect(f, floor, np.zeros_like(peak), peak, rising=True))
    half = (hi - lo) / 2
    v = lo[:, None] + half[:, None] * (_QUADRATURE_NODES[None, :] + 1.0)
    g = np.exp(f(v, columns=True) - top[:, None]) * _QUADRATURE_WEIGHTS[None, :]
    return (g * v).sum(axis=1) / g.sum(axis=1)


def _bisect(f, level: Floats, lo: Floats, hi: Floats, *, rising: bool = False, steps: int = 60) -> Floats:  # noqa: ANN001
    """Where the monotone piece of f between lo and hi crosses `level` (vectorised bisection)."""
    lo, hi = lo.copy(), hi.copy()
    for _ in range(steps):
        mid = (lo + hi) / 2
        above = f(mid) >= level
        move_lo = above if not rising else ~above
        lo = np.where(move_lo, mid, lo)
        hi = np.where(move_lo, hi, mid)
    return (lo + hi) / 2


# --------------------------------------------------------------------------- targets → servers


@dataclass(frozen=True)
class Targets:
    """What a realtime channel promises: service level, optionally ASA, occupancy and patience."""

    aht_seconds: float
    service_fraction: float
    within_seconds: float
    asa_seconds: float | None = None
    max_occupancy: float | None = None
    patience_seconds: float | None = None

    @classmethod
    def of(cls, channel: RealtimeChannel) -> Targets:
        return cls(
            aht_seconds=channel.aht_seconds,
            service_fraction=channel.service_level.percent / 100,
            within_seconds=channel.service_level.within_seconds,
            asa_seconds=channel.asa_seconds,
            max_occupancy=channel.max_occupancy,
            patience_seconds=channel.patience_seconds,
        )

    @property
    def model(self) -> str:
        return "erlang_a" if self.patience_seconds is not None else "erlang_c"


def queue_metrics(servers: ArrayLike, traffic: ArrayLike, targets: Targets, *, with_asa: bool = True) -> QueueMetrics:
    """Erlang A when the channel has a patience, Erlang C otherwise."""
    if targets.patience_seconds is not None:
        return erlang_a_metrics(
            servers, traffic, targets.aht_seconds, targets.within_seconds, targets.patience_seconds, with_asa=with_asa
        )
    return erlang_c_metrics(servers, traffic, targets.aht_seconds, targets.within_seconds)


def _meets(servers: Floats, traffic: Floats, targets: Targets) -> NDArray[np.bool_]:
    """Whether `servers` meet every target at `traffic` (element-wise)."""
    metrics = queue_metrics(servers, traffic, targets, with_asa=targets.asa_seconds is not None)
    ok = metrics.service_level >= targets.service_fraction - _TOLERANCE
    if targets.asa_seconds is not None:
        ok &= metrics.asa_seconds <= targets.asa_seconds + _TOLERANCE
    if targets.max_occupancy is not None:
        ok &= metrics.occupancy <= targets.max_occupancy + _TOLERANCE
    return ok


def required_servers(traffic: ArrayLike, targets: Targets) -> NDArray[np.int64]:
    """Smallest N per element meeting every target; 0 where there is no traffic.

    Each target improves as N grows, so the answer is found by galloping up
    from a lower bound (1, 2, 4, … servers above it) and then bisecting —
    about 2·log2(N − bound) evaluations for all intervals at once. Bounds:
    Erlang C needs N > A (and N ≥ A/max_occupancy); Erlang A can run with
    N < A, but answers at most N/A of the contacts, so N ≥ SL·A. Repeated
    traffic values (forecasts repeat) are solved once.
    """
    if not 0 < targets.service_fraction < 1:
        raise ValueError(f"service fraction must be between 0 and 1 (got {targets.service_fraction})")
    values, inverse = np.unique(np.asarray(traffic, dtype=float), return_inverse=True)
    answer = np.zeros(values.shape, dtype=np.int64)
    busy = values > 0
    a = values[busy]
    if targets.patience_seconds is None:
        start = np.floor(a) + 1
        if targets.max_occupancy is not None:
            start = np.maximum(start, np.ceil(np.round(a / targets.max_occupancy, _DECIMALS)))
    else:
        start = np.maximum(1.0, np.ceil(np.round(targets.service_fraction * a, _DECIMALS)))
    answer[busy] = _smallest_meeting(start, a, targets)
    return answer[inverse].reshape(np.shape(traffic))


def _smallest_meeting(start: Floats, traffic: Floats, targets: Targets) -> NDArray[np.int64]:
    lo = start - 1  # known (or assumed) to fail
    hi = start.copy()
    step = np.ones_like(start)
    todo = np.arange(start.size)
    while todo.size:  # gallop: hi grows until it meets the targets
        ok = _meets(hi[todo], traffic[todo], targets)
        todo = todo[~ok]
        lo[todo] = hi[todo]
        hi[todo] += step[todo]
        step[todo] *= 2
    todo = np.flatnonzero(hi - lo > 1)
    while todo.size:  # bisect between a failing lo and a passing hi
        mid = np.floor((lo[todo] + hi[todo]) / 2)
        ok = _meets(mid, traffic[todo], targets)
        hi[todo] = np.where(ok, mid, hi[todo])
        lo[todo] = np.where(ok, lo[todo], mid)
        todo = todo[hi[todo] - lo[todo] > 1]
    return hi.astype(np.int64)


def servers_for_service_level(traffic: float, aht_seconds: float, target_fraction: float, within_seconds: float) -> int:
    """Smallest N whose Erlang C service level reaches `target_fraction` (e.g. 0.8 for 80/20)."""
    targets = Targets(aht_seconds=aht_seconds, service_fraction=target_fraction, within_seconds=within_seconds)
    return int(required_servers(np.array([traffic]), targets)[0])


# --------------------------------------------------------------------------- channels → agents


def traffic_erlangs(volumes: ArrayLike, interval_seconds: float, aht_seconds: float) -> Floats:
    """Offered load per interval: arrivals per second × AHT (Erlangs, i.e. busy servers on average)."""
    return np.asarray(volumes, dtype=float) / interval_seconds * aht_seconds


def realtime_agents_array(volumes: ArrayLike, interval_seconds: float, channel: RealtimeChannel) -> NDArray[np.int64]:
    """Agents (before shrinkage) a live channel needs per interval to meet its targets.

    Erlang C/A gives the N conversations that must be open at once; an agent
    handles `concurrency` conversations at the same time (chat), so agents =
    ceil(N / concurrency): with concurrency 2, 13 conversations need 7
    agents. AHT is the time one conversation takes as measured (it already
    includes the slowdown of juggling several), and max_occupancy applies to
    conversation slots.
    """
    servers = required_servers(traffic_erlangs(volumes, interval_seconds, channel.aht_seconds), Targets.of(channel))
    return -(-servers // channel.concurrency)


def realtime_agents(volume: float, interval_seconds: float, channel: RealtimeChannel) -> int:
    """Agents (before shrinkage) for one interval's volume; see :func:`realtime_agents_array`."""
    return int(realtime_agents_array(np.array([volume]), interval_seconds, channel)[0])


def predicted_service(
    volumes: ArrayLike, agents_on_contacts: ArrayLike, interval_seconds: float, channel: RealtimeChannel
) -> QueueMetrics:
    """What customers get with a given (possibly fractional) number of agents on contacts.

    Agents on contacts = agents on duty × (1 − shrinkage), so it is usually
    fractional: 10 agents at 30 % shrinkage are 7 on contacts on average.
    Queue formulas need whole servers, so the figures are interpolated
    linearly between the neighbouring whole numbers of servers (the roster
    has ⌊s⌋ servers part of the time and ⌈s⌉ the rest). A roster that meets
    the requirement exactly therefore meets the targets too.
    """
    targets = Targets.of(channel)
    traffic = traffic_erlangs(volumes, interval_seconds, channel.aht_seconds)
    servers = np.round(np.asarray(agents_on_contacts, dtype=float) * channel.concurrency, _DECIMALS)
    low = np.floor(servers)
    share = servers - low
    below = queue_metrics(low, traffic, targets)
    above = queue_metrics(low + 1, traffic, targets)
    return QueueMetrics(*(_blend(b, u, share) for b, u in zip(_fields(below), _fields(above))))


def _fields(metrics: QueueMetrics) -> tuple[Floats, ...]:
    return (metrics.wait_probability, metrics.service_level, metrics.asa_seconds, metrics.occupancy, metrics.abandon_rate)


def _blend(low: Floats, high: Floats, share: Floats) -> Floats:
    with np.errstate(invalid="ignore"):
        mixed = (1 - share) * low + share * high
    return np.where(share == 0, low, mixed)


def backlog_agents(volumes: Sequence[float], interval_seconds: float, channel: BacklogChannel) -> list[float]:
    """A backlog channel's pace: fractional agents (before shrinkage and rounding) per interval if work were spread evenly.

    Each interval's workload (volume × AHT seconds) is spread evenly over the
    k intervals from its arrival interval on, k = respond_within_hours /
    interval length, rounded down, at least 1; the workload landing in an
    interval, divided by the interval's seconds, is the pace there. Work
    that would land after the period's last interval is dropped.

    The pace is no requirement: work may wait for the morning shift as long
    as it meets its deadline, which the roster model and the gap report judge
    with a first-come-first-served queue (:class:`Backlog`). The pace only
    marks where agents on the channel start to be more than its work needs
    (the overstaffing term).
    """
    window = _window_intervals(channel.respond_within_hours, interval_seconds)
    spread = np.asarray(volumes, dtype=float) * channel.aht_seconds / window
    landing = np.convolve(spread, np.ones(window))[: len(spread)]
    return [float(v) for v in np.round(landing / interval_seconds, 12)]


def _window_intervals(hours: float, interval_seconds: float) -> int:
    """Whole intervals that fit in the deadline (at least one), robust to float noise."""
    return max(1, math.floor(round(hours * 3600 / interval_seconds, _DECIMALS)))


# --------------------------------------------------------------------------- shrinkage


def apply_shrinkage(raw_agents: float, shrinkage: float) -> int:
    """Agents to roster so that `raw_agents` are actually on contacts: ceil(raw / (1 − shrinkage)).

    The quotient is rounded to 9 decimals before the ceiling, because float
    noise (21 / (1 − 0.3) = 30.000000000000004) must not add a whole agent.
    """
    if not 0 <= shrinkage < 1:
        raise ValueError(f"shrinkage must be in [0, 1) (got {shrinkage})")
    return math.ceil(round(raw_agents / (1.0 - shrinkage), _DECIMALS))


def _apply_shrinkage_array(raw: ArrayLike, shrinkage: ArrayLike) -> NDArray[np.int64]:
    return np.ceil(np.round(np.asarray(raw, dtype=float) / (1.0 - np.asarray(shrinkage, dtype=float)), _DECIMALS)).astype(
        np.int64
    )


def local_weekdays(grid: Grid, timezone: str) -> NDArray[np.int64]:
    """Weekday (0 = Mon) of every grid interval's start on the wall clocks of `timezone`."""
    return np.array(_local_weekdays(grid.start.timestamp(), grid.minutes, grid.count, timezone), dtype=np.int64)


@lru_cache(maxsize=64)
def _local_weekdays(start: float, minutes: int, count: int, timezone: str) -> tuple[int, ...]:
    """Cached: every channel and the gap report ask for the same few zones on the same grid."""
    first = pendulum.from_timestamp(start)
    return tuple(to_local(first.add(minutes=minutes * k), timezone).weekday() for k in range(count))


def shrinkage_by_interval(config: Config, grid: Grid, channel: str) -> Floats:
    """The shrinkage a channel's requirement is inflated by, per interval.

    Requirements are per channel, not per site, but shrinkage may differ by
    site (and by each site's local weekday). The interval's shrinkage is the
    average of the sites' values weighted by how many of the channel's agents
    *could* be on duty then: for each site, the skilled agents allowed each
    shift template whose duty covers the interval. That is known before the
    roster is, and it follows the sun — at 03:00 UTC only Manila can work,
    so Manila's shrinkage applies. Where no shift covers an interval the
    sites' skilled headcounts are the weights; with no skilled agent at all,
    the top-level rule in the plan's time zone applies. One number
    everywhere needs none of this.
    """
    rules = config.shrinkage
    if rules.is_constant:
        return np.full(grid.count, rules.default)
    weights = _duty_weights(config, grid, channel)
    headcount = {site: sum(1 for a in config.agents if a.site == site and channel in a.skills) for site in config.sites}
    total = np.zeros(grid.count)
    value = np.zeros(grid.count)
    fallback_total = np.zeros(grid.count)
    fallback_value = np.zeros(grid.count)
    for site, site_weights in weights.items():
        rule = rules.rule_for(site)
        per_day = np.array([rule.at(d) for d in range(7)])
        site_shrinkage = per_day[local_weekdays(grid, config.sites[site].timezone)]
        total += site_weights
        value += site_weights * site_shrinkage
        fallback_total += headcount[site]
        fallback_value += headcount[site] * site_shrinkage
    plan_days = np.array([rules.at(d) for d in range(7)])[local_weekdays(grid, config.plan.timezone)]
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.where(total > 0, value / total, np.where(fallback_total > 0, fallback_value / fallback_total, plan_days))
    return result


def _duty_weights(config: Config, grid: Grid, channel: str) -> dict[str, Floats]:
    """Per site, per interval: skilled agents × shift templates allowed to them whose duty covers the interval."""
    allowed: dict[tuple[str, str], int] = {}
    for agent in config.agents:
        if channel in agent.skills:
            for shift in config.allowed_shifts(agent):
                allowed[(agent.site, shift)] = allowed.get((agent.site, shift), 0) + 1
    weights = {site: np.zeros(grid.count) for site in config.sites}
    for instance in shift_instances(config):
        count = allowed.get((instance.site, instance.shift), 0)
        if count:
            template = config.sites[instance.site].shifts[instance.shift]
            slots = duty_slots(grid, instance.start_utc, instance.end_utc, template.unpaid_break_minutes)
            weights[instance.site][slots] += count
    for window in flexible_windows(config):  # a flexible template may put its agents on duty in any slot a run reaches
        count = allowed.get((window.site, window.shift), 0)
        if count:
            weights[window.site][[k for k in window.slots if 0 <= k < grid.count]] += count
    return weights


def shrinkage_of(config: Config, site: str, local_weekday: int) -> float:
    """Shrinkage of an agent of `site` on a site-local weekday (0 = Mon): the site's rule, else the default rule."""
    return config.shrinkage.rule_for(site).at(local_weekday)


# --------------------------------------------------------------------------- requirements


@dataclass(frozen=True)
class Backlog:
    """A backlog channel on the period grid: what arrives, by when it is due, and what one agent clears.

    Contacts arriving in interval k are due by the end of interval
    k + window − 1 (window = the deadline in whole intervals, at least one:
    a contact arriving late in interval k still gets at least its deadline).
    Arrivals whose deadline lies beyond the period belong to the next plan
    and are never late here. `per_agent[k]` is the contacts one agent on
    duty for the whole of interval k answers, shrinkage taken out. `pace` is
    the old smoothed requirement (each interval's work spread evenly up to
    its deadline): no rule, only the level beyond which an agent on the
    channel counts as overstaffed.
    """

    window: int
    arrivals: list[float]
    per_agent: list[float]
    aht_seconds: float
    pace: list[int]

    def due(self, k: int) -> int:
        """The interval whose end is the deadline of interval k's arrivals."""
        return k + self.window - 1


@dataclass(frozen=True)
class Requirements:
    """Forecast volume and required agents on the period's UTC grid."""

    grid: Grid
    volume: dict[str, list[float]]  # channel -> contacts arriving per interval
    required: dict[str, list[int]]  # channel -> agents required per interval (after concurrency and shrinkage); 0 for backlog
    ignored_rows: int = 0  # forecast rows whose start lies outside the rota period
    forecast_spacing: tuple[RowSpacing, ...] = ()  # how each channel's CSV rows were read without forecast.interval_minutes
    raw: dict[str, list[float]] = field(default_factory=dict)  # channel -> agents on contacts before shrinkage
    shrinkage: dict[str, list[float]] = field(default_factory=dict)  # channel -> shrinkage applied per interval
    backlog: dict[str, Backlog] = field(default_factory=dict)  # backlog channels: arrivals, deadlines, capacity


def channel_requirement(
    volumes: Sequence[float], interval_seconds: float, channel: RealtimeChannel | BacklogChannel, shrinkage: float | ArrayLike
) -> list[int]:
    """Agents to roster per interval for one channel, shrinkage (a number or one per interval) included."""
    raw = _raw_agents(volumes, interval_seconds, channel)
    return [int(v) for v in _apply_shrinkage_array(raw, np.broadcast_to(np.asarray(shrinkage, dtype=float), raw.shape))]


def _raw_agents(volumes: Sequence[float], interval_seconds: float, channel: RealtimeChannel | BacklogChannel) -> Floats:
    if isinstance(channel, RealtimeChannel):
        return realtime_agents_array(np.asarray(volumes, dtype=float), interval_seconds, channel).astype(float)
    return np.asarray(backlog_agents(volumes, interval_seconds, channel), dtype=float)


def requirements(config: Config, volume_scale: Mapping[str, float] | None = None) -> Requirements:
    """Read the forecast and compute every channel's requirement on the period grid.

    `volume_scale` multiplies a channel's forecast volume before anything is
    computed from it (a what-if: "and with 10 % more chat?"); channels it
    does not name keep their volume.
    """
    from coverage.forecast import load_volumes

    grid = period_grid(config.plan)
    forecast = load_volumes(config)
    if volume_scale:
        scaled = {
            name: [v * volume_scale[name] for v in values] if name in volume_scale else values
            for name, values in forecast.volume.items()
        }
        forecast = replace(forecast, volume=scaled)
    seconds = grid.minutes * 60
    required: dict[str, list[int]] = {}
    raw: dict[str, list[float]] = {}
    shrink: dict[str, list[float]] = {}
    backlogs: dict[str, Backlog] = {}
    for name, channel in config.channels.items():
        agents = _raw_agents(forecast.volume[name], seconds, channel)
        factor = shrinkage_by_interval(config, grid, name)
        needed = [int(v) for v in _apply_shrinkage_array(agents, factor)]
        if isinstance(channel, BacklogChannel):
            backlogs[name] = backlog_of(forecast.volume[name], seconds, channel, factor, needed)
            needed = [0] * grid.count
        required[name] = needed
        raw[name] = [float(v) for v in agents]
        shrink[name] = [float(v) for v in factor]
    return Requirements(
        grid=grid,
        volume=forecast.volume,
        required=required,
        ignored_rows=forecast.ignored_rows,
        forecast_spacing=forecast.spacing,
        raw=raw,
        shrinkage=shrink,
        backlog=backlogs,
    )


def backlog_of(
    volumes: Sequence[float], interval_seconds: float, channel: BacklogChannel, shrinkage: Floats, pace: list[int]
) -> Backlog:
    """A backlog channel's arrivals, deadline window and per-agent capacity on the grid."""
    per_agent = (1.0 - np.asarray(shrinkage, dtype=float)) * interval_seconds / channel.aht_seconds
    return Backlog(
        window=_window_intervals(channel.respond_within_hours, interval_seconds),
        arrivals=[float(v) for v in volumes],
        per_agent=[float(v) for v in np.round(per_agent, 9)],
        aht_seconds=channel.aht_seconds,
        pace=pace,
    )


def write_requirements(req: Requirements, path: Path, config: Config | None = None) -> Path:
    """Write requirements.csv, atomically: the contract's four columns, then how each number was formed.

    `path` is the file to write; when it is an existing directory the file is
    `requirements.csv` inside it. One row per interval and channel, in time
    order, channels in config order. A backlog channel has no agents
    required per interval (its `required` cell is empty): its rows give the
    arrivals, and with `config` the moment they are due (`due_utc`). With
    `config`, the detail columns give the offered Erlangs (for a backlog
    channel: the work arriving, in agent-intervals), the agents on contacts
    before shrinkage, the shrinkage applied and — for realtime channels —
    the service level, ASA, occupancy and abandon rate those agents deliver.
    """
    target = Path(path)
    if target.is_dir():
        target = target / REQUIREMENTS_FILE
    detail = _details(req, config) if config is not None else None
    header = REQUIREMENTS_COLUMNS + (REQUIREMENTS_DETAIL_COLUMNS if detail is not None else ())
    rows = []
    for i, start in enumerate(req.grid.starts):
        for channel in req.required:
            needed = "" if channel in req.backlog else req.required[channel][i]
            row = [start.isoformat(), channel, number_cell(req.volume[channel][i], 6), needed]
            if detail is not None:
                row += [cells[i] for cells in detail[channel]]
            rows.append(row)
    return write_csv_atomic(target, header, rows)


def _details(req: Requirements, config: Config) -> dict[str, list[list[str]]]:
    seconds = req.grid.minutes * 60
    found: dict[str, list[list[str]]] = {}
    for name, channel in config.channels.items():
        if name not in req.required:
            continue
        raw = np.asarray(req.raw.get(name) or [0.0] * req.grid.count)
        shrink = req.shrinkage.get(name) or [0.0] * req.grid.count
        erlangs = traffic_erlangs(req.volume[name], seconds, channel.aht_seconds)
        if isinstance(channel, RealtimeChannel):
            columns = [[number_cell(v) for v in erlangs], [number_cell(v) for v in raw], [number_cell(v) for v in shrink]]
            metrics = predicted_service(req.volume[name], raw, seconds, channel)
            columns += [[metric_cell(v) for v in values] for values in _fields(metrics)[1:]]
            columns.append([""] * req.grid.count)
        else:
            columns = [[number_cell(v) for v in erlangs], [""] * req.grid.count, [number_cell(v) for v in shrink]]
            columns += [[""] * req.grid.count for _ in range(4)]
            columns.append(_due_cells(req.grid, req.backlog[name]))
        found[name] = columns
    return found


def _due_cells(grid: Grid, backlog: Backlog) -> list[str]:
    """When each interval's arrivals are due (the end of interval k + window − 1), in UTC."""
    length = grid.minutes
    return [grid.starts[0].add(minutes=length * (backlog.due(k) + 1)).isoformat() for k in range(grid.count)]
