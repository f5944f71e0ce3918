"""URL converters shared by the apps."""


class IdConverter:
    """A database id: up to 18 digits, so it always fits a 64-bit integer (no overflow on SQLite)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
