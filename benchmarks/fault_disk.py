"""The bot on a disk that fills up or turns read-only (issue 15, items 7, 8, 9).

Needs root (a loop device and mount). Run: `sudo .venv/bin/python benchmarks/fault_disk.py`;
prints what each scenario saw and PASS or FAIL. The database lives on a small ext4 file
system on a loop device; `policybot run` serves it on 127.0.0.1.

1. Full disk while running: residents go through questionnaires; the disk is filled; their
   turns must get 503 (the polite 系统暂时有点忙), /healthz must say 503; the filler is removed;
   /healthz must be 200 again without a resident's turn, turns 200; every turn answered 200 is
   in the database after a kill -9 and a restart, and `PRAGMA integrity_check` says ok.
2. Read-only while running: the file system is remounted read-only (or, when the kernel
   refuses because files are open for writing, the loop device is made read-only so that ext4
   itself turns the file system read-only): turns 503, /healthz 503.
3. First start on a full disk: the bot must exit within seconds with one line and a non-zero
   status, leaving no salt file (not an empty one); after space is freed it starts and writes
   a 32-character salt.
4. A database file that is not a database: exit 1 within seconds, one line.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
failures: list[str] = []
bots: list[Bot] = []  # every bot started, killed at the end whatever happened


def check(ok: bool, what: str) -> None:
    print(f"  {'ok  ' if ok else 'FAIL'} {what}", flush=True)
    if not ok:
        failures.append(what)


def sh(*cmd: str, ok: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=ok, capture_output=True, text=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Disk:
    def __init__(self, work: Path, mb: int) -> None:
        self.image, self.mnt = work / f"disk{mb}.img", work / f"mnt{mb}"
        self.mnt.mkdir(exist_ok=True)
        with self.image.open("wb") as f:
            f.truncate(mb * 1024 * 1024)
        self.loop = sh("losetup", "--find", "--show", str(self.image)).stdout.strip()
        sh("mkfs.ext4", "-q", "-m", "0", self.loop)
        sh("mount", "-o", "errors=remount-ro", self.loop, str(self.mnt))
        (self.mnt / "var").mkdir()

    def fill(self) -> Path:
        """Write a file until the disk is full (down to the last byte)."""
        filler = self.mnt / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for size in (1 << 20, 1 << 16, 4096, 512, 1):
                block = b"\0" * size
                try:
                    while True:
                        os.write(fd, block)
                except OSError:
                    pass
            with contextlib.suppress(OSError):
                os.fsync(fd)
        finally:
            os.close(fd)
        return filler

    def close(self) -> None:
        sh("umount", "-l", str(self.mnt), ok=False)
        sh("losetup", "-d", self.loop, ok=False)


class Bot:
    def __init__(self, db: Path, **env: str) -> None:
        self.port = free_port()
        self.log = db.parent.parent.parent / f"bot-{self.port}.log"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
        environ.update(POLICYBOT_DB=str(db), POLICYBOT_PORT=str(self.port), **env)
        self.out = self.log.open("w")
        self.started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=environ,
                                     stdout=self.out, stderr=subprocess.STDOUT)
        bots.append(self)

    def wait_ready(self, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if self.get("/healthz")[0] == 200:
                return True
            time.sleep(0.2)
        return False

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
            conn.request(method, path, json.dumps(body) if body else None, {"Content-Type": "application/json"})
            response = conn.getresponse()
            return response.status, response.read().decode()
        except OSError as exc:
            return 0, str(exc)

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)

    def chat(self, user: str, **body: str) -> int:
        return self.request("POST", "/api/chat", {"user": user, **body})[0]

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        self.proc.wait(30)
        self.out.close()


def scenario_full_disk(work: Path) -> None:
    print("1. full disk while running")
    disk = Disk(work, 64)
    try:
        db = disk.mnt / "var" / "bot.sqlite3"
        bot = Bot(db)
        check(bot.wait_ready(), "the bot started")
        acknowledged = 0
        users = [f"resident-{i:04d}" for i in range(20)]
        for user in users:
            if bot.chat(user, action="p:internship") == 200:
                acknowledged += 1
        filler = disk.fill()
        statuses = [bot.chat(user, text=f"我家的牛生病了怎么办，第{k}次问" * 8) for k in range(5) for user in users]
        acknowledged += statuses.count(200)
        check(statuses.count(503) > 0, f"turns on a full disk: {statuses.count(200)} answered, "
                                       f"{statuses.count(503)} refused with 503, others {len(statuses) - statuses.count(200) - statuses.count(503)}")
        health = bot.get("/healthz")
        check(health[0] == 503, f"/healthz on a full disk: {health[0]} {health[1][:120]}")
        filler.unlink()
        time.sleep(0.5)
        health = bot.get("/healthz")
        check(health[0] == 200, f"/healthz after freeing space, no resident turn in between: {health[0]}")
        after = [bot.chat(user, text="见习补贴多少钱") for user in users]
        acknowledged += after.count(200)
        check(after.count(200) == len(users), f"turns after freeing space: {after.count(200)}/{len(users)} answered")
        bot.kill()
        conn = sqlite3.connect(db)
        stored = conn.execute("SELECT COUNT(*) FROM events WHERE kind IN ('question', 'questionnaire_started')").fetchone()[0]
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        conn.close()
        check(stored == acknowledged, f"after kill -9: {stored} turns stored for {acknowledged} answered with 200")
        check(integrity == "ok", f"integrity_check: {integrity}")
        again = Bot(db)
        check(again.wait_ready(), "restarts on the same database")
        again.kill(signal.SIGTERM)
    finally:
        disk.close()


def scenario_read_only(work: Path) -> None:
    print("2. read-only file system while running")
    disk = Disk(work, 65)
    try:
        db = disk.mnt / "var" / "bot.sqlite3"
        bot = Bot(db)
        check(bot.wait_ready(), "the bot started")
        check(bot.chat("resident-0001", text="见习补贴多少钱") == 200, "a turn before")
        # What a failing disk does: ext4 meets an error and, with errors=remount-ro (the usual
        # default), turns the file system read-only under the running bot.
        how = "ext4 error, errors=remount-ro"
        trigger = Path("/sys/fs/ext4") / Path(disk.loop).name / "trigger_fs_error"
        if trigger.exists():
            trigger.write_text("1")
        else:
            how = "mount -o remount,ro"
            sh("mount", "-o", "remount,ro", str(disk.mnt), ok=False)
        time.sleep(0.2)
        options = [line.split()[3] for line in Path("/proc/mounts").read_text().splitlines()
                   if line.split()[1] == str(disk.mnt)]
        read_only = bool(options) and (options[0].startswith("ro") or "emergency_ro" in options[0])
        check(read_only, f"file system now read-only ({how}): {options}")
        statuses = [bot.chat(f"resident-{i:04d}", text="开小卖部能贷款吗") for i in range(10)]
        check(statuses.count(200) == 0, f"{how}: turns {statuses}")
        time.sleep(0.5)
        health = bot.get("/healthz")
        check(health[0] == 503, f"/healthz read-only: {health[0]} {health[1][:120]}")
        bot.kill()
    finally:
        disk.close()


def scenario_first_start_full(work: Path) -> None:
    print("3. first start on a full disk")
    disk = Disk(work, 6)
    try:
        db = disk.mnt / "var" / "bot.sqlite3"
        filler = disk.fill()
        bot = Bot(db)
        try:
            code = bot.proc.wait(60)
        except subprocess.TimeoutExpired:
            code = None
            bot.kill()
        elapsed = time.monotonic() - bot.started
        bot.out.close()
        lines = [line for line in bot.log.read_text().splitlines() if " ERROR " in line]
        check(code not in (0, None) and elapsed < 60, f"exit status {code} after {elapsed:.1f} s")
        check(len(lines) == 1, f"one line: {lines[:3]}")
        salt = disk.mnt / "var" / "salt"
        check(not salt.exists(), f"no salt file left behind ({salt.stat().st_size if salt.exists() else '-'} bytes)")
        filler.unlink()
        bot = Bot(db)
        check(bot.wait_ready(), "starts once there is space")
        check(len(salt.read_text().strip()) == 32 if salt.exists() else False, "and writes a 32-character salt")
        bot.kill(signal.SIGTERM)
    finally:
        disk.close()


def scenario_not_a_database(work: Path) -> None:
    print("4. a database file that is not a database")
    folder = work / "bad" / "var"
    folder.mkdir(parents=True)
    db = folder / "bot.sqlite3"
    db.write_bytes(os.urandom(64 * 1024))
    bot = Bot(db, POLICYBOT_SALT="0123456789abcdef0123456789abcdef")
    try:
        code = bot.proc.wait(60)
    except subprocess.TimeoutExpired:
        code = None
        bot.kill()
    elapsed = time.monotonic() - bot.started
    bot.out.close()
    lines = [line for line in bot.log.read_text().splitlines() if " ERROR " in line]
    check(code == 1 and elapsed < 60, f"exit status {code} after {elapsed:.1f} s")
    check(len(lines) == 1 and "Traceback" not in bot.log.read_text(), f"one line: {lines[:2]}")


def main() -> int:
    if os.geteuid() != 0:
        print("needs root (losetup, mount)")
        return 2
    with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
        try:
            for scenario in (scenario_full_disk, scenario_read_only, scenario_first_start_full,
                             scenario_not_a_database):
                scenario(Path(tmp))
        finally:
            for bot in bots:
                if bot.proc.poll() is None:
                    bot.proc.kill()
                    bot.proc.wait(10)
    print("PASS" if not failures else f"FAIL: {len(failures)} check(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
