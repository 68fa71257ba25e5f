import datetime as dt

from nlu.thai_date import thai_date


def test_buddhist_era_and_thai_month() -> None:
    assert thai_date(dt.date(2026, 12, 5)) == "5 ธ.ค. 2569"
    assert thai_date(dt.date(2027, 1, 31)) == "31 ม.ค. 2570"
