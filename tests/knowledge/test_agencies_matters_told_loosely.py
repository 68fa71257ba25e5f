"""Issue 10, dev16: matters of another agency told in words the directory's phrases did not reach - a
thing and what befell it with words between ("ไปรษณีย์ … หาย", "ประกันรถ … ไม่ยอมจ่าย"), being cheated
said before the goods not arriving (the police's fraud centre, not the consumer board), counterfeit
goods, money taken from an account, a neighbour beating his wife, and adults finishing school (the
Department of Learning Encouragement, formerly กศน.). Wordings differ from the set's."""

from __future__ import annotations

import pytest

from knowledge.agencies import AgencyDirectory

DIRECTORY = AgencyDirectory.load()


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("สั่งของในไลน์แล้วโดนโกงซื้อของ ไม่ได้ของเลย", "aoc1441"),
        ("จ่ายเงินแล้วร้านไม่ส่งของ", "ocpb"),  # no cheating said: the consumer board, as before
        ("สั่งน้ำหอมมาได้ของปลอม", "ocpb"),
        ("เงินในบัญชีหายไปเฉยๆ สองพัน", "bot"),
        # a link clicked first: phishing, the fraud centre (dev13 w13k-web-10 had got the bank's)
        ("ได้ SMS ให้กดลิงก์ กดไปแล้วเงินในบัญชีหายหมด", "aoc1441"),
        ("ธนาคารโดนหักเงินไม่รู้ตัว", "bot"),
        ("ได้ยินบ้านตรงข้ามตีภรรยาทุกวัน", "osc1300"),
        ("ส่งของทางไปรษณีย์แล้วหายไปไหนไม่รู้", "thailand_post"),
        ("ประกันภัยรถชั้นหนึ่งไม่ยอมจ่ายค่าซ่อม", "oic"),
        ("อยากไปเรียน กศน. ให้ได้วุฒิ", "dole"),
        ("แม่อายุ 50 อยากเรียนให้จบ ม.3", "dole"),
    ],
)
def test_the_matter_goes_to_its_agency(text: str, agency: str) -> None:
    referral = DIRECTORY.refer(text)
    assert referral is not None and referral.agency.id == agency, referral


def test_insurance_words_of_the_social_security_are_not_the_insurers() -> None:
    referral = DIRECTORY.refer("ประกันสังคมไม่จ่ายเงินว่างงาน")
    assert referral is None or referral.agency.id != "oic"
