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
from conftest import TINY  # pytest's default (prepend) import mode puts tests/ on sys.path

from coverage.config import BacklogChannel, Config, RealtimeChannel, ServiceLevel
from coverage.demand import (
    Requirements,
    apply_shrinkage,
    backlog_agents,
    erlang_b,
    erlang_c,
    read_forecast,
    realtime_agents,
    requirements,
    servers_for_service_level,
    service_level,
    write_requirements,
)
from coverage.errors import InputError

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

CHAT_AND_EMAIL = TINY.replace(
    "shrinkage: 0.0",
    "shrinkage: 0.25",
).replace(
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
).replace("aht_seconds: 360\n    concurrency", "aht_seconds: 180\n    concurrency")

# TINY's period starts 2026-12-07 00:00 America/New_York = 05:00 UTC; 7 days × 24 hourly intervals.
T0 = "2026-12-07T05:00:00Z"


def test_requirements_end_to_end(make_config: Callable[..., Config]) -> None:
    config = make_config(
        CHAT_AND_EMAIL,
        forecast=[
            ("2026-12-07T06:00:00Z", "chat", 200),  # A = 200 × 180 / 3600 = 10 → 14 conversations → 7 agents
            ("2026-12-07T06:00:00Z", "email", 60),  # 3 agents in 06:00 and 07:00
        ],
    )
    req = requirements(config)
    assert isinstance(req, Requirements)
    assert req.grid.count == 168 and req.grid.starts[0].isoformat() == "2026-12-07T05:00:00+00:00"
    assert set(req.volume) == set(req.required) == {"chat", "email", "phone"}
    assert req.volume["chat"][:3] == [0.0, 200.0, 0.0]
    # shrinkage 0.25: 7 / 0.75 = 9.33 → 10 ; 3 / 0.75 = 4
    assert req.required["chat"][:3] == [0, 10, 0]
    assert req.required["email"][:4] == [0, 4, 4, 0]
    assert req.required["phone"] == [0] * 168  # a channel with no forecast rows is still there
    assert sum(req.required["chat"]) == 10 and sum(req.required["email"]) == 8
    assert req.ignored_rows == 0


def test_write_requirements_csv(make_config: Callable[..., Config], tmp_path: Path) -> None:
    config = make_config(CHAT_AND_EMAIL, forecast=[(T0, "chat", 200), (T0, "email", 7.5)])
    req = requirements(config)
    out = write_requirements(req, tmp_path / "out" / "requirements.csv")
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["interval_start_utc", "channel", "volume", "required"]
    assert rows[1] == ["2026-12-07T05:00:00+00:00", "chat", "200", "10"]
    # 7.5 × 360 / 2 = 1350 s per hour = 0.375 agents; / 0.75 = 0.5 → 1
    assert rows[2] == ["2026-12-07T05:00:00+00:00", "email", "7.5", "1"]
    assert rows[3] == ["2026-12-07T05:00:00+00:00", "phone", "0", "0"]
    assert rows[5] == ["2026-12-07T06:00:00+00:00", "email", "0", "1"]
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
        (b"start,channel,volume\n2026-12-07T05:00:00Z,sms,3\n", "forecast.csv:2: channel:", "expected one of: chat, email, phone"),
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
