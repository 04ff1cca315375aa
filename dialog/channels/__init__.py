"""Channels: the ways a resident or a member of staff reaches the bot.

A channel does three things and nothing else:

1. turns its own update (a web `POST /api/chat` body, a Telegram `Update`, a WeChat XML
   callback, a line typed at the terminal) into a `dialog.messages.Incoming`, its text first
   passed through `dialog.normalize.clean_text` (no zero-width or control characters; NFKC is
   left to the understanding step);
2. calls `Engine.handle(incoming)` and gets back a `list[Reply]`;
3. renders those `Reply`s in its own form (JSON with buttons, inline keyboards, a passive XML
   reply with numbered options, printed text).

The engine never knows which channel it is talking to beyond the `Incoming.channel` name; what
is channel-specific (signatures, encryption, rate limits, message size limits) stays here.

Modules:
- `web`: the web chat page and `POST /api/chat` (Starlette), with `static/` for the page;
- `telegram`: the Telegram bot (long polling or webhook), python-telegram-bot 22;
- `wechat`: the WeChat Official Account (公众号) message callback, plain and safe (AES) mode;
- `terminal`: `policybot chat` for staff, interactive or one JSON line per message;
- `render`: replies as plain text with numbered options, for the text-only channels.
"""
