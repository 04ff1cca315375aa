"""`policybot import`: bring a received .txt document into the knowledge base as YAML.

Adding a policy document is a data change: the .txt is copied next to the YAML, parsed into
clauses, and written as `<id>.yaml` for staff to read and correct. The bot then answers from
every document in the folder.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from knowledge.documents import Document, document_to_yaml
from knowledge.parser import parse_document

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")


class ImportError_(ValueError):
    """A document that cannot be imported; the message says why, for the person running it."""


def derive_id(path: Path) -> str:
    stem = path.stem.lower()
    return re.sub(r"[^a-z0-9-]+", "-", stem).strip("-")


def import_document(
    txt_path: Path, documents_dir: Path, document_id: str | None = None, *, overwrite: bool = False
) -> tuple[Document, Path]:
    """Parse `txt_path`, copy it into `documents_dir` and write `<id>.yaml` beside it."""
    doc_id = document_id or derive_id(txt_path)
    if not _ID.match(doc_id):
        raise ImportError_(f"document id {doc_id!r}: use lower-case letters, digits and '-' (e.g. gs-2018-78)")
    try:
        text = txt_path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportError_(f"{txt_path}: not UTF-8 text ({exc.reason}); convert it first (e.g. iconv -f GBK -t UTF-8)") from exc
    except OSError as exc:
        raise ImportError_(f"{txt_path}: {exc.strerror}") from exc
    doc = parse_document(text, doc_id, source=f"{doc_id}.txt")
    if len(doc.clauses) < 2:
        raise ImportError_(f"{txt_path}: found no numbered sections (一、…); is this a policy document?")
    documents_dir.mkdir(parents=True, exist_ok=True)
    yaml_path = documents_dir / f"{doc_id}.yaml"
    if yaml_path.exists() and not overwrite:
        raise ImportError_(f"{yaml_path} exists; pass --overwrite to replace it (staff corrections would be lost)")
    target_txt = documents_dir / f"{doc_id}.txt"
    if txt_path.resolve() != target_txt.resolve():
        shutil.copyfile(txt_path, target_txt)
    yaml_path.write_text(document_to_yaml(doc), encoding="utf-8")
    return doc, yaml_path
