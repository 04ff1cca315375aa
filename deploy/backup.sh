#!/bin/sh
# Online backup of the policybot SQLite database, keeping KEEP_DAYS days of backups.
#
#   backup.sh [DB] [DEST_DIR] [KEEP_DAYS]
#     DB        default $POLICYBOT_DB, else /var/lib/policybot/policybot.sqlite3
#     DEST_DIR  default $POLICYBOT_BACKUP_DIR, else /var/backups/policybot
#     KEEP_DAYS default $POLICYBOT_BACKUP_KEEP_DAYS, else 14
#
# Run it from cron or policybot-backup.timer, as the user that runs the bot (the database's
# WAL index must be writable to read it). In Docker: `docker compose exec -T policybot
# policybot-backup /data/policybot.sqlite3 /backups 14` (the image has it as policybot-backup).
#
# Why this way:
# - `VACUUM INTO` writes a consistent, compacted copy from one read transaction: in WAL mode it
#   never blocks the bot's writes and, unlike the page-by-page backup API, never restarts when
#   the bot writes meanwhile. Needs SQLite >= 3.27 (Debian 11+ and Python 3.11 have it).
# - The copy is checked (`PRAGMA integrity_check`) before it counts, compressed, and renamed
#   into place only when complete, so a half-written file is never mistaken for a backup.
# - The `salt` file next to the database goes along: without it, restored sessions cannot be
#   matched to the people they belong to (user ids are stored only as salted hashes).
# - Old backups are pruned only after a successful one, so a broken backup job never deletes
#   the last good copy. Exit status is non-zero on any failure (systemd marks the unit failed).
set -eu

DB=${1:-${POLICYBOT_DB:-/var/lib/policybot/policybot.sqlite3}}
DEST=${2:-${POLICYBOT_BACKUP_DIR:-/var/backups/policybot}}
KEEP_DAYS=${3:-${POLICYBOT_BACKUP_KEEP_DAYS:-14}}

log() { printf '%s backup: %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*"; }
fail() { log "FAILED: $*" >&2; exit 1; }

case $KEEP_DAYS in ''|*[!0-9]*) fail "KEEP_DAYS must be a whole number of days, got '$KEEP_DAYS'";; esac
[ -f "$DB" ] || fail "no database file at $DB"
[ -r "$DB" ] || fail "cannot read $DB (run as the bot's user)"

umask 077
mkdir -p "$DEST" || fail "cannot create $DEST"

stamp=$(date '+%Y%m%d-%H%M%S')
[ -e "$DEST/policybot-$stamp.sqlite3.gz" ] && stamp="$stamp-$$"  # two runs in one second
name="policybot-$stamp.sqlite3"
partial="$DEST/.$name.partial"
trap 'rm -f "$partial" "$partial.gz"' EXIT INT TERM

# One tool or the other: the sqlite3 shell if installed, else Python's sqlite3 module.
sql() {  # sql DATABASE STATEMENT -> prints the first column of the first row, if any
  if command -v sqlite3 >/dev/null 2>&1; then
    sqlite3 -batch -bail -cmd '.timeout 30000' "$1" "$2"
  else
    python3 - "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
row = db.execute(sys.argv[2]).fetchone()
if row is not None:
    print(row[0])
PY
  fi
}

# Single quotes inside the path are doubled for the SQL string literal.
target=$(printf '%s' "$partial" | sed "s/'/''/g")
sql "$DB" "VACUUM INTO '$target'" >/dev/null || fail "VACUUM INTO failed for $DB"
check=$(sql "$partial" "PRAGMA integrity_check") || fail "cannot open the copy $partial"
[ "$check" = "ok" ] || fail "integrity_check of the copy says: $check"

gzip -9 "$partial" || fail "gzip failed"
mv "$partial.gz" "$DEST/$name.gz" || fail "cannot move the backup into place"

salt="$(dirname "$DB")/salt"
if [ -f "$salt" ]; then
  cp -p "$salt" "$DEST/policybot-$stamp.salt" || fail "cannot copy $salt"
fi

size=$(wc -c < "$DEST/$name.gz" | tr -d ' ')
log "ok: $DEST/$name.gz ($size bytes)"

# Prune: files older than KEEP_DAYS days (by modification time), never the one just written.
find "$DEST" -maxdepth 1 -type f \( -name 'policybot-*.sqlite3.gz' -o -name 'policybot-*.salt' \) \
  -mtime +"$KEEP_DAYS" ! -name "$name.gz" ! -name "policybot-$stamp.salt" -print -delete \
  | while read -r old; do log "pruned $old"; done
