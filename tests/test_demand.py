"""Demand: Erlang math, channel requirements and the forecast file, with numbers checkable by hand.

Formulas (see Cooper, "Introduction to Queueing Theory", 2nd ed., ch. 3, M/M/s):
    Erlang B  B(N, A) = (A^N / N!) / sum_{k=0..N} A^k / k!
    Erlang C  C(N, A) = (A^N/N! · N/(N−A)) / (sum_{k=0..N−1} A^k/k! + A^N/N! · N/(N−A))
    service level SL = 1 − C · exp(−(N − A) · T / AHT)
The tests compute these textbook forms exactly with fractions (or in log space)
as an independent reference for the recursion-based code.
"""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from helpers import TINY

from coverage.config import BacklogChannel, Config, RealtimeChannel, ServiceLevel
from coverage.demand import (
    Requirements,
    Targets,
    apply_shrinkage,
    backlog_agents,
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    predicted_service,
    realtime_agents,
    realtime_agents_array,
    required_servers,
    requirements,
    servers_for_service_level,
    service_level,
    shrinkage_by_interval,
    write_requirements,
)
from coverage.errors import InputError
from coverage.forecast import read_forecast
from coverage.time import period_grid

# --------------------------------------------------------------------------- independent references


def reference_erlang_b(servers: int, traffic: int) -> Fraction:
    """Textbook Erlang B with exact factorials (integer traffic only)."""
    terms = [Fraction(traffic**k, math.factorial(k)) for k in range(servers + 1)]
    return terms[-1] / sum(terms)


def reference_erlang_c(servers: int, traffic: int) -> Fraction:
    """Textbook Erlang C with exact factorials (integer traffic only)."""
    top = Fraction(traffic**servers, math.factorial(servers)) * Fraction(servers, servers - traffic)
    below = sum(Fraction(traffic**k, math.factorial(k)) for k in range(servers))
    return top / (below + top)


def log_space_erlang_c(servers: int, traffic: float) -> float:
    """Erlang C with every term as exp(k·ln A − ln k! − max): a second, float-only reference."""
    logs = [k * math.log(traffic) - math.lgamma(k + 1) for k in range(servers)]
    log_top = servers * math.log(traffic) - math.lgamma(servers + 1) + math.log(servers / (servers - traffic))
    peak = max(logs + [log_top])
    below = math.fsum(math.exp(x - peak) for x in logs)
    top = math.exp(log_top - peak)
    return top / (below + top)


# --------------------------------------------------------------------------- Erlang B / C


@pytest.mark.parametrize("servers, traffic", [(1, 1), (5, 3), (10, 10), (20, 15), (40, 30)])
def test_erlang_b_matches_factorial_formula(servers: int, traffic: int) -> None:
    assert erlang_b(servers, traffic) == pytest.approx(float(reference_erlang_b(servers, traffic)), rel=1e-12)


def test_erlang_b_base_cases() -> None:
    assert erlang_b(0, 5.0) == 1.0  # no lines: everything is blocked
    assert erlang_b(1, 1.0) == pytest.approx(0.5, rel=1e-14)  # A/(1+A)
    assert erlang_b(3, 0.0) == 0.0


@pytest.mark.parametrize("servers, expected", [(11, 0.6821), (12, 0.4494), (13, 0.2853), (14, 0.1741)])
def test_erlang_c_textbook_values_at_10_erlangs(servers: int, expected: float) -> None:
    # A = 10 Erlangs: the Call Centre Helper "Erlang C formula - made simple" example
    # (100 calls per 30 min × 180 s AHT); P(wait) as in the published table.
    assert erlang_c(servers, 10.0) == pytest.approx(expected, abs=5e-5)
    assert erlang_c(servers, 10.0) == pytest.approx(float(reference_erlang_c(servers, 10)), rel=1e-12)


def test_erlang_c_overloaded_queue_always_waits() -> None:
    assert erlang_c(10, 10.0) == 1.0
    assert erlang_c(5, 12.5) == 1.0
    assert service_level(10, 10.0, 180, 20) == 0.0
    assert erlang_c(3, 0.0) == 0.0  # no traffic, nobody waits


def test_erlang_c_at_200_erlangs_matches_exact_and_log_space_references() -> None:
    for servers in (201, 205, 210, 230):
        exact = float(reference_erlang_c(servers, 200))
        assert erlang_c(servers, 200.0) == pytest.approx(exact, rel=1e-10)
        assert log_space_erlang_c(servers, 200.0) == pytest.approx(exact, rel=1e-10)
    # 210 agents for 200 Erlangs (95 % occupancy): still more than a third of contacts wait
    assert erlang_c(210, 200.0) == pytest.approx(0.3756, abs=5e-5)


# --------------------------------------------------------------------------- service level


def test_worked_example_80_20_needs_14_agents() -> None:
    # 100 calls per 30 min, AHT 180 s → A = 100 × 180 / 1800 = 10 Erlangs; target 80 % within 20 s.
    # SL(N) = 1 − C(N, 10) · exp(−(N − 10) · 20 / 180):
    #   SL(13) = 1 − 0.2853 · e^(−1/3) = 0.7956  (just misses 80 %)
    #   SL(14) = 1 − 0.1741 · e^(−4/9) = 0.8884
    # so 14 agents — the same answer as the Call Centre Helper worked example.
    for servers, expected in ((11, 0.3896), (12, 0.6402), (13, 0.7956), (14, 0.8884)):
        exact = 1 - float(reference_erlang_c(servers, 10)) * math.exp(-(servers - 10) * 20 / 180)
        assert service_level(servers, 10.0, 180, 20) == pytest.approx(exact, rel=1e-12)
        assert service_level(servers, 10.0, 180, 20) == pytest.approx(expected, abs=5e-5)
    assert servers_for_service_level(10.0, 180, 0.8, 20) == 14
    chat = RealtimeChannel(kind="realtime", aht_seconds=180, service_level=ServiceLevel(percent=80, within_seconds=20))
    assert realtime_agents(100, 1800, chat) == 14


def test_large_traffic_is_fast_finite_and_minimal() -> None:
    began = time.perf_counter()
    answer = servers_for_service_level(1000.0, 300, 0.8, 20)
    assert time.perf_counter() - began < 0.5
    assert 1000 < answer < 1100
    assert service_level(answer, 1000.0, 300, 20) >= 0.8
    assert service_level(answer - 1, 1000.0, 300, 20) < 0.8
    # the answer agrees with the log-space reference formula too
    reference = 1 - log_space_erlang_c(answer, 1000.0) * math.exp(-(answer - 1000) * 20 / 300)
    assert service_level(answer, 1000.0, 300, 20) == pytest.approx(reference, rel=1e-9)


def test_thousands_of_erlangs_stay_linear() -> None:
    began = time.perf_counter()
    answer = servers_for_service_level(20000.0, 300, 0.95, 30)
    assert time.perf_counter() - began < 1.0
    assert 20000 < answer < 20500
    assert service_level(answer, 20000.0, 300, 30) >= 0.95 > service_level(answer - 1, 20000.0, 300, 30)


def test_no_traffic_needs_no_servers() -> None:
    assert servers_for_service_level(0.0, 180, 0.8, 20) == 0


# --------------------------------------------------------------------------- concurrency and shrinkage


@pytest.mark.parametrize("concurrency, agents", [(1, 14), (2, 7), (3, 5), (4, 4)])
def test_concurrency_divides_conversations_among_agents(concurrency: int, agents: int) -> None:
    # 14 simultaneous conversations (the worked example); each agent holds `concurrency` of them.
    chat = RealtimeChannel(
        kind="realtime", aht_seconds=180, concurrency=concurrency, service_level=ServiceLevel(percent=80, within_seconds=20)
    )
    assert realtime_agents(100, 1800, chat) == agents
    assert realtime_agents(0, 1800, chat) == 0


@pytest.mark.parametrize(
    "raw, shrinkage, expected",
    [
        (2, 0.2, 3),  # 2 / 0.8 = 2.5 → 3
        (4, 0.2, 5),  # 4 / 0.8 = 5 exactly
        (1, 0.8, 5),  # float gives 5.000000000000001
        (21, 0.3, 30),  # float gives 30.000000000000004
        (7, 0.0, 7),
        (0, 0.3, 0),
        (2.1, 0.0, 3),  # backlog's fractional need
        (3.0000000000001, 0.0, 3),  # noise from summing spread work
    ],
)
def test_shrinkage_rounds_up_but_ignores_float_noise(raw: float, shrinkage: float, expected: int) -> None:
    assert apply_shrinkage(raw, shrinkage) == expected


def test_float_noise_is_real_without_rounding() -> None:
    assert math.ceil(21 / (1 - 0.3)) == 31  # the naive ceiling would roster a phantom agent
    assert math.ceil(1 / (1 - 0.8)) == 6


# --------------------------------------------------------------------------- backlog


def email(hours: float, aht: float = 360) -> BacklogChannel:
    return BacklogChannel(kind="backlog", aht_seconds=aht, respond_within_hours=hours)


def test_backlog_spreads_work_until_the_deadline() -> None:
    # 60 emails × 360 s = 21 600 s of work, due within 2 h on a 60-min grid:
    # 10 800 s in the arrival hour and in the next → 3 agents each.
    volumes = [0.0, 60.0, 0.0, 0.0]
    assert backlog_agents(volumes, 3600, email(2)) == [0.0, 3.0, 3.0, 0.0]
    # the same work due within 1 h lands in the arrival hour only: 6 agents
    assert backlog_agents(volumes, 3600, email(1)) == [0.0, 6.0, 0.0, 0.0]
    # 1.5 h does not fit two whole hours: finishing early is safe, so one interval
    assert backlog_agents(volumes, 3600, email(1.5)) == [0.0, 6.0, 0.0, 0.0]


def test_backlog_on_a_30_minute_grid() -> None:
    # 2 h = 4 intervals of 1800 s: 21 600 / 4 = 5400 s per interval = 3 agents
    volumes = [60.0, 0.0, 0.0, 0.0, 0.0]
    assert backlog_agents(volumes, 1800, email(2)) == [3.0, 3.0, 3.0, 3.0, 0.0]
    # a deadline shorter than one interval still gets one interval
    assert backlog_agents([60.0, 0.0], 1800, email(0.25)) == [12.0, 0.0]


def test_backlog_overlapping_arrivals_add_up() -> None:
    # 60 emails then 30 emails, 2 h window: hour 0: 10 800 s; hour 1: 10 800 + 5 400; hour 2: 5 400
    assert backlog_agents([60.0, 30.0, 0.0, 0.0], 3600, email(2)) == [3.0, 4.5, 1.5, 0.0]


def test_backlog_work_past_the_period_is_dropped() -> None:
    # arrival in the last interval: only its first half (3 agents) is inside the period
    assert backlog_agents([0.0, 0.0, 60.0], 3600, email(2)) == [0.0, 0.0, 3.0]


# --------------------------------------------------------------------------- requirements from a config

CHAT_AND_EMAIL = (
    TINY.replace(
        "shrinkage: 0.0",
        "shrinkage: 0.25",
    )
    .replace(
        "    service_level: {percent: 80, within_seconds: 60}\n",
        "    concurrency: 2\n"
        "    service_level: {percent: 80, within_seconds: 20}\n"
        "  email:\n"
        "    kind: backlog\n"
        "    aht_seconds: 360\n"
        "    respond_within_hours: 2\n"
        "  phone:\n"
        "    kind: realtime\n"
        "    aht_seconds: 180\n"
        "    service_level: {percent: 80, within_seconds: 20}\n",
    )
    .replace("aht_seconds: 360\n    concurrency", "aht_seconds: 180\n    concurrency")
)

# TINY's period starts 2026-12-07 00:00 America/New_York = 05:00 UTC; 7 days × 24 hourly intervals.
T0 = "2026-12-07T05:00:00Z"


def test_requirements_end_to_end(make_config: Callable[..., Config]) -> None:
    config = make_config(
        CHAT_AND_EMAIL,
        forecast=[
            ("2026-12-07T06:00:00Z", "chat", 200),  # A = 200 × 180 / 3600 = 10 → 14 conversations → 7 agents
            ("2026-12-07T06:00:00Z", "email", 60),  # 6 agent-hours of work, due within 2 hours: a pace of 3 agents
        ],
    )
    req = requirements(config)
    assert isinstance(req, Requirements)
    assert req.grid.count == 168 and req.grid.starts[0].isoformat() == "2026-12-07T05:00:00+00:00"
    assert set(req.volume) == set(req.required) == {"chat", "email", "phone"}
    assert req.volume["chat"][:3] == [0.0, 200.0, 0.0]
    # shrinkage 0.25: 7 / 0.75 = 9.33 → 10 ; 3 / 0.75 = 4
    assert req.required["chat"][:3] == [0, 10, 0]
    assert req.required["email"] == [0] * 168  # a backlog channel needs nobody at any given hour, only answers in time
    email = req.backlog["email"]
    assert (email.window, email.due(1), email.arrivals[:3]) == (2, 2, [0.0, 60.0, 0.0])  # 06:00's arrivals due at 08:00
    assert email.per_agent[0] == 7.5  # 0.75 × 3600 s / 360 s
    assert email.pace[:4] == [0, 4, 4, 0]  # 3 agents in 06:00 and 07:00, / 0.75 → 4: where overstaffing begins
    assert req.required["phone"] == [0] * 168  # a channel with no forecast rows is still there
    assert sum(req.required["chat"]) == 10
    assert req.ignored_rows == 0


def test_write_requirements_csv(make_config: Callable[..., Config], tmp_path: Path) -> None:
    config = make_config(CHAT_AND_EMAIL, forecast=[(T0, "chat", 200), (T0, "email", 7.5)])
    req = requirements(config)
    out = write_requirements(req, tmp_path / "out" / "requirements.csv")
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["interval_start_utc", "channel", "volume", "required"]
    assert rows[1] == ["2026-12-07T05:00:00+00:00", "chat", "200", "10"]
    assert rows[2] == ["2026-12-07T05:00:00+00:00", "email", "7.5", ""]  # a backlog channel: arrivals, nobody required
    assert rows[3] == ["2026-12-07T05:00:00+00:00", "phone", "0", "0"]
    assert rows[5] == ["2026-12-07T06:00:00+00:00", "email", "0", ""]
    assert len(rows) == 1 + 168 * 3
    # a directory means requirements.csv inside it
    assert write_requirements(req, tmp_path / "out") == tmp_path / "out" / "requirements.csv"


# --------------------------------------------------------------------------- forecast placement


def test_naive_timestamps_use_the_forecast_zone(make_config: Callable[..., Config]) -> None:
    text = TINY.replace("  timezone: UTC", "  timezone: Asia/Tokyo")
    config = make_config(
        text,
        forecast=[
            ("2026-12-08T00:00:00", "chat", 5),  # Tokyo midnight = 2026-12-07 15:00 UTC → interval 10
            ("2026-12-07T09:00:00-05:00", "chat", 7),  # explicit offset wins: 14:00 UTC → interval 9
        ],
    )
    volume = read_forecast(config)["chat"]
    assert volume[10] == 5 and volume[9] == 7 and sum(volume) == 12


def test_naive_timestamps_across_a_dst_change(make_config: Callable[..., Config]) -> None:
    # New York springs forward on 2026-03-08: that local day has 23 hours, starting 05:00 UTC.
    text = (
        TINY.replace("start: 2026-12-07", "start: 2026-03-08")
        .replace("days: 7", "days: 1")
        .replace("  timezone: UTC", "  timezone: America/New_York")
    )
    config = make_config(
        text,
        forecast=[
            ("2026-03-08T01:00:00", "chat", 1),  # EST: 06:00 UTC → interval 1
            ("2026-03-08T12:00:00", "chat", 2),  # EDT: 16:00 UTC → interval 11
        ],
    )
    volume = read_forecast(config)["chat"]
    assert len(volume) == 23
    assert volume[1] == 1 and volume[11] == 2 and sum(volume) == 3


def test_rows_off_the_boundary_go_to_the_containing_interval(make_config: Callable[..., Config]) -> None:
    config = make_config(
        forecast=[
            ("2026-12-07T05:00:00Z", "chat", 1),
            ("2026-12-07T05:15:00Z", "chat", 2),
            ("2026-12-07T05:59:59Z", "chat", 4),
            ("2026-12-07T06:00:00Z", "chat", 8),
        ]
    )
    assert read_forecast(config)["chat"][:3] == [7.0, 8.0, 0.0]


def test_rows_outside_the_period_are_counted_not_errors(make_config: Callable[..., Config]) -> None:
    config = make_config(
        forecast=[
            ("2026-12-07T04:59:59Z", "chat", 9),  # one second before the period
            ("2026-12-14T05:00:00Z", "chat", 9),  # the period's end is exclusive
            ("2026-12-14T04:00:00Z", "chat", 3),  # last interval
        ]
    )
    req = requirements(config)
    assert req.ignored_rows == 2
    assert req.volume["chat"][-1] == 3 and sum(req.volume["chat"]) == 3


# --------------------------------------------------------------------------- forecast errors


def forecast_error(make_config: Callable[..., Config], content: bytes) -> InputError:
    config = make_config(CHAT_AND_EMAIL)
    config.forecast_path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_forecast(config)
    return caught.value


@pytest.mark.parametrize(
    "content, location, words",
    [
        (b"start,channel\n2026-12-07T05:00:00Z,chat\n", "forecast.csv:1: header:", "missing column(s) volume"),
        (b"start,channel,volume,site\n", "forecast.csv:1: header:", "unknown column(s) site"),
        (b"", "forecast.csv:1: header:", "empty file"),
        (b"\n\n", "forecast.csv:1: header:", "empty file"),
        (
            b"start,channel,volume\n2026-12-07T05:00:00Z,sms,3\n",
            "forecast.csv:2: channel:",
            "expected one of: chat, email, phone",
        ),
        (b"start,channel,volume\n2026-12-07T05:00:00Z,chat,3\nlunchtime,chat,3\n", "forecast.csv:3: start:", "not an ISO 8601"),
        (b"start,channel,volume\n2026-12-07T05:00:00Z,chat,lots\n", "forecast.csv:2: volume:", "'lots' is not a number"),
        (b"start,channel,volume\n2026-12-07T05:00:00Z,chat,-4\n", "forecast.csv:2: volume:", "'-4' is negative"),
        (b"start,channel,volume\n2026-12-07T05:00:00Z,chat,nan\n", "forecast.csv:2: volume:", "not a finite number"),
        (b"start,channel,volume\n2026-12-07T05:00:00Z,chat\n", "forecast.csv:2: row:", "expected 3"),
        (
            b"start,channel,volume\n2026-12-07T05:00:00Z,chat,3\n2026-12-07T06:00:00Z,chat,3\n2026-12-07T05:00:00+00:00,chat,3\n",
            "forecast.csv:4: start:",
            "also line 2",
        ),
        (b"start,channel,volume\n2026-12-07T05:00:00Z,caf\xe9,3\n", "forecast.csv:2:", "not UTF-8"),
    ],
    ids=[
        "missing-column",
        "extra-column",
        "empty",
        "blank-lines",
        "unknown-channel",
        "bad-timestamp",
        "non-numeric",
        "negative",
        "nan",
        "short-row",
        "duplicate",
        "not-utf8",
    ],
)
def test_forecast_errors_name_file_line_and_field(
    make_config: Callable[..., Config], content: bytes, location: str, words: str
) -> None:
    error = forecast_error(make_config, content)
    assert location in str(error)
    assert words in str(error)
    assert "Traceback" not in str(error)


def test_forecast_reports_every_problem_at_once(make_config: Callable[..., Config]) -> None:
    content = (
        b"start,channel,volume\n"
        b"2026-12-07T05:00:00Z,chat,1\n"
        b"yesterday,chat,1\n"
        b"2026-12-07T07:00:00Z,fax,-1\n"
        b"\n"
        b"2026-12-07T08:00:00Z,chat,x\n"
    )
    error = forecast_error(make_config, content)
    lines = str(error).splitlines()
    assert [(p.line, p.where) for p in error.problems] == [(3, "start"), (4, "channel"), (4, "volume"), (6, "volume")]
    assert len(lines) == 4 and all("forecast.csv:" in line for line in lines)


def test_forecast_accepts_a_spreadsheet_bom_and_spaces(make_config: Callable[..., Config]) -> None:
    config = make_config(CHAT_AND_EMAIL)
    config.forecast_path.write_bytes(b"\xef\xbb\xbfstart, channel, volume\r\n2026-12-07T05:00:00Z, email, 12.5\r\n")
    assert read_forecast(config)["email"][0] == 12.5


def test_missing_forecast_file_is_an_input_error(make_config: Callable[..., Config]) -> None:
    config = make_config()
    config.forecast_path.unlink()
    with pytest.raises(InputError, match="forecast.csv:\\?: \\(document\\): file not found"):
        read_forecast(config)


# =========================================================================== issue 3: Erlang C figures, Erlang A, targets
#
# Erlang C references: the exact rational textbook formula above (Cooper ch. 3), and the
# Call Centre Helper worked example ("Erlang C formula - made simple": 10 Erlangs, 14 agents,
# SL 88.8 %, ASA 7.8 s, occupancy 71.4 %).
#
# Erlang A reference: an exact, independent computation on the birth-death chain of the
# M/M/N+M queue (Palm 1943; Garnett, Mandelbaum & Reiman, MSOM 2002, section 2): the
# stationary distribution truncated far in the tail, PASTA for what an arrival finds, and
# for a waiting arrival the absorbing chain "customers ahead of me" solved with a matrix
# exponential (scipy.linalg.expm) for P(answered within T) and a recursion for the mean
# wait of answered contacts. It shares no formula with coverage.demand, which uses the
# incomplete-gamma closed forms of Mandelbaum & Zeltyn (2007).


def erlang_a_chain(
    servers: int, traffic: float, aht: float, within: float, patience: float, extra: int = 400
) -> dict[str, float]:
    from scipy.linalg import expm

    mu, theta = 1 / aht, 1 / patience
    lam = traffic * mu
    top = servers + extra
    logp = [0.0]
    for n in range(1, top + 1):
        logp.append(logp[-1] + math.log(lam / (min(n, servers) * mu + max(n - servers, 0) * theta)))
    peak = max(logp)
    weights = [math.exp(v - peak) for v in logp]
    total = math.fsum(weights)
    p = [w / total for w in weights]
    ahead = top - servers  # a waiting arrival finds 0..ahead customers in front of it
    size = ahead + 3  # transient states 0..ahead, then "answered", then "gave up"
    generator = [[0.0] * size for _ in range(size)]
    for j in range(ahead + 1):
        move = servers * mu + j * theta  # a server frees up, or someone ahead gives up
        generator[j][ahead + 1 if j == 0 else j - 1] += move
        generator[j][ahead + 2] += theta  # I give up
        generator[j][j] = -(move + theta)
    within_t = expm([[v * within for v in row] for row in generator])
    served, mean_wait = [], []
    for j in range(ahead + 1):
        rate = servers * mu + (j + 1) * theta
        move = (servers * mu + j * theta) / rate
        served.append(move * (served[j - 1] if j else 1.0))
        mean_wait.append(served[j] / rate + move * (mean_wait[j - 1] if j else 0.0))
    free = math.fsum(p[:servers])
    queue = p[servers:]
    answered = free + math.fsum(q * s for q, s in zip(queue, served))
    return {
        "wait": math.fsum(queue),
        "service_level": free + math.fsum(q * within_t[j][ahead + 1] for j, q in enumerate(queue)),
        "asa": math.fsum(q * h for q, h in zip(queue, mean_wait)) / answered,
        "abandon": 1 - answered,
        "occupancy": traffic * answered / servers,
    }


def test_erlang_c_worked_example_figures() -> None:
    # Call Centre Helper: 14 agents for 10 Erlangs (AHT 180 s), 80/20 → SL 88.8 %, ASA 7.8 s, occupancy 71.4 %.
    m = erlang_c_metrics(14, 10.0, 180, 20)
    assert float(m.wait_probability) == pytest.approx(0.1741, abs=5e-5)
    assert float(m.service_level) == pytest.approx(0.8884, abs=5e-5)
    assert float(m.asa_seconds) == pytest.approx(float(reference_erlang_c(14, 10)) * 180 / 4, rel=1e-12)  # 7.836 s
    assert float(m.asa_seconds) == pytest.approx(7.836, abs=5e-4)
    assert float(m.occupancy) == pytest.approx(10 / 14)
    assert float(m.abandon_rate) == 0.0


def test_erlang_c_at_1000_erlangs_matches_exact_rational_arithmetic() -> None:
    # A = 1000 Erlangs, AHT 300 s, 80 % within 20 s: the textbook formula in exact fractions
    # (numbers of 3,000 digits) against the closed-form float code.
    for servers in (1001, 1015, 1050):
        exact = float(reference_erlang_c(servers, 1000))
        assert erlang_c(servers, 1000.0) == pytest.approx(exact, rel=1e-10)
    exact_sl = {n: 1 - float(reference_erlang_c(n, 1000)) * math.exp(-(n - 1000) * 20 / 300) for n in (1014, 1015)}
    assert exact_sl[1014] < 0.8 <= exact_sl[1015]
    assert servers_for_service_level(1000.0, 300, 0.8, 20) == 1015
    assert erlang_c(1050, 1000.0) == pytest.approx(0.0744, abs=5e-5)


def test_erlang_b_far_below_the_traffic_uses_the_series() -> None:
    # N ≪ A: the Poisson cdf underflows; 1/B = Σ N!/((N−j)! A^j) ≈ 1 + N/A → B ≈ 1 − N/A
    assert erlang_b(10, 20000.0) == pytest.approx(1 / (1 + 10 / 20000 + 90 / 20000**2), rel=1e-9)
    assert erlang_b(5, 100.0) == pytest.approx(
        float(Fraction(100**5, 120) / sum(Fraction(100**k, math.factorial(k)) for k in range(6))), rel=1e-12
    )


@pytest.mark.parametrize(
    "servers, traffic, aht, within, patience",
    [
        (10, 10.0, 180, 20, 120),  # N = A: stable only because callers give up
        (12, 10.0, 180, 20, 120),
        (5, 10.0, 180, 20, 120),  # badly understaffed: half give up
        (14, 10.0, 180, 20, 1800),  # patient callers: close to Erlang C
        (100, 100.0, 180, 20, 120),
        (1000, 1000.0, 300, 20, 180),  # the 1,000-Erlang case
    ],
)
def test_erlang_a_matches_the_exact_birth_death_chain(
    servers: int, traffic: float, aht: float, within: float, patience: float
) -> None:
    m = erlang_a_metrics(servers, traffic, aht, within, patience)
    chain = erlang_a_chain(servers, traffic, aht, within, patience)
    assert float(m.wait_probability) == pytest.approx(chain["wait"], rel=1e-9)
    assert float(m.service_level) == pytest.approx(chain["service_level"], rel=1e-9)
    assert float(m.abandon_rate) == pytest.approx(chain["abandon"], rel=1e-8)
    assert float(m.asa_seconds) == pytest.approx(chain["asa"], rel=1e-8)
    assert float(m.occupancy) == pytest.approx(chain["occupancy"], rel=1e-9)


def test_erlang_a_pinned_figures() -> None:
    # 10 agents, 10 Erlangs, AHT 180 s, patience 120 s, T = 20 s (values of the exact chain above)
    m = erlang_a_metrics(10, 10.0, 180, 20, 120)
    assert float(m.wait_probability) == pytest.approx(0.49685, abs=5e-6)
    assert float(m.service_level) == pytest.approx(0.63994, abs=5e-6)
    assert float(m.abandon_rate) == pytest.approx(0.13746, abs=5e-6)
    assert float(m.asa_seconds) == pytest.approx(14.554, abs=5e-4)
    assert float(m.occupancy) == pytest.approx(0.86254, abs=5e-6)
    # 1,000 Erlangs with 1,000 agents: 44 % wait, 98.3 % answered within 20 s, 1.4 % give up
    big = erlang_a_metrics(1000, 1000.0, 300, 20, 180)
    assert float(big.wait_probability) == pytest.approx(0.44124, abs=5e-6)
    assert float(big.service_level) == pytest.approx(0.98276, abs=5e-6)
    assert float(big.abandon_rate) == pytest.approx(0.014217, abs=5e-7)


def test_erlang_a_tends_to_erlang_c_as_patience_grows() -> None:
    for servers in (11, 14, 20):
        a = erlang_a_metrics(servers, 10.0, 180, 20, 1e10)  # a patience of 300 years
        c = erlang_c_metrics(servers, 10.0, 180, 20)
        assert float(a.service_level) == pytest.approx(float(c.service_level), abs=1e-6)
        assert float(a.asa_seconds) == pytest.approx(float(c.asa_seconds), rel=1e-5)
        assert float(a.abandon_rate) < 1e-5


def test_erlang_a_edge_cases_stay_finite() -> None:
    m = erlang_a_metrics([0, 3, 40, 20500, 4000], [10.0, 0.0, 10.0, 20000.0, 5000.0], 300, 20, 180)
    assert list(m.service_level[:2]) == [0.0, 1.0]  # nobody there: nothing answered; no traffic: all fine
    assert float(m.abandon_rate[0]) == 1.0 and math.isinf(m.asa_seconds[0])
    assert 0.9999 < m.service_level[2] <= 1.0  # hugely overstaffed: the A(x, y) series path
    assert 0.99 < m.service_level[3] <= 1.0  # 20,000 Erlangs
    assert m.abandon_rate[4] == pytest.approx(0.2, abs=1e-3)  # 4000 servers for 5000 Erlangs: a fifth give up
    assert all(math.isfinite(v) for v in m.service_level)


# --------------------------------------------------------------------------- targets → servers


def test_required_servers_meets_every_target_and_no_fewer() -> None:
    # 10 Erlangs, AHT 180 s, 80/20: 14 servers (SL 88.8 %, ASA 7.84 s, occupancy 71.4 %)
    base = Targets(aht_seconds=180, service_fraction=0.8, within_seconds=20)
    assert required_servers([10.0], base).tolist() == [14]
    # ASA ≤ 5 s: 14 gives 7.84 s, 15 gives 3.67 s
    assert required_servers([10.0], Targets(180, 0.8, 20, asa_seconds=5)).tolist() == [15]
    # occupancy ≤ 70 %: 10 / 14 = 71.4 % is too busy, 10 / 15 = 66.7 %
    assert required_servers([10.0], Targets(180, 0.8, 20, max_occupancy=0.7)).tolist() == [15]
    # Erlang A, patience 120 s: callers who give up free the queue — 12 servers reach 82.6 % (11 do not)
    patient = Targets(180, 0.8, 20, patience_seconds=120)
    assert required_servers([10.0], patient).tolist() == [12]
    assert (
        float(erlang_a_metrics(11, 10.0, 180, 20, 120).service_level)
        < 0.8
        < float(erlang_a_metrics(12, 10.0, 180, 20, 120).service_level)
    )
    # ... and with ASA ≤ 5 s too: 13
    assert required_servers([10.0], Targets(180, 0.8, 20, asa_seconds=5, patience_seconds=120)).tolist() == [13]


def test_required_servers_at_1000_erlangs_erlang_c_and_a() -> None:
    assert required_servers([1000.0], Targets(300, 0.8, 20)).tolist() == [1015]
    assert required_servers([1000.0], Targets(300, 0.8, 20, patience_seconds=180)).tolist() == [936]
    below, at = erlang_a_metrics([935, 936], 1000.0, 300, 20, 180).service_level
    assert below < 0.8 <= at


def test_required_servers_is_vectorised_and_fast_for_a_year_of_intervals() -> None:
    # a year of 15-minute intervals at up to 1,200 Erlangs, all at once
    traffic = [(k * 7919) % 1200 + (k % 4) * 0.25 for k in range(35040)]
    began = time.perf_counter()
    servers = required_servers(traffic, Targets(300, 0.8, 20))
    assert time.perf_counter() - began < 5.0
    assert servers.shape == (35040,)
    sample = [0, 1, 17, 4242, 35039]
    for k in sample:
        assert servers[k] == servers_for_service_level(traffic[k], 300, 0.8, 20)
        if traffic[k] > 0:
            assert (
                service_level(int(servers[k]), traffic[k], 300, 20)
                >= 0.8
                > service_level(int(servers[k]) - 1, traffic[k], 300, 20)
            )
        else:
            assert servers[k] == 0


def test_channel_targets_from_config() -> None:
    chat = RealtimeChannel(
        kind="realtime",
        aht_seconds=180,
        concurrency=2,
        service_level=ServiceLevel(percent=80, within_seconds=20),
        asa_seconds=5,
        max_occupancy=0.85,
    )
    # 15 conversations (ASA target) → 8 agents at concurrency 2
    assert realtime_agents(100, 1800, chat) == 8
    patient = chat.model_copy(update={"asa_seconds": None, "patience_seconds": 120})
    assert realtime_agents(100, 1800, patient) == 6  # 12 conversations
    assert realtime_agents_array([0, 100, 200], 1800, patient).tolist() == [
        0,
        6,
        int(math.ceil(required_servers([20.0], Targets.of(patient))[0] / 2)),
    ]


# --------------------------------------------------------------------------- predicted service for a roster


def test_predicted_service_interpolates_between_whole_servers() -> None:
    chat = RealtimeChannel(kind="realtime", aht_seconds=180, service_level=ServiceLevel(percent=80, within_seconds=20))
    whole = predicted_service([100.0, 100.0], [14.0, 15.0], 1800, chat)
    assert whole.service_level.tolist() == pytest.approx([0.88835, 0.94145], abs=5e-6)
    half = predicted_service([100.0], [14.5], 1800, chat)
    assert float(half.service_level[0]) == pytest.approx((0.88835 + 0.94145) / 2, abs=1e-5)
    # 20 agents at 30 % shrinkage are 14 on contacts: the worked example exactly
    assert float(predicted_service([100.0], [20 * 0.7], 1800, chat).service_level[0]) == pytest.approx(0.88835, abs=5e-6)


# --------------------------------------------------------------------------- shrinkage per site and weekday

TWO_SITES = (
    TINY.replace(
        "shrinkage: 0.0",
        "shrinkage:\n  default: 0.2\n  weekday: {Sat: 0.1}\n  sites:\n    london: 0.5",
    )
    .replace(
        "contracts:",
        '  london:\n    timezone: Europe/London\n    shifts:\n      day: {start: "09:00", hours: 8}\ncontracts:',
    )
    .replace(
        "  - {id: a1, site: nyc, contract: full_time, skills: [chat]}\n",
        "  - {id: a1, site: nyc, contract: full_time, skills: [chat]}\n  - {id: a2, site: london, contract: full_time, skills: [chat]}\n",
    )
)


def test_shrinkage_is_weighted_by_the_sites_that_can_be_on_duty(make_config: Callable[..., Config]) -> None:
    config = make_config(TWO_SITES)
    grid = period_grid(config.plan)
    values = shrinkage_by_interval(config, grid, "chat")
    # Mon 7 Dec 2026, grid from 05:00 UTC. London works 09–17 UTC, New York 14–22 UTC.
    at = {utc_hour: values[utc_hour - 5] for utc_hour in (10, 15, 20, 23)}
    assert at[10] == pytest.approx(0.5)  # only London can be there
    assert at[15] == pytest.approx(0.35)  # both: (0.5 + 0.2) / 2
    assert at[20] == pytest.approx(0.2)  # only New York
    assert at[23] == pytest.approx(0.35)  # nobody's shift: the two sites' headcounts, 1:1
    # Saturday 12 Dec 15:00 UTC: London has its own rule (0.5), New York's Saturday is 0.1
    assert values[5 * 24 + 10] == pytest.approx((0.5 + 0.1) / 2)


def test_requirement_uses_the_interval_shrinkage(make_config: Callable[..., Config]) -> None:
    text = TWO_SITES.replace("    aht_seconds: 360\n", "    aht_seconds: 180\n")
    config = make_config(text, forecast=[("2026-12-07T10:00:00Z", "chat", 200), ("2026-12-07T15:00:00Z", "chat", 200)])
    req = requirements(config)
    # 200 chats × 180 s / 3600 s = 10 Erlangs, 80 % within 60 s → 13 agents; 13 / 0.5 = 26; 13 / 0.65 = 20
    assert req.raw["chat"][5] == 13 and req.raw["chat"][10] == 13
    assert req.required["chat"][5] == 26 and req.required["chat"][10] == 20
    assert req.shrinkage["chat"][5] == pytest.approx(0.5)


def test_shrinkage_config_errors(make_config: Callable[..., Config]) -> None:
    with pytest.raises(InputError, match=r"plan.yaml:15: shrinkage.sites.paris: unknown site 'paris'"):
        make_config(TWO_SITES.replace("    london: 0.5", "    paris: 0.5"))
    with pytest.raises(InputError, match=r"shrinkage.weekday.Saturday"):
        make_config(TWO_SITES.replace("{Sat: 0.1}", "{Saturday: 0.1}"))
    with pytest.raises(InputError, match=r"shrinkage.sites.london: .*less than 1"):
        make_config(TWO_SITES.replace("london: 0.5", "london: 1.2"))


# --------------------------------------------------------------------------- requirements.csv detail and Erlang A config


def test_requirements_csv_shows_how_each_number_was_formed(make_config: Callable[..., Config], tmp_path: Path) -> None:
    text = CHAT_AND_EMAIL.replace(
        "  phone:\n    kind: realtime\n    aht_seconds: 180\n",
        "  phone:\n    kind: realtime\n    aht_seconds: 180\n    patience_seconds: 120\n",
    )
    config = make_config(text, forecast=[(T0, "chat", 200), (T0, "email", 60), (T0, "phone", 200)])
    req = requirements(config)
    out = write_requirements(req, tmp_path / "requirements.csv", config)
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert list(rows[0])[:4] == ["interval_start_utc", "channel", "volume", "required"]
    chat, email, phone = rows[0], rows[1], rows[2]
    # chat: 10 Erlangs, 14 conversations / concurrency 2 = 7 agents, / 0.75 → 10
    assert (chat["erlangs"], chat["agents_before_shrinkage"], chat["shrinkage"], chat["required"]) == ("10", "7", "0.25", "10")
    assert chat["service_level"] == "0.8884" and chat["asa_seconds"] == "7.8359" and chat["abandon_rate"] == "0"
    # email: 60 × 360 s = 6 agent-hours of work arriving 05:00-06:00 UTC, due within 2 hours: by 07:00; no queue figures
    assert (email["erlangs"], email["agents_before_shrinkage"], email["required"], email["service_level"]) == ("6", "", "", "")
    assert (email["due_utc"], chat["due_utc"]) == ("2026-12-07T07:00:00+00:00", "")
    # phone, Erlang A with patience 120 s: 12 servers, / 0.75 → 16
    assert (phone["agents_before_shrinkage"], phone["required"], phone["service_level"]) == ("12", "16", "0.8256")
    assert float(phone["abandon_rate"]) == pytest.approx(0.0616, abs=1e-4)
