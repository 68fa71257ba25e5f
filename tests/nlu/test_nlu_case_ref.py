"""nlu.case_ref: building, parsing and judging case references."""

import itertools

import pytest

from nlu.case_ref import CaseRef, check_case_ref, damm_check_digit, make_case_ref, parse_case_ref


def test_damm_reference_values() -> None:
    # The published example: 572 -> check digit 4, and a valid string checks to 0.
    assert damm_check_digit("572") == 4
    assert damm_check_digit("5724") == 0


def test_make_has_canonical_shape() -> None:
    ref = make_case_ref("CM", 2569, 1234567)
    assert ref == "CM69-1234-5675"
    assert make_case_ref("ap", 2570, 0).startswith("AP70-0000-000")


@pytest.mark.parametrize(
    ("kind", "year", "serial"), [("XX", 2569, 1), ("CM", 69, 1), ("CM", 2569, -1), ("AP", 2569, 10_000_000)]
)
def test_make_rejects_bad_arguments(kind: str, year: int, serial: int) -> None:
    with pytest.raises(ValueError):
        make_case_ref(kind, year, serial)


def test_parse_round_trip() -> None:
    ref = make_case_ref("AP", 2569, 42)
    assert parse_case_ref(ref) == CaseRef(kind="AP", year=2569, serial=42, canonical=ref)


@pytest.mark.parametrize(
    "typed",
    [
        "cm69-1234-5675",
        "CM6912345675",
        "cm 69 1234 5675",
        "CM69.1234.5675",
        "Cm๖๙-๑๒๓๔-๕๖๗๕",
        " CM69\u200b-1234-5675 ",
    ],
)
def test_parse_accepts_citizen_spellings(typed: str) -> None:
    parsed = parse_case_ref(typed)
    assert parsed is not None
    assert parsed.canonical == "CM69-1234-5675"
    assert check_case_ref(typed) == "valid"


def test_every_single_digit_typo_is_caught() -> None:
    digits = "6912345675"
    for position, wrong in itertools.product(range(10), "0123456789"):
        if digits[position] == wrong:
            continue
        typo = digits[:position] + wrong + digits[position + 1 :]
        assert check_case_ref("CM" + typo) == "bad_check", typo
        assert parse_case_ref("CM" + typo) is None


def test_every_adjacent_swap_is_caught() -> None:
    digits = "6912345675"
    for i in range(9):
        if digits[i] == digits[i + 1]:
            continue
        swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        assert check_case_ref("CM" + swapped) == "bad_check"


@pytest.mark.parametrize(
    "typed",
    ["", "hello", "CM69-1234-567", "CM69-1234-56755", "XY69-1234-5675", "6912345675", "😀", "CM69-12a4-5675"],
)
def test_not_a_reference(typed: str) -> None:
    assert check_case_ref(typed) == "not_a_reference"
    assert parse_case_ref(typed) is None
