"""`policybot run` as staff start it (issue 17 item 3, issue 16 item 10): a busy port, several
worker processes on one port, and /metrics added up over the workers (issue 17 item 5).

The port tests start the real command in a child process; the PostgreSQL test uses the
throw-away cluster of tests/pgcluster.py (skipped where PostgreSQL's binaries are missing).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from dialog.metrics import Metrics, mark_process_dead

ROOT = Path(__file__).resolve().parents[1]
SALT = "workers-test-salt-0123456789abcdef"
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$")


def bot_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYBOT_", "TELEGRAM_", "PROMETHEUS_"))}
    env.update(PYTHONUNBUFFERED="1", POLICYBOT_SALT=SALT, **extra)
    return env


def listening_socket() -> socket.socket:
    """A port someone else holds: a plain listening socket, as another program would."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


def samples(text: str) -> dict[str, float]:
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            found = SAMPLE.match(line)
            assert found, f"not a sample line: {line!r}"
            out[found.group(1) + (found.group(2) or "")] = float(found.group(3))
    return out


# ------------------------------------------------------------------------------------ the port


def test_a_second_run_on_a_busy_port_says_so_in_chinese_and_never_announces_the_url(tmp_path: Path) -> None:
    with listening_socket() as taken:
        port = taken.getsockname()[1]
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "bot", "run", "--port", str(port)], cwd=ROOT, timeout=60,
                              env=bot_env(POLICYBOT_DB=str(tmp_path / "bot.sqlite3")), capture_output=True, text=True)
        elapsed = time.monotonic() - started
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert f"端口 {port} 已被占用" in done.stderr
    assert "make run PORT=" in done.stderr and "POLICYBOT_PORT=" in done.stderr and "--port" in done.stderr
    assert "web chat at" not in output and "http://127.0.0.1" not in output
    assert "Traceback" not in output
    assert elapsed < 20  # refused before the knowledge base is loaded
    assert not (tmp_path / "bot.sqlite3").exists()  # and before the database is touched


def test_connections_accepted_on_the_bound_socket_send_without_waiting_for_acks() -> None:
    """Nagle's algorithm off on every accepted connection (asyncio sets TCP_NODELAY only when
    the listening socket's proto is TCP): with it on, each response waited ~40 ms for the
    client's delayed ACK, because uvicorn writes a response's head and body separately."""
    import asyncio

    from dialog.server import bind_socket

    async def scenario(reuse_port: bool) -> int:
        sock = bind_socket("127.0.0.1", 0, reuse_port=reuse_port)
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                raw = transport.get_extra_info("socket")
                accepted.set_result(raw.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
        try:
            _, writer = await asyncio.open_connection(*sock.getsockname())
            value = await asyncio.wait_for(accepted, 5)
            writer.close()
            return value
        finally:
            server.close()

    assert asyncio.run(scenario(False)) != 0
    assert asyncio.run(scenario(True)) != 0


def test_make_run_passes_the_port_and_the_workers() -> None:
    make = subprocess.run(["make", "-n", "-W", ".venv/bin/.installed", "run", "PORT=8090", "WORKERS=2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=30)
    if make.returncode != 0 and "No rule" in make.stderr:
        pytest.skip(make.stderr)
    assert re.search(r"policybot run\s+--port 8090\s+--workers 2", make.stdout), make.stdout
    plain = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert re.search(r"policybot run\s*$", plain.stdout, re.M), plain.stdout


def test_two_workers_on_sqlite_are_refused_with_a_chinese_message(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = subprocess.run([sys.executable, "-m", "bot", "run", "--workers", "2", "--port", str(port)], cwd=ROOT,
                          env=bot_env(POLICYBOT_DB=str(tmp_path / "bot.sqlite3")), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "多个工作进程需要 PostgreSQL" in done.stderr
    assert "POLICYBOT_DB=postgresql://" in done.stderr
    assert "web chat at" not in done.stdout + done.stderr
    assert not (tmp_path / "bot.sqlite3").exists()


# ------------------------------------------------------------------------------------ metrics


def _record_in_a_process(folder: Path, web: int, answered: int, declined: int) -> int:
    """A separate process (prometheus_client picks its multiprocess storage at import, from
    PROMETHEUS_MULTIPROC_DIR) that counts `web` messages and some questions; returns its pid."""
    code = (
        "import os, types\n"
        "from dialog.metrics import Metrics\n"
        "m = Metrics()\n"
        f"for _ in range({web}):\n"
        "    m.messages.inc('web'); m.turn_seconds.observe(0.02, 'web')\n"
        f"m.observe_events([types.SimpleNamespace(kind='question', answered=True)] * {answered}"
        f" + [types.SimpleNamespace(kind='question', answered=False)] * {declined})\n"
        "print(m.messages.get('web'), os.getpid())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**bot_env(), "PROMETHEUS_MULTIPROC_DIR": str(folder)})
    assert done.returncode == 0, done.stderr
    count, pid = done.stdout.split()
    assert float(count) == web  # each process sees only its own count
    return int(pid)


def test_counts_from_two_processes_add_up_in_one_scrape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _record_in_a_process(tmp_path, web=3, answered=1, declined=0)
    second = _record_in_a_process(tmp_path, web=4, answered=0, declined=3)
    assert first != second
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    scrape = Metrics()  # the process answering GET /metrics
    values = samples(scrape.render())
    assert values['policybot_messages_total{channel="web"}'] == 7
    assert values['policybot_engine_turn_seconds_count{channel="web"}'] == 7
    assert values['policybot_engine_turn_seconds_bucket{channel="web",le="0.025"}'] == 7
    assert values['policybot_questions_total{answered="yes"}'] == 1
    assert values['policybot_questions_total{answered="no"}'] == 3
    assert values["policybot_answered_share"] == 0.25  # from the sum, not from one process
    assert values["policybot_workers"] == 2
    mark_process_dead(first, str(tmp_path))  # the parent's call when a worker ended
    values = samples(scrape.render())
    assert values["policybot_workers"] == 1
    assert values['policybot_messages_total{channel="web"}'] == 7  # its counts stay in the sum


# ------------------------------------------------------------------------------------ PostgreSQL


def _wait_healthy(client: httpx.Client, process: subprocess.Popen[str], log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            if client.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not healthy after {timeout} s: {log.read_text()[-3000:]}")


def _worker_pids(client: httpx.Client) -> set[str]:
    text = client.get("/metrics").text
    return set(re.findall(r'^process_cpu_seconds_total\{pid="(\d+)"\}', text, re.M))


def test_two_workers_on_postgresql_answer_on_one_port(pg_url: str, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--workers", "2", "--port", str(port)],
                                   cwd=ROOT, env=bot_env(POLICYBOT_DB=pg_url, POLICYBOT_DB_POOL_SIZE="3",
                                                         POLICYBOT_RATE_LIMIT_PER_MINUTE="0"),
                                   stdout=out, stderr=subprocess.STDOUT, text=True)
    try:
        # A fresh connection per request: the kernel hands each to whichever worker accepts.
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30,
                          limits=httpx.Limits(max_keepalive_connections=0)) as client:
            _wait_healthy(client, process, log)
            deadline = time.monotonic() + 60
            while len(_worker_pids(client)) < 2 and time.monotonic() < deadline:
                time.sleep(0.3)
            pids = _worker_pids(client)
            assert len(pids) == 2, pids
            assert all(client.get("/healthz").json()["database"] == "writable" for _ in range(6))
            for i in range(12):
                reply = client.post("/api/chat", json={"user": f"resident-w{i:04d}", "text": "见习补贴每月多少钱"})
                assert reply.status_code == 200 and "1000元" in reply.json()["replies"][0]["text"]
            values = samples(client.get("/metrics").text)
            assert values['policybot_messages_total{channel="web"}'] == 12  # both workers' counts
            assert values["policybot_workers"] == 2
            assert values['policybot_http_requests_total{route="/api/chat",status="200"}'] == 12

            # A worker killed (the OOM killer, kill -9) is started again; the port keeps answering.
            victim = int(sorted(pids)[0])
            os.kill(victim, signal.SIGKILL)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                try:
                    now = _worker_pids(client)
                except httpx.TransportError:  # a connection the dying worker had accepted
                    continue
                if len(now) == 2 and str(victim) not in now:
                    break
                time.sleep(0.3)
            now = _worker_pids(client)
            assert len(now) == 2 and str(victim) not in now, now
            assert client.post("/api/chat", json={"user": "resident-w9999", "text": "/help"}).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    text = log.read_text()
    assert code == 0, text[-3000:]
    assert text.count("web chat at") == 1 and "(2 worker processes)" in text
    assert "worker 1 ended (signal 9): starting it again" in text or "worker 2 ended (signal 9)" in text
