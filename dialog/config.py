"""Settings in one place: a YAML file (optional) overridden by environment variables.

Every setting has a YAML key and an environment variable (`POLICYBOT_` + the key in upper
case, e.g. `port` -> `POLICYBOT_PORT`). A malformed value stops start-up with a message that
names the setting; secrets (tokens, salt) are never printed.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it."""


@dataclass
class Settings:
    db: Path = Path("var/policybot.sqlite3")  # the one SQLite file (sessions, log)
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

    @property
    def web_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


_SECRETS = {"salt", "telegram_token", "telegram_webhook_secret", "admin_token"}


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
                value = Path(str(raw))
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
    if s.rate_limit_per_minute < 0:
        raise ConfigError("setting rate_limit_per_minute (POLICYBOT_RATE_LIMIT_PER_MINUTE) must be 0 (off) or more")
    _validate_staff(s)


def _validate_staff(s: Settings) -> None:
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


def ensure_salt(settings: Settings) -> str:
    """The salt for hashing user ids: the configured one, else one generated once and kept
    in a file next to the database (so hashes stay stable across restarts)."""
    if settings.salt:
        return settings.salt
    salt_file = settings.db.parent / "salt"
    try:
        return salt_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    salt_file.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(16)
    fd = os.open(salt_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value
