"""Rank keys for card order: base-36 fractions written without the leading "0." and without
trailing zeros ("i" is 0.5, "9" is 0.25). Between any two keys there is always another, so a
moved card takes a key between its new neighbours and no other card is renumbered.
Compared byte by byte (the column uses the "C" collation), as Python compares str."""

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
MAX_LENGTH = 1000  # the column holds 1024; past this the column is spaced out again


def _check(key: str) -> None:
    if key and (key[-1] == "0" or any(char not in DIGITS for char in key)):
        raise ValueError(f"Invalid rank key {key!r}")


def between(before: str | None, after: str | None) -> str:
    """A key strictly between `before` and `after` (None: the start or the end)."""
    low = before or ""
    _check(low)
    if after is not None:
        _check(after)
        if after <= low:
            raise ValueError(f"Rank {after!r} is not after {low!r}")
    return _midpoint(low, after)


def _midpoint(low: str, high: str | None) -> str:
    if high is not None:
        # Keep the common prefix (low padded with zeros) and recurse on the rest.
        n = 0
        while n < len(high) and (low[n] if n < len(low) else "0") == high[n]:
            n += 1
        if n > 0:
            return high[:n] + _midpoint(low[n:], high[n:])
    digit_low = DIGITS.index(low[0]) if low else 0
    digit_high = DIGITS.index(high[0]) if high else len(DIGITS)
    if digit_high - digit_low > 1:
        return DIGITS[(digit_low + digit_high + 1) // 2]
    # Adjacent first digits: the key starts with the lower digit and goes on after low's rest.
    if high is not None and len(high) > 1:
        return high[0]
    return DIGITS[digit_low] + _midpoint(low[1:], None)


def spread(count: int) -> list[str]:
    """`count` evenly spaced short keys, in order (for spacing out a whole column)."""
    width = 1
    while len(DIGITS) ** width <= count + 1:
        width += 1
    step = len(DIGITS) ** width // (count + 1)
    keys = []
    for index in range(1, count + 1):
        value, digits = step * index, []
        for _ in range(width):
            value, rest = divmod(value, len(DIGITS))
            digits.append(DIGITS[rest])
        keys.append("".join(reversed(digits)).rstrip("0"))
    return keys
