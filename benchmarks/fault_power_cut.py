"""A simulated power cut: are acknowledged turns and the salt on the disk? (issue 15, item 10)

Needs root (a loop device and mount). Run: `sudo .venv/bin/python benchmarks/fault_power_cut.py
[--turns 50] [--rounds 3]`; prints one line per round and mode, and PASS or FAIL.

How a power cut is simulated: the bot's database lives on an ext4 file system on a loop
device backed by an image file. A power cut loses whatever the file system had not yet handed
to its device: dirty pages in the page cache that nobody fsynced. So the bot process answers
`--turns` turns (each printed as "ack" only after `Engine.handle` returned, i.e. when the reply
would go out), then it is killed (SIGKILL) and at once the image file is copied: the copy is
exactly what the device had received — what a machine that lost power would find. The copy is
then mounted (ext4 replays its journal, as after a reboot) and opened with sqlite3.

Two modes: "before" (synchronous=NORMAL and a salt written without fsync: the code before
issue 15) and "after" (the code as it is: synchronous=FULL, the salt written with
`dialog.config.write_new_file`, fsynced). A first start generates the salt (no POLICYBOT_SALT).
PASS when, after the fix, every acknowledged turn and the salt survived every round.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

DRIVER = r"""
import asyncio, os, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from dialog import config
from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import Incoming

db, mode = Path(sys.argv[1]), sys.argv[2]
turns = int(sys.argv[4])
if mode == "before":  # the salt as it was written before: no fsync, no atomic link
    def write_new_file(path, data, mode=0o600):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    config.write_new_file = write_new_file

async def main():
    engine = await Engine.open(Settings(db=db))  # no salt configured: generated next to the db
    if mode == "before":
        await engine.store.db.execute("PRAGMA synchronous=NORMAL")
    for i in range(turns):
        await engine.handle(Incoming("web", f"resident-{i:04d}", "", action="p:internship", kind="button"))
        os.write(1, f"ack {i}\n".encode())
    os.write(1, b"done\n")
    await asyncio.sleep(3600)  # killed before this ends

asyncio.run(main())
"""


def sh(*cmd: str) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


def one_round(work: Path, mode: str, turns: int) -> tuple[int, int, bool]:
    """(acknowledged turns, of those found after the cut, salt found whole)."""
    image, copy, mnt = work / "disk.img", work / "cut.img", work / "mnt"
    for p in (image, copy):
        p.unlink(missing_ok=True)
    mnt.mkdir(exist_ok=True)
    with image.open("wb") as f:
        f.truncate(256 * 1024 * 1024)
    loop = sh("losetup", "--find", "--show", str(image))
    try:
        sh("mkfs.ext4", "-q", loop)
        sh("mount", loop, str(mnt))
        os.sync()  # the empty file system itself is on the device before the test starts
        data = mnt / "var"
        data.mkdir()
        os.sync()
        child = subprocess.Popen([sys.executable, "-c", DRIVER, str(data / "bot.sqlite3"), mode, str(ROOT),
                                  str(turns)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        acked = 0
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("ack"):
                acked += 1
            if line.startswith("done"):
                break
        child.send_signal(signal.SIGKILL)  # the power goes: the process dies…
        shutil.copyfile(image, copy)  # …and the device keeps only what it had received
        child.wait()
        sh("umount", str(mnt))
    finally:
        subprocess.run(["losetup", "-d", loop], check=False)
    loop = sh("losetup", "--find", "--show", str(copy))
    try:
        sh("mount", loop, str(mnt))  # journal replay, as after the reboot
        db = mnt / "var" / "bot.sqlite3"
        salt = mnt / "var" / "salt"
        salt_ok = salt.exists() and len(salt.read_text().strip()) == 32
        found = 0
        if db.exists():
            try:
                conn = sqlite3.connect(db)
                found = conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
                conn.close()
            except sqlite3.DatabaseError:
                found = 0
        sh("umount", str(mnt))
    finally:
        subprocess.run(["losetup", "-d", loop], check=False)
    return acked, found, salt_ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("needs root (losetup, mount)")
        return 2
    failed = False
    with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
        for mode in ("before", "after"):
            for r in range(args.rounds):
                started = time.monotonic()
                acked, found, salt_ok = one_round(Path(tmp), mode, args.turns)
                print(f"{mode:6} round {r + 1}: {acked} turns acknowledged, {min(found, acked)} of them on the disk "
                      f"after the cut, salt {'kept' if salt_ok else 'LOST'} ({time.monotonic() - started:.1f} s)",
                      flush=True)
                if mode == "after" and (found < acked or not salt_ok):
                    failed = True
    print("FAIL" if failed else "PASS: after the fix every acknowledged turn and the salt survived the cut")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
