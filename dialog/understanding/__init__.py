"""Understanding what residents type: every message read in the context of the conversation.

One entry point, `Reader.read(text, Conversation) -> Understanding`, before anything else
happens; the engine's flows act on its `kind` (navigation, answer, side question, follow-up,
question, several questions, small talk, non-question …) and never re-read the text.
The words it reads with are staff YAML (dialog/data/understanding.yaml, `vocabulary`); the
answers to questionnaire questions are read by eligibility.parse_answer (yes/no and choices
by meaning, numbers and years as people write them).
"""

from dialog.understanding.facts import facts_from_text
from dialog.understanding.reader import KINDS, Conversation, Reader, Understanding
from dialog.understanding.vocabulary import (
    InvalidVocabulary,
    Vocabulary,
    check_vocabulary,
    default_vocabulary_file,
    load_vocabulary,
)

__all__ = ["KINDS", "Conversation", "InvalidVocabulary", "Reader", "Understanding", "Vocabulary",
           "check_vocabulary", "default_vocabulary_file", "facts_from_text", "load_vocabulary"]
