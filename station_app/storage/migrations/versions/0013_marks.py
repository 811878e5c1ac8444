"""Inspectors' marks: where they pointed on the image, for decisions and TIP responses.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Placeholder: filled in by the marks work.
    return None


def downgrade() -> None:
    return None
