"""`policybot run` as a whole: settings, the real engine behind the web API, health check."""

from __future__ import annotations

import asyncio
import gc
import socket
import sys
from pathlib import Path

import httpx
import pytest

import bot
from dialog.config import ConfigError, Settings, ensure_salt, load_settings
from dialog.server import serve
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise


def test_env_overrides_file_and_types_are_checked(tmp_path: Path):
    config = tmp_path / "policybot.yaml"
    config.write_text("port: 9000\nstale_hours: 12\nhost: 0.0.0.0\n", encoding="utf-8")
    settings = load_settings(config, env={"POLICYBOT_PORT": "9100"})
    assert (settings.port, settings.stale_hours, settings.host) == (9100, 12.0, "0.0.0.0")
    with pytest.raises(ConfigError, match=r"setting port \(POLICYBOT_PORT\): 'abc' is not a valid int"):
        load_settings(env={"POLICYBOT_PORT": "abc"})
    with pytest.raises(ConfigError, match="unknown setting 'prot'"):
        config.write_text("prot: 1\n", encoding="utf-8")
        load_settings(config, env={})
    with pytest.raises(ConfigError, match="webhook_url"):
        load_settings(env={"POLICYBOT_TELEGRAM_TOKEN": "1:x", "POLICYBOT_TELEGRAM_MODE": "webhook"})


def test_secrets_are_not_shown_in_errors():
    with pytest.raises(ConfigError) as info:
        load_settings(env={"POLICYBOT_LOG_RETENTION_DAYS": "s3cr3t-token"})
    assert "s3cr3t" in str(info.value)  # not a secret: shown
    settings = load_settings(env={"POLICYBOT_TELEGRAM_TOKEN": "123:SECRET"})
    assert "SECRET" not in repr(settings)


def test_salt_is_generated_once_and_kept(tmp_path: Path):
    settings = Settings(db=tmp_path / "var" / "bot.sqlite3")
    first = ensure_salt(settings)
    assert len(first) == 32 and ensure_salt(settings) == first
    assert ensure_salt(Settings(db=tmp_path / "x.sqlite3", salt="given")) == "given"


def test_run_rejects_bad_port(capsys):
    assert bot.main(["run", "--port", "70000"]) == 2
    assert "not a TCP port" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_answers_through_the_real_engine(tmp_path: Path):
    settings = Settings(db=tmp_path / "bot.sqlite3", salt="s", port=_free_port())
    kb = load_knowledge_or_raise(PACKAGE_DATA)
    switch_interval = sys.getswitchinterval()

    async def scenario() -> None:
        task = asyncio.create_task(serve(settings, kb))
        base = f"http://127.0.0.1:{settings.port}"
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            for _ in range(100):
                try:
                    health = await client.get("/healthz")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            assert health.status_code == 200 and health.json()["database"] == "writable"
            # No interpreter tuning any more (dialog/runtime_tuning.py says why).
            assert gc.get_freeze_count() == 0 and sys.getswitchinterval() == switch_interval
            page = await client.get("/?c=poster1")
            assert page.status_code == 200 and "临夏就业政策助手" in page.text
            reply = await client.post("/api/chat", json={"user": "resident-0001", "text": "见习补贴每人每月多少钱"})
            assert reply.status_code == 200
            first = reply.json()["replies"][0]
            assert "1000元" in first["text"]
            assert any(b["action"] == "p:internship" for row in first["buttons"] for b in row)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
