"""Duration strings of the spec ("10 seconds", "1 minute", "2 hours")."""

from __future__ import annotations

import re

# Same text as the JSON Schema's duration pattern (spec.py recognises it in errors).
DURATION_REGEX = "^[1-9][0-9]* (second|minute|hour|day)s?$"
DURATION_PATTERN = re.compile(r"^([1-9][0-9]*) (second|minute|hour|day)s?$")
_UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def is_duration(text: object) -> bool:
    return isinstance(text, str) and DURATION_PATTERN.match(text) is not None


def to_seconds(text: str) -> int:
    match = DURATION_PATTERN.match(text)
    if match is None:
        raise ValueError(f"not a duration: {text!r}; allowed: '<n> second|minute|hour|day[s]'")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def to_spark_interval(text: str) -> str:
    """Spark's window()/withWatermark accept the same text; normalise to seconds for safety."""
    return f"{to_seconds(text)} seconds"


def to_iso8601(seconds: int) -> str:
    """ISO-8601 duration (eventhubs-spark timeouts are parsed with java.time.Duration)."""
    return f"PT{seconds}S"
