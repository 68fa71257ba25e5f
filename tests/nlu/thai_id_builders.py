"""Builders for valid test identifiers (never real people's numbers)."""


def citizen_id(first_twelve: str) -> str:
    """Append the Thai national-id check digit to twelve digits."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first_twelve))
    return first_twelve + str((11 - total % 11) % 10)


def bad_citizen_id(first_twelve: str) -> str:
    """Thirteen digits whose check digit is wrong."""
    good = citizen_id(first_twelve)
    return good[:12] + str((int(good[12]) + 1) % 10)


THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def to_thai_digits(text: str) -> str:
    """Write the ASCII digits of ``text`` in Thai numerals."""
    return text.translate(THAI_DIGITS)
