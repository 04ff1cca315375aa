"""The engine's flows, one module each: what to do once the understanding step has said what a
message means.

- `questions`: free questions, follow-ups, several questions at once, bare topic words and the
  helping hand for what is not a question;
- `questionnaire`: a program's questionnaire and the policy finder, step by step, to a result;
- `menu`: the main menu, the policy list, one clause, the original text, contacts;
- `commands`: slash commands (/start, /help, /cancel, /forget) and the staff commands.

Each flow is a mixin of `dialog.engine.Engine`: it uses the engine's shared parts (`t` for the
fixed texts, `answerer`, `today`, `clock`, `store`, `settings`) and returns a `Turn`.
"""
