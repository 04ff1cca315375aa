"""What flows between a channel and the conversation engine.

The engine never knows which channel it talks to: a channel turns its own update (a Telegram
message, a web POST, a WeChat XML body, a terminal line) into an `Incoming`, calls
`Engine.handle`, and renders the `Reply` list its own way (inline keyboards, HTML bubbles,
numbered options for text-only channels).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Telegram's callback_data limit; every channel keeps button actions within it.
MAX_ACTION_BYTES = 64

KINDS = ("text", "button", "sticker", "photo", "voice", "video", "file", "location", "other")

# What a reply is, when a channel must treat it specially (set by the engine, never guessed
# from the wording, which staff may change): the privacy notice (the web page shows it as one
# line with 全文) and the confirmation that the person's data was deleted (the page then drops
# its own copy of the conversation and its id).
ROLE_NOTICE = "notice"
ROLE_FORGOTTEN = "forgotten"
ROLES = (ROLE_NOTICE, ROLE_FORGOTTEN)


@dataclass(frozen=True)
class Button:
    label: str  # what the user sees and taps
    action: str  # opaque to channels; at most MAX_ACTION_BYTES bytes of UTF-8

    def __post_init__(self) -> None:
        if len(self.action.encode("utf-8")) > MAX_ACTION_BYTES:
            raise ValueError(f"button action longer than {MAX_ACTION_BYTES} bytes: {self.action!r}")


@dataclass(frozen=True)
class Reply:
    text: str  # plain text; channels escape it for HTML
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of buttons
    link: str | None = None  # an optional URL shown with the text
    # The reply asks for a typed number (age, headcount…): text-only channels must not number
    # the buttons then, or "4" would be ambiguous between the answer 4 and the 4th button.
    number_input: bool = False
    # One of ROLES, or None for an ordinary reply. Not part of `to_json`: each channel decides
    # how a role shows (web: "role": "notice" on the reply, "forgotten": true on the response).
    role: str | None = None

    def __post_init__(self) -> None:
        if self.role is not None and self.role not in ROLES:
            raise ValueError(f"unknown reply role {self.role!r} (one of {ROLES})")

    def all_buttons(self) -> list[Button]:
        return [b for row in self.buttons for b in row]

    def to_json(self) -> dict:
        out: dict = {"text": self.text}
        if self.buttons:
            out["buttons"] = [[{"label": b.label, "action": b.action} for b in row] for row in self.buttons]
        if self.link:
            out["link"] = self.link
        return out


@dataclass(frozen=True)
class Incoming:
    """One thing a user did: typed text, pressed a button, or sent something else.

    `user` is the channel's own id for the person ("123456" on Telegram, a random id kept in the
    web page's storage, an OpenID on WeChat); the engine stores it only hashed in logs, and
    keys sessions by (channel, user) so that the channels never mix.
    """

    channel: str  # "telegram", "web", "wechat", "terminal"
    user: str
    text: str = ""
    action: str | None = None  # a Button.action when a button was pressed
    kind: str = "text"  # one of KINDS: stickers, photos … get a polite text answer
    campaign: str | None = None  # from a deep link (/start NAME, ?c=NAME, qrscene_NAME)
    extra: dict = field(default_factory=dict, compare=False)
