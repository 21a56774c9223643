"""Deterministic text vectors that put paraphrases near each other, for offline tests.

A real embedding model knows that "get my money back" and "refund" mean the same thing.
This stand-in knows it from a small, fixed lexicon of synonym groups (`CONCEPTS`), so what
it finds is predictable and explainable:

1. The text is split into words, lower-cased; common function words are dropped.
2. Each word is stemmed by a few suffix rules ("refunds", "refunded" -> "refund").
3. Each stem adds a feature of its own (weight 1); a stem or phrase found in a concept
   group adds that concept's feature too (weight 2), shared by all its synonyms.
4. Features are hashed (BLAKE2b) into ``dimensions`` slots with a sign, and the vector is
   normalised to length 1.

So texts sharing words are close, texts sharing concepts are close even with no word in
common, and unrelated texts are near orthogonal. Nothing is random: the same text always
gets the same vector, in every process.
"""

from __future__ import annotations

import hashlib
import math
import re
from functools import lru_cache

__all__ = ["CONCEPTS", "concept_vector", "stem"]

CONCEPTS: dict[str, tuple[str, ...]] = {
    "refund": ("refund", "reimburse", "money back", "repay", "chargeback", "compensate"),
    "cancel": ("cancel", "terminate", "end subscription", "stop subscription", "unsubscribe"),
    "buy": ("buy", "purchase", "order", "acquire", "checkout"),
    "sell": ("sell", "resell", "vendor", "merchant"),
    "price": ("price", "cost", "fee", "charge", "tariff", "expensive", "cheap", "pricing"),
    "pay": ("pay", "payment", "invoice", "bill", "billing"),
    "ship": ("ship", "deliver", "shipping", "courier", "dispatch", "parcel", "package"),
    "time": ("day", "week", "hour", "minute", "month", "how long", "duration", "deadline"),
    "fast": ("fast", "quick", "rapid", "speed", "express", "swift", "latency", "slow"),
    "big": ("big", "large", "huge", "size", "maximum", "limit", "capacity", "small"),
    "start": ("start", "begin", "launch", "commence", "kick off", "initialize", "boot"),
    "stop": ("stop", "halt", "shut down", "pause", "terminate", "kill"),
    "error": ("error", "fault", "failure", "bug", "crash", "exception", "broken", "defect"),
    "fix": ("fix", "repair", "resolve", "troubleshoot", "workaround", "patch", "mend"),
    "install": ("install", "setup", "set up", "deploy", "configure", "provision"),
    "remove": ("remove", "delete", "erase", "uninstall", "purge", "wipe"),
    "password": ("password", "passphrase", "credential", "login", "log in", "sign in"),
    "account": ("account", "profile", "user", "member", "customer"),
    "secure": ("secure", "security", "encrypt", "protect", "safety", "privacy", "safe"),
    "data": ("data", "record", "information", "dataset", "file", "document"),
    "backup": ("backup", "back up", "snapshot", "restore", "recover", "copy"),
    "memory": ("memory", "ram", "heap", "allocation"),
    "storage": ("storage", "disk", "drive", "space", "volume"),
    "network": ("network", "internet", "connection", "connectivity", "wifi", "online"),
    "server": ("server", "host", "machine", "node", "instance"),
    "employee": ("employee", "staff", "worker", "personnel", "colleague", "team member"),
    "vacation": ("vacation", "holiday", "leave", "time off", "pto", "annual leave"),
    "salary": ("salary", "wage", "pay rise", "compensation", "earnings", "payroll"),
    "hire": ("hire", "recruit", "onboard", "employ", "job offer"),
    "manager": ("manager", "supervisor", "boss", "lead", "head"),
    "meeting": ("meeting", "call", "conference", "sync", "standup", "appointment"),
    "travel": ("travel", "trip", "journey", "flight", "fly", "airline"),
    "hotel": ("hotel", "accommodation", "lodging", "room", "stay"),
    "car": ("car", "automobile", "vehicle", "auto", "drive"),
    "food": ("food", "meal", "eat", "dish", "cuisine", "lunch", "dinner", "breakfast"),
    "cook": ("cook", "bake", "roast", "recipe", "oven", "boil", "fry"),
    "drink": ("drink", "beverage", "coffee", "tea", "water"),
    "doctor": ("doctor", "physician", "clinician", "medic", "gp"),
    "sick": ("sick", "ill", "illness", "disease", "symptom", "fever", "unwell"),
    "medicine": ("medicine", "medication", "drug", "dose", "dosage", "pill", "tablet"),
    "exercise": ("exercise", "workout", "training", "fitness", "run", "jog"),
    "sleep": ("sleep", "rest", "nap", "insomnia", "bedtime"),
    "plant": ("plant", "garden", "seed", "grow", "soil", "water plant"),
    "animal": ("animal", "pet", "dog", "cat", "puppy", "kitten"),
    "weather": ("weather", "rain", "snow", "temperature", "climate", "forecast", "storm"),
    "energy": ("energy", "power", "electricity", "battery", "charge", "solar"),
    "house": ("house", "home", "apartment", "flat", "residence", "dwelling"),
    "rent": ("rent", "lease", "tenant", "landlord", "tenancy"),
    "law": ("law", "legal", "regulation", "rule", "policy", "compliance", "statute"),
    "contract": ("contract", "agreement", "terms", "clause"),
    "warranty": ("warranty", "guarantee", "coverage"),
    "complain": ("complain", "complaint", "dissatisfied", "unhappy", "grievance"),
    "help": ("help", "support", "assist", "assistance", "helpdesk"),
    "contact": ("contact", "reach", "email", "phone", "call us", "get in touch"),
    "learn": ("learn", "study", "course", "lesson", "tutorial", "training", "teach"),
    "exam": ("exam", "test", "assessment", "quiz", "grade"),
    "write": ("write", "author", "compose", "draft", "essay"),
    "read": ("read", "parse", "load", "open"),
    "language": ("language", "english", "french", "translate", "translation"),
    "number": ("number", "count", "quantity", "amount", "total", "how many"),
    "increase": ("increase", "raise", "grow", "growth", "rise", "boost", "more"),
    "decrease": ("decrease", "reduce", "cut", "lower", "decline", "drop", "less"),
    "profit": ("profit", "revenue", "income", "earnings", "sales", "margin"),
    "loss": ("loss", "deficit", "debt", "expense", "spending"),
    "company": ("company", "business", "firm", "organisation", "organization", "enterprise"),
    "product": ("product", "item", "goods", "merchandise", "article"),
    "quality": ("quality", "standard", "grade", "defect free"),
    "new": ("new", "latest", "recent", "modern", "fresh", "release"),
    "old": ("old", "legacy", "previous", "deprecated", "outdated", "former"),
    "rule": ("rule", "requirement", "must", "mandatory", "required", "allowed", "permit"),
    "age": ("age", "old", "year old", "minor", "adult", "child", "kid"),
    "location": ("location", "address", "where", "place", "city", "office", "site"),
    "schedule": ("schedule", "calendar", "timetable", "plan", "hours", "open"),
    "weekend": ("weekend", "saturday", "sunday"),
    "mountain": ("mountain", "peak", "summit", "hill", "climb", "hike", "trail"),
    "sea": ("sea", "ocean", "beach", "coast", "shore", "wave", "tide"),
    "planet": ("planet", "earth", "mars", "orbit", "solar system", "moon", "star"),
    "music": ("music", "song", "melody", "guitar", "piano", "instrument", "band"),
    "colour": ("colour", "color", "red", "blue", "green", "paint"),
    "search": ("search", "find", "look up", "query", "retrieve", "lookup"),
    "speed_up": ("cache", "caching", "optimize", "optimise", "performance", "faster"),
    "test_code": ("unit test", "pytest", "assert", "test suite"),
    "function": ("function", "method", "procedure", "routine", "def"),
}

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)
_SUFFIXES = (
    *("ational", "ation", "ities", "ement", "ment", "ness", "ions", "ion", "ies"),
    *("ing", "ers", "er", "ed", "ly", "es", "s", "e", "y"),
)
_CONCEPT_WEIGHT = 2.0


def stem(word: str) -> str:
    """``word`` without its inflection, by a few suffix rules applied until none fits."""
    for _ in range(3):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
                if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
                    word = word[:-1]
                break
        else:
            return word
    return word


def _stems(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(text.lower()) if word not in _STOPWORDS]


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[tuple[str, ...], set[str]], int]:
    """Stemmed phrases (as tuples) -> the concepts they belong to; and the longest phrase."""
    phrases: dict[tuple[str, ...], set[str]] = {}
    for concept, members in CONCEPTS.items():
        for member in members:
            key = tuple(_stems(member)) or tuple(member.split())
            phrases.setdefault(key, set()).add(concept)
    return phrases, max(len(key) for key in phrases)


def _features(text: str) -> dict[str, float]:
    stems = _stems(text)
    phrases, longest = _lexicon()
    features: dict[str, float] = {}
    for position, word in enumerate(stems):
        features[f"w:{word}"] = features.get(f"w:{word}", 0.0) + 1.0
        for length in range(1, longest + 1):
            for concept in phrases.get(tuple(stems[position : position + length]), ()):
                key = f"c:{concept}"
                features[key] = features.get(key, 0.0) + _CONCEPT_WEIGHT
    return features


def _slot(feature: str, dimensions: int) -> tuple[int, float]:
    digest = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")
    return digest % dimensions, 1.0 if digest >> 63 else -1.0


def concept_vector(text: str, dimensions: int = 256) -> list[float]:
    """The unit vector of ``text`` (all zeros but one slot for a text with no words)."""
    vector = [0.0] * dimensions
    for feature, weight in _features(text).items():
        slot, sign = _slot(feature, dimensions)
        # Square-root damping: a word repeated ten times should not drown the rest.
        vector[slot] += sign * math.sqrt(weight)
    norm = math.sqrt(sum(value * value for value in vector))
    if norm == 0.0:
        vector[0] = 1.0
        return vector
    return [value / norm for value in vector]
