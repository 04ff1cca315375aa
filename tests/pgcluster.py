"""A throw-away PostgreSQL cluster for tests: initdb in a temporary folder, a server on a Unix
socket in that folder (and a free loopback port), one database, stopped and deleted at the end.

Debian's server binaries live in /usr/lib/postgresql/<version>/bin (package `postgresql`,
which `.ci/run` installs); `find_bin_dir` also looks at PATH and POLICYBOT_PG_BIN. initdb
refuses to run as root, and so does the server: when the tests run as root (CI), the cluster
is created and run by an unprivileged account (`nobody` unless POLICYBOT_PG_USER names
another) through `setpriv`/`runuser`, in a folder that account owns.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DEBIAN_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
DB_NAME = "policybot_test"


class ClusterUnavailable(Exception):
    """No PostgreSQL server binaries here, or the cluster would not start; says which."""


def find_bin_dir() -> Path:
    """The folder with initdb, pg_ctl and postgres. Raises ClusterUnavailable."""
    candidates: list[Path] = []
    if os.environ.get("POLICYBOT_PG_BIN"):
        candidates.append(Path(os.environ["POLICYBOT_PG_BIN"]))
    candidates += DEBIAN_BIN_DIRS
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise ClusterUnavailable("PostgreSQL server binaries not found (initdb, pg_ctl, postgres): "
                             "apt-get install postgresql, or set POLICYBOT_PG_BIN")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    """A running cluster: `url` (Unix socket), `tcp_url` (127.0.0.1:port), `stop()`."""

    folder: Path
    bin_dir: Path
    port: int
    run_as: list[str]
    database: str = DB_NAME
    durable: bool = False  # fsync on (benchmarks); tests run without it

    @property
    def socket_dir(self) -> Path:
        return self.folder / "sock"

    @property
    def user(self) -> str:
        return pwd.getpwuid(self._uid()).pw_name

    def _uid(self) -> int:
        return self.folder.stat().st_uid

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@/{self.database}?host={self.socket_dir}&port={self.port}"

    @property
    def tcp_url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.run_as, *args], capture_output=True, text=True, check=check, timeout=120,
                              cwd=self.folder)

    def start(self) -> None:
        data = self.folder / "data"
        self.socket_dir.mkdir(exist_ok=True)
        if self.run_as:
            os.chown(self.socket_dir, self._uid(), -1)
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.socket_dir} "
                   "-c max_connections=200 -c shared_buffers=32MB")
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off"
        done = self._run(str(self.bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                         str(self.folder / "server.log"), "-w", "-t", "60", "start", check=False)
        if done.returncode != 0:
            log = (self.folder / "server.log")
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ClusterUnavailable(f"pg_ctl start failed: {done.stderr.strip()} {tail}")

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w",
                  "stop", check=False)

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = self._run(str(self.bin_dir / "psql"), "-h", str(self.socket_dir), "-p", str(self.port), "-d",
                         database, "-v", "ON_ERROR_STOP=1", "-Atc", sql)
        return done.stdout


def _run_as(user: str) -> list[str]:
    """The prefix that runs a command as `user` (root only)."""
    entry = pwd.getpwnam(user)
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [setpriv, f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups", "--"]
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", user, "--"]
    raise ClusterUnavailable("running as root, and neither setpriv nor runuser is here to drop privileges")


@contextlib.contextmanager
def running_cluster(durable: bool = False) -> Iterator[Cluster]:
    """initdb + start + a database; stopped and the folder deleted on exit. `durable`: fsync
    on, as a production server (benchmarks); off for tests."""
    bin_dir = find_bin_dir()
    run_as: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="policybot-pg-"))
    try:
        if os.geteuid() == 0:
            user = os.environ.get("POLICYBOT_PG_USER", "nobody")
            run_as = _run_as(user)
            entry = pwd.getpwnam(user)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
            folder.chmod(0o700)
        cluster = Cluster(folder, bin_dir, free_port(), run_as, durable=durable)
        init = cluster._run(str(bin_dir / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", cluster.user,
                            "-E", "UTF8", "--locale=C", check=False)
        if init.returncode != 0:
            raise ClusterUnavailable(f"initdb failed: {init.stderr.strip()[-1000:]}")
        cluster.start()
        try:
            cluster.psql(f"CREATE DATABASE {cluster.database}")
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def wait_for_socket(cluster: Cluster, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not (cluster.socket_dir / f".s.PGSQL.{cluster.port}").exists():
        if time.monotonic() > deadline:
            raise ClusterUnavailable("the server's socket did not appear")
        time.sleep(0.05)
