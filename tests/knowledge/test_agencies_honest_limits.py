"""The directory's topics as citizens type them (dev14): a `complaint: refer` topic of the same agency
said anywhere in the message refers it (a complaint sent to the Prime Minister is no local-government
complaint, even when a longer phrase of the staff topic matched); a land dispute with a neighbour is
referred, an encroached footpath is not; a scam reply names the bank to freeze the account."""

from __future__ import annotations

from knowledge.agencies import AgencyDirectory


def test_prime_minister_refers_whatever_topic_was_longest() -> None:
    referral = AgencyDirectory.load().refer("ร้องเรียนเจ้าหน้าที่รัฐรีดไถ อยากส่งเรื่องถึงนายกรัฐมนตรี")
    assert referral is not None
    assert referral.agency.id == "gcc1111"
    assert referral.complaint == "refer"


def test_staff_complaint_alone_is_left_to_the_form() -> None:
    referral = AgencyDirectory.load().refer("ร้องเรียนเจ้าหน้าที่ที่สำนักงานเขตพูดจาไม่ดี")
    assert referral is not None
    assert referral.complaint == ""


def test_land_dispute_is_referred_footpath_is_not() -> None:
    directory = AgencyDirectory.load()
    land = directory.refer("เพื่อนบ้านสร้างบ้านรุกล้ำเข้ามาในที่ดินของเรา")
    assert land is not None and land.agency.id == "damrongdham" and land.complaint == "refer"
    footpath = directory.refer("ร้านค้ารุกล้ำทางเท้าหน้าบ้าน")
    assert footpath is None or footpath.complaint != "refer"


def test_scam_names_the_bank() -> None:
    referral = AgencyDirectory.load().refer("มีคนโทรมาหลอกให้โอนเงิน ทำไงดี")
    assert referral is not None and referral.agency.id == "aoc1441"
    assert "ธนาคาร" in referral.why
