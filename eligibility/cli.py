"""Command-line commands of the eligibility engine (`policybot programs`, `policybot assess`)."""

from __future__ import annotations

import argparse


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register the eligibility commands; each sets `func(args) -> int`."""
