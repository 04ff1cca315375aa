"""Settings in one place: a YAML file (optional) overridden by environment variables.

Every setting has a YAML key and an environment variable (`POLICYBOT_` + the key in upper
case, e.g. `port` -> `POLICYBOT_PORT`). A malformed value stops start-up with a message that
names the setting; secrets (tokens, salt) are never printed.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it."""


PROJECT_DIR = Path(__file__).resolve().parents[1]  # the folder holding dialog/ (a checkout: pyproject.toml)
DB_NAME = "policybot.sqlite3"


def default_db(env: dict[str, str] | None = None) -> Path:
    """Where the database is when no setting names it, as an absolute path, so every command
    (`policybot run`, `report`, `forget` …) finds the same file whichever folder it starts in
    (it used to be var/policybot.sqlite3 relative to that folder: a report started elsewhere
    found nothing). In a source checkout (pyproject.toml next to dialog/, as `make run` uses
    it): <checkout>/var/policybot.sqlite3 — the old place for the usual start in the project
    folder. Installed elsewhere: $XDG_DATA_HOME/policybot/, else ~/.local/share/policybot/.
    Deployments name it (POLICYBOT_DB=/var/lib/policybot/policybot.sqlite3)."""
    if (PROJECT_DIR / "pyproject.toml").is_file():
        return PROJECT_DIR / "var" / DB_NAME
    env = os.environ if env is None else env
    data_home = Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "policybot" / DB_NAME


@dataclass
class Settings:
    # The one SQLite file (sessions, log); see default_db. A relative POLICYBOT_DB is taken from
    # the folder the command starts in, made absolute when the settings are read.
    db: Path = field(default_factory=default_db)
    salt: str = ""  # for hashing user ids in logs; generated and kept next to the db if empty
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = ""  # how people reach the web chat (for links); default http://host:port
    stale_hours: float = 24.0  # a questionnaire older than this asks "continue or restart?"
    max_message_chars: int = 500
    log_retention_days: int = 180  # message-log rows older than this are purged
    session_retention_days: float = 7  # idle sessions (with unfinished questionnaire answers) are purged
    telegram_token: str = field(default="", repr=False)
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_mode: str = "polling"  # or "webhook"
    telegram_webhook_url: str = ""  # public https URL Telegram posts to (webhook mode)
    telegram_webhook_secret: str = field(default="", repr=False)
    admin_token: str = field(default="", repr=False)  # web staff log in with /admin <token>
    admin_telegram_ids: str = ""  # comma-separated Telegram user ids allowed /reload /stats /unanswered
    telegram_bot_username: str = ""  # the bot's @username (without @), for campaign links and QR codes
    reload_poll_seconds: float = 0.0  # > 0: also reload the YAML when it changes (checked this often)
    rate_limit_per_minute: int = 20  # messages a user may send per minute (burst as large); 0 = no limit
    # Addresses of the reverse proxies whose X-Forwarded-For is believed (comma-separated IPs, or
    # "*"): the client address is then the forwarded one, else the connection's own.
    trusted_proxies: str = "127.0.0.1,::1"
    max_connections: int = 1000  # open HTTP connections at once (kept below the file-descriptor limit)
    header_timeout_seconds: float = 10.0  # a request's line and headers must arrive within this
    body_timeout_seconds: float = 30.0  # and its body within this, once the headers are in
    # PostgreSQL instead of the SQLite file, for several bot processes sharing one database:
    # postgresql://user:password@host:5432/dbname (also given as POLICYBOT_DB=postgresql://…).
    database_url: str = field(default="", repr=False)
    db_pool_size: int = 10  # PostgreSQL connections per bot process

    @property
    def web_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


_SECRETS = {"salt", "telegram_token", "telegram_webhook_secret", "admin_token", "database_url"}
_URL_SCHEMES = ("postgresql://", "postgres://")


def load_settings(path: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read the YAML file (POLICYBOT_CONFIG or `path`, optional), then the environment."""
    env = dict(os.environ if env is None else env)
    values: dict[str, object] = {}
    config_path = path or (Path(env["POLICYBOT_CONFIG"]) if env.get("POLICYBOT_CONFIG") else None)
    if config_path is not None:
        try:
            data = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise ConfigError(f"config file {config_path}: {exc.strerror}") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"config file {config_path}: not valid YAML ({exc})") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"config file {config_path}: expected a mapping of settings")
        known = {f.name for f in fields(Settings)}
        for key, value in data.items():
            if key not in known:
                raise ConfigError(f"config file {config_path}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
            values[key] = value
    for f in fields(Settings):
        name = f"POLICYBOT_{f.name.upper()}"
        if name in env and env[name] != "":
            values[f.name] = env[name]
    db_value = values.get("db")
    if isinstance(db_value, str) and db_value.startswith(_URL_SCHEMES):
        # POLICYBOT_DB=postgresql://… chooses PostgreSQL (a URL is not a file path)
        values["database_url"] = values.pop("db")
    if "telegram_token" not in values and env.get("TELEGRAM_TOKEN"):
        values["telegram_token"] = env["TELEGRAM_TOKEN"]

    settings = Settings()
    for f in fields(Settings):
        if f.name not in values:
            continue
        raw = values[f.name]
        shown = "(hidden)" if f.name in _SECRETS else repr(raw)
        try:
            if f.type in ("int", int):
                value: object = int(raw)
            elif f.type in ("float", float):
                value = float(raw)
            elif f.type in ("Path", Path):
                value = Path(str(raw)).expanduser().absolute()
            else:
                value = str(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"setting {f.name} (POLICYBOT_{f.name.upper()}): {shown} is not a valid {f.type}") from None
        setattr(settings, f.name, value)
    _validate(settings)
    return settings


def _validate(s: Settings) -> None:
    if not 0 < s.port < 65536:
        raise ConfigError(f"setting port (POLICYBOT_PORT): {s.port} is not a TCP port (1-65535)")
    if s.session_retention_days <= 0 or s.log_retention_days <= 0:
        raise ConfigError("settings log_retention_days and session_retention_days must be positive")
    if s.stale_hours <= 0:
        raise ConfigError("setting stale_hours (POLICYBOT_STALE_HOURS) must be positive")
    if s.max_message_chars < 10:
        raise ConfigError("setting max_message_chars (POLICYBOT_MAX_MESSAGE_CHARS) must be at least 10")
    if s.telegram_mode not in ("polling", "webhook"):
        raise ConfigError(f"setting telegram_mode (POLICYBOT_TELEGRAM_MODE): {s.telegram_mode!r} is not polling or webhook")
    if s.telegram_token and s.telegram_mode == "webhook":
        if not s.telegram_webhook_url.startswith("https://"):
            raise ConfigError("setting telegram_webhook_url (POLICYBOT_TELEGRAM_WEBHOOK_URL) must be an https:// URL in webhook mode")
        if not s.telegram_webhook_secret:
            raise ConfigError("setting telegram_webhook_secret (POLICYBOT_TELEGRAM_WEBHOOK_SECRET) is required in webhook mode")
    if s.max_connections < 1:
        raise ConfigError("setting max_connections (POLICYBOT_MAX_CONNECTIONS) must be at least 1")
    if s.header_timeout_seconds <= 0 or s.body_timeout_seconds <= 0:
        raise ConfigError("settings header_timeout_seconds and body_timeout_seconds must be positive")
    if s.database_url and not s.database_url.startswith(_URL_SCHEMES):
        raise ConfigError("setting database_url (POLICYBOT_DATABASE_URL) must start with postgresql://")
    if s.db_pool_size < 1:
        raise ConfigError("setting db_pool_size (POLICYBOT_DB_POOL_SIZE) must be at least 1")
    if s.rate_limit_per_minute < 0:
        raise ConfigError("setting rate_limit_per_minute (POLICYBOT_RATE_LIMIT_PER_MINUTE) must be 0 (off) or more")
    _validate_staff(s)


def _validate_staff(s: Settings) -> None:
    if s.salt and len(s.salt) < MIN_SALT_CHARS:
        raise ConfigError(f"setting salt (POLICYBOT_SALT) must be at least {MIN_SALT_CHARS} characters "
                          "(openssl rand -hex 16)")
    if s.admin_token and len(s.admin_token) < 16:
        raise ConfigError("setting admin_token (POLICYBOT_ADMIN_TOKEN) must be at least 16 characters")
    ids = [i.strip() for i in s.admin_telegram_ids.split(",") if i.strip()]
    bad = [i for i in ids if not re.fullmatch(r"\d{1,20}", i)]
    if bad:
        raise ConfigError(f"setting admin_telegram_ids (POLICYBOT_ADMIN_TELEGRAM_IDS): {', '.join(map(repr, bad))} "
                          "is not a numeric Telegram user id")
    if s.telegram_bot_username and not re.fullmatch(r"@?[A-Za-z][A-Za-z0-9_]{3,31}", s.telegram_bot_username):
        raise ConfigError(f"setting telegram_bot_username (POLICYBOT_TELEGRAM_BOT_USERNAME): "
                          f"{s.telegram_bot_username!r} is not a Telegram username")
    if s.reload_poll_seconds < 0 or 0 < s.reload_poll_seconds < 1:
        raise ConfigError("setting reload_poll_seconds (POLICYBOT_RELOAD_POLL_SECONDS): use 0 (off) or at least 1")


MIN_SALT_CHARS = 16  # the generated salt has 32 hex digits; `openssl rand -hex 16` gives 32 too


def salt_file(settings: Settings) -> Path:
    """Where a generated salt is kept: next to the database."""
    return settings.db.parent / "salt"


def read_salt_file(path: Path) -> str | None:
    """The salt kept in `path`, None when there is no such file. Raises ConfigError when the
    file is empty or shorter than MIN_SALT_CHARS: hashing ids with an empty key would make
    them reversible (a Telegram id is a number: try them all), and a new salt would orphan
    every stored session, so only a person can decide what to do."""
    try:
        value = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"salt file {path}: cannot be read ({exc.strerror})") from None
    if len(value) < MIN_SALT_CHARS:
        state = "empty" if not value else f"only {len(value)} characters"
        raise ConfigError(
            f"salt file {path} is {state} (at least {MIN_SALT_CHARS} needed; a first start on a full disk "
            "leaves it so): restore it from the backup (policybot-*.salt); if the database has no data yet, "
            "delete the file and start again to generate a new one")
    return value


def ensure_salt(settings: Settings) -> str:
    """The salt for hashing user ids: the configured one, else the one kept in a file next to
    the database, generated on the first start (so hashes stay stable across restarts).

    Raises ConfigError for an empty or short salt file (see `read_salt_file`), and OSError
    (naming the file) when a new salt cannot be written whole: it is written to a temporary
    file, fsynced, linked into place (never over an existing salt) and the directory fsynced,
    so a crash or a full disk leaves either no salt file or a complete one."""
    if settings.salt:
        return settings.salt
    path = salt_file(settings)
    existing = read_salt_file(path)
    if existing is not None:
        return existing
    if settings.database_url:
        # Every process sharing the database must hash ids with the same salt: one generated
        # here would differ from machine to machine, and people would lose their sessions.
        raise ConfigError("setting salt (POLICYBOT_SALT) is required with PostgreSQL (database_url): "
                          "the same value for every bot process (openssl rand -hex 16)")
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(16)
    try:
        write_new_file(path, value.encode("ascii"))
    except FileExistsError:  # another process wrote it first: use theirs
        existing = read_salt_file(path)
        if existing is not None:
            return existing
        raise
    except OSError as exc:
        raise OSError(exc.errno, f"cannot write the salt file {path}: {exc.strerror or exc}") from exc
    return value


def write_new_file(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Create `path` with `data`, durably and all at once: FileExistsError if it exists, and
    after any failure (disk full, a crash) either no file or the whole file."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(tmp, path)  # atomic, and never replaces an existing file
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make a new directory entry durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
