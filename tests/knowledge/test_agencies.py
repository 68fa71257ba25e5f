"""The agency directory: out-of-scope questions go to the right agency; records' agencies are found."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.agencies import AgencyDirectory, DirectoryError
from knowledge.seedfile import load_dir

DIRECTORY = AgencyDirectory.load()

REQUIRED_HOTLINES = {
    "1111", "1548", "1506", "1300", "1584", "1129", "1130", "1662", "1125", "1161", "1330", "1599",
    "1441", "1166", "1555", "1567", "1784", "1348",
}  # fmt: skip


def test_the_main_hotlines_are_there_and_ids_unique() -> None:
    assert {a.hotline for a in DIRECTORY.agencies} >= REQUIRED_HOTLINES
    ids = [a.id for a in DIRECTORY.agencies]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("text", "hotline"),
    [
        ("ขอติดมิเตอร์น้ำประปา", "1662"),
        ("ขอติดมิเตอร์น้ำประปา บ้านอยู่กรุงเทพ", "1125"),
        ("รถเมล์สาย 8 ผ่านอนุสาวรีย์ไหม", "1348"),
        ("โดนขโมยมอเตอร์ไซค์ ต้องแจ้งความที่ไหน", "1599"),
        ("โดนแก๊งคอลเซ็นเตอร์หลอกโอนเงิน", "1441"),
        ("น้ำท่วมบ้านขอความช่วยเหลือ", "1784"),
        ("ไฟดับทั้งซอยที่นนทบุรี", "1130"),
        ("ไฟดับทั้งหมู่บ้านที่ขอนแก่น", "1129"),
        ("ซื้อของออนไลน์ได้ของไม่ตรงปก", "1166"),
        ("โอนเงินไปแล้ว ร้านไม่ส่งของ", "1166"),
        ("เห็นคนเร่ร่อนนอนหน้าร้านหลายวัน", "1300"),
        ("ป่วยต้องหยุดงาน ประกันสังคมช่วยไหม", "1506"),
        ("แอป ThaID เข้าไม่ได้", "1548"),
        ("อยากส่งข้อเสนอถึงนายกรัฐมนตรี", "1111"),
        ("ไฟในบ้านดับที่เชียงใหม่", "1129"),
        ("นายจ้างไม่จ่ายเงินเดือนสองเดือนแล้ว", "1546"),
        ("เบิกค่าคลอดบุตรประกันสังคมยังไง", "1506"),
        ("สามีทำร้ายร่างกายในบ้าน", "1300"),
        ("จดvatต้องทำยังไง", "1161"),
        ("หนี้นอกระบบดอกเบี้ยโหดมาก", "1567"),
        ("ต่อวีซ่าคนต่างชาติที่ไหน", "1178"),
        ("ราคามันสำปะหลังวันนี้กิโลละเท่าไหร่", "1569"),
        ("มีคนโทรมาอ้างว่าเป็นเจ้าหน้าที่ ขอรหัส OTP", "1441"),
    ],
)
def test_refer_finds_the_agency(text: str, hotline: str) -> None:
    referral = DIRECTORY.refer(text)
    assert referral is not None and referral.hotline == hotline, referral
    assert referral.name and referral.why


@pytest.mark.parametrize("text", ["จะไปเที่ยวญี่ปุ่น ขอวีซ่าญี่ปุ่นที่ไหน", "ยื่นวีซ่าเชงเก้นยังไง", "ขอวีซ่าไปอเมริกา"])
def test_a_visa_to_go_abroad_is_the_destinations_embassy_not_thai_immigration(text: str) -> None:
    referral = DIRECTORY.refer(text)
    assert referral is not None and referral.agency.id == "foreign_embassy", referral
    assert "สถานทูต" in referral.name and referral.hotline == ""


def test_split_areas_offer_the_other_authority_when_the_place_is_unknown() -> None:
    referral = DIRECTORY.refer("น้ำไม่ไหลตั้งแต่เช้า")
    assert referral is not None
    assert {referral.hotline, *(a.hotline for a in referral.also)} == {"1662", "1125"}
    placed = DIRECTORY.refer("น้ำไม่ไหล แถวสมุทรปราการ")
    assert placed is not None and placed.hotline == "1125" and placed.also == ()


@pytest.mark.parametrize(
    "text",
    ["ทำบัตรประชาชนหาย", "ต่อใบขับขี่ใช้อะไรบ้าง", "", "สวัสดีค่ะ", "My Thai driving licence expires, how to renew?"],
)
def test_refer_says_nothing_without_a_topic(text: str) -> None:
    assert DIRECTORY.refer(text) is None


def test_by_name_finds_most_seed_agencies() -> None:
    records = load_dir()
    found = {r.id: DIRECTORY.by_name(r.agency) for r in records}
    assert found["id_card_new"].hotline == "1548"  # type: ignore[union-attr]
    assert found["social_security_unemployment"].hotline == "1506"  # type: ignore[union-attr]
    assert found["personal_income_tax"].hotline == "1161"  # type: ignore[union-attr]
    assert sum(a is not None for a in found.values()) == len(records)


def test_bad_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.yml"
    path.write_text("agencies:\n  - id: x1\n    name_th: ก\n    hotline: 11-11\n", encoding="utf-8")
    with pytest.raises(DirectoryError, match="hotline"):
        AgencyDirectory.load(path)


def test_the_yearly_land_and_building_tax_goes_to_the_local_council_or_the_bma() -> None:
    referral = DIRECTORY.refer("ภาษีบ้านกับที่ดินต้องจ่ายทุกปีที่ไหน")
    assert referral is not None and referral.agency.id == "local_government" and not referral.agency.hotline
    assert [a.id for a in referral.also] == ["bma"]
    bangkok = DIRECTORY.refer("ภาษีที่ดินและสิ่งปลูกสร้าง บ้านอยู่กรุงเทพ")
    assert bangkok is not None and bangkok.agency.id == "bma" and not bangkok.also


def test_violence_against_a_child_goes_to_1300_an_assault_elsewhere_to_the_police() -> None:
    child = DIRECTORY.refer("เด็กบ้านข้างๆ เหมือนโดนทำร้ายทุกคืน")
    assert child is not None and child.hotline == "1300"
    street = DIRECTORY.refer("ถูกทำร้ายร่างกายหน้าร้านเหล้า")
    assert street is not None and street.agency.id == "police"


def test_an_agency_named_outright_is_found_when_no_topic_is() -> None:
    assert DIRECTORY.refer("ขอเบอร์ประกันสังคม") is None
    named = DIRECTORY.named("ขอเบอร์ประกันสังคม")
    assert named is not None and named.hotline == "1506" and named.why == ""
    assert DIRECTORY.named("ขอสูตรต้มยำ") is None


@pytest.mark.parametrize(
    ("text", "agency_id"),
    [
        # a thing and what is wrong with it, with words between (a gapped phrase)
        ("ซื้อขนมที่ร้านสะดวกซื้อแล้วหมดอายุค่ะ แจ้งที่ไหน", "ocpb"),
        ("นมกล่องในตู้เย็นร้านค้าหมดอายุไปแล้ว", "ocpb"),
        ("ขนมปังจากร้านเบเกอรี่ขึ้นราหมดเลย", "ocpb"),
        # wanting to stop using drugs is treatment (1165), a tip-off about drugs the narcotics board's (1386)
        ("ผมอยากเลิกยาเสพติดครับ", "thanyarak"),
        ("น้องชายติดยาเสพติดหนัก จะพาไปบำบัด", "thanyarak"),
        ("จะแจ้งเบาะแสบ้านที่ขายยาเสพติด", "oncb"),  # the narcotics board's tip-off line, 1386
        ("แจ้งเบาะแสคนติดยาเสพติดแถวบ้าน", "oncb"),
        # a teacher's licence
        ("ใบอนุญาตประกอบวิชาชีพครูหมดอายุ ต่อยังไง", "ksp"),
        ("ขอตั๋วครูครั้งแรกต้องทำไง", "ksp"),
        # an employer laying off staff: labour protection, not a job loss
        ("ร้านขาดทุน ต้องเลิกจ้างลูกน้องสองคน ต้องจ่ายอะไรบ้าง", "dlpw"),
        ("อยากให้ลูกจ้างออก ต้องบอกล่วงหน้าไหม", "dlpw"),
    ],
)
def test_new_topics_go_to_their_agency(text: str, agency_id: str) -> None:
    referral = DIRECTORY.refer(text)
    assert referral is not None and referral.agency.id == agency_id, referral


def test_a_gapped_phrase_matches_its_parts_in_order_and_near_each_other() -> None:
    referral = DIRECTORY.refer("ซื้อขนมในห้างมาหมดอายุ")
    assert referral is not None and referral.agency.id == "ocpb"
    assert referral.matched == "ขนมในห้างมาหมดอายุ"  # the text itself, for callers comparing with records
    assert "1556" in referral.why  # food also goes to the FDA
    # the parts too far apart, or the other way round, are no match
    assert DIRECTORY.refer("ขนมอร่อยมาก แต่บัตรประชาชนของแม่ที่อยู่ในกระเป๋าหมดอายุ") is None
    assert DIRECTORY.refer("หมดอายุแล้วค่อยซื้อขนม") is None
    # an expired licence or tax of something bought is no consumer complaint
    assert DIRECTORY.refer("รถที่ซื้อจากเต็นท์ภาษีหมดอายุ") is None


def test_a_gapped_phrase_with_an_empty_part_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.yml"
    path.write_text(
        "agencies:\n  - id: x1\n    name_th: ก\n    topics:\n      - why: ข\n        phrases: ['ขนม*']\n",
        encoding="utf-8",
    )
    with pytest.raises(DirectoryError, match="gapped"):
        AgencyDirectory.load(path)
