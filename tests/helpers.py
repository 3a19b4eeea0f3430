"""Shared test constants and helpers (importable: pytest puts tests/ on sys.path)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED_IDS = [
    "000_ca4e617775ace81b",
    "001_1c4d081f4f470003",
    "002_43576777d5a8cf2f",
    "003_ed39d894751b7a98",
    "004_866eeb82b2cb32e1",
]
# Words that only the page chrome of the seeds contains (menus, footers, "Most Viewed" lists).
CHROME_WORDS = ["Pakistan", "Qatar", "Donate", "Blackbaud", "Skip", "WhatsApp", "Deported", "Amazonians",
                "Salvadorans", "LGBT", "newsletter", "subscribing", "Safeguarding", "Revisions", "Reply"]


def seed_text(doc_id: str) -> str:
    return (REPO / "seeds" / f"{doc_id}.txt").read_text(encoding="utf-8")
