"""Issue 10, the seventeenth blind writer's set (bench/conversations/dev17: provincial and dialect
wording, farmers and grandparents over SMS): Isan words read as central Thai ("ข่อยสิ…", "ไปนำบ่",
"…พ่อง"); papers and things called by their nicknames ("เล่มบ้าน", "เล่มเดินทาง", "หม้อไฟ") or typed by
ear ("ใบรับลองความประพึด"); matters no service covers with an agency to name (violence at home, dust,
a snake bite, corruption, town-planning colours, an insurer that will not pay, a flood one cannot leave);
stories told as the citizen lives them (a plant that laid workers off, a move between provinces, a
second child come out); a fine asked inside a death story; a bare follow-up after a checklist; a
paper named by its nickname as a document to bring. Wordings differ from the set's."""

from __future__ import annotations

import pytest

from actions.service_resolver import ServiceResolver
from knowledge.agencies import AgencyDirectory
from knowledge.search.normalise import normalise
from knowledge.spelling import fold_dialect
from tests.actions.decisions import decided


@pytest.mark.parametrize(
    ("typed", "central"),
    [
        ("ต้องเอาสำเนาไปนำบ่", "ต้องเอาสำเนาไปด้วยไหม"),
        ("ข่อยสิไปแจ้งเกิด", "ฉันจะไปแจ้งเกิด"),
        ("ต้องเตรียมหยังพ่อง", "ต้องเตรียมอะไรบ้าง"),
        ("ย้ายชื่อออกจะใดเจ้า", "ย้ายชื่อออกยังไงค่ะ"),
        ("ทำเล่มเดินทางใหม่", "ทำหนังสือเดินทางใหม่"),
        ("ขอหม้อไฟใหม่", "ขอมิเตอร์ไฟฟ้าใหม่"),
        ("ขอใบรับลองความประพึด", "ขอใบรับรองความประพฤติ"),
        # central Thai holding the same letters keeps them
        ("สิทธิบัตรทองใช้ที่ไหน", "สิทธิบัตรทองใช้ที่ไหน"),
        ("นำเข้าสินค้า", "นำเข้าสินค้า"),
        ("พ่อสิบปีแล้ว", "พ่อสิบปีแล้ว"),
    ],
)
def test_regional_words_and_nicknames_fold_to_central_thai(typed: str, central: str) -> None:
    assert fold_dialect(typed) == central


def test_a_dot_before_the_isan_question_particle() -> None:
    assert fold_dialect("ต้องไปขอที่ อบต.บ่").endswith("อบต.ไหม")


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("เอาเล่มบ้านไปด้วย", "ทะเบียนบ้าน"),
        ("ร้านเล็กๆ ไม่ได้เปิดบริษัท", "ทะเบียนพาณิชย์"),
        ("จดกับสามีที่อำเภอ", "จดทะเบียนสมรส กับสามี"),
        ("อยากย้ายชื่อยายมาอยู่ทะเบียนบ้านหลาน", "ย้ายเข้าทะเบียนบ้าน"),
        ("จะเอาชื่อพี่ออกจากบ้าน", "ย้ายออกจากทะเบียนบ้าน"),
        ("ขายส้มตำหน้าบ้าน ต้องจดทะเบียนการค้าไหม", "ทะเบียนพาณิชย์"),
        ("ต้องเอาใบหย่ามาด้วยไหม", "ใบสำคัญการหย่า"),
        ("ใบขับขี่ชั่วคราวใกล้หมด จะต่อเป็น 5 ปี", "เปลี่ยนใบขับขี่ชั่วคราวเป็น 5 ปี"),
    ],
)
def test_the_search_reads_the_spoken_names(typed: str, said: str) -> None:
    assert said in normalise(typed)


def test_a_newborns_name_put_in_the_house_book_is_no_move() -> None:
    assert "ย้ายเข้า" not in normalise("ลูกเพิ่งเกิด ต้องเอาชื่อเข้าเล่มบ้าน")


@pytest.mark.parametrize(
    ("question", "agency"),
    [
        ("เพื่อนบ้านผัวตีเมียทุกวัน จะขอความช่วยเหลือที่ไหน", "osc1300"),
        ("ค่าฝุ่นที่ลำปางวันนี้เท่าไหร่", "pcd"),
        ("ถูกงูกัดที่นา ต้องทำไง", "poison_center"),
        ("ผู้ใหญ่บ้านโกงเงินช่วยเหลือชาวบ้าน แจ้งใครได้", "nacc"),
        ("อยากรู้ว่าที่ดินแปลงนี้ผังเมืองเป็นสีอะไร", "dpt"),
        ("บริษัทประกันไม่ยอมจ่ายเคลมรถ ทำไงดี", "oic"),
    ],
)
def test_matters_no_service_covers_name_their_agency(
    resolver: ServiceResolver, question: str, agency: str
) -> None:
    assert decided(resolver.decide(question)) == f"refer:{agency}"


def test_a_flood_one_cannot_leave_is_no_complaint_of_the_form() -> None:
    directory = AgencyDirectory.load()
    flood = directory.refer("น้ำท่วมสูงมาก ออกไม่ได้ ช่วยด้วยค่ะ")
    assert flood is not None and flood.agency.id == "ddpm" and flood.complaint == "refer"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("บริษัทจะขอใบว่าไม่เคยต้องโทษ ไปขอที่ไหน", "service:criminal_record_check"),
        ("หม้อไฟที่บ้านใหม่ขอยังไง", "service:electricity_meter"),
        ("จะไปเรียนต่อ ต้องทำเล่มเดินทางที่ไหน", "service:passport_new"),
        ("ยายป่วยอยากย้ายชื่อยายมาอยู่ทะเบียนบ้านหลาน ทำยังไง", "service:house_registration_move_in"),
        ("ลูกชายแต่งงานแยกบ้านไปแล้ว จะเอาชื่อออกจากบ้านยังไง", "service:house_registration_move_out"),
        ("ชื่อไม่เป็นสิริมงคล อยากเปลี่ยน ต้องไปที่ไหน", "service:name_change"),
        ("ขายของออนไลน์คนเดียว ไม่ได้เปิดบริษัท ต้องจดทะเบียนไหม", "service:business_registration"),
        ("จะจดกับสามีที่อำเภอ ต้องเตรียมอะไร", "service:marriage_registration"),
        ("รถจมน้ำ ภาษีรถจะหมดอาทิตย์หน้า ต่อช้าได้ไหม", "service:vehicle_tax"),
        ("จะขอเงินเดือนละ 600 ให้ลูกต้องทำยังไง", "service:child_support_grant"),
        ("อยากขอคืนภาษีที่บริษัทหักไว้", "service:personal_income_tax"),
    ],
)
def test_services_called_as_people_call_them(resolver: ServiceResolver, question: str, expected: str) -> None:
    assert decided(resolver.decide(question)) == expected


@pytest.mark.parametrize(
    ("question", "event"),
    [
        ("โรงงานปลดพนักงาน ฉันโดนด้วย ทำอะไรได้บ้าง", "job_loss"),
        ("จะย้ายจากขอนแก่นไปอยู่ภูเก็ต ต้องทำเรื่องอะไรบ้าง", "moving_house"),
        ("ลูกคนแรกออกมาแล้ว ต้องทำอะไรบ้าง", "birth"),
    ],
)
def test_stories_as_they_are_lived(resolver: ServiceResolver, question: str, event: str) -> None:
    assert decided(resolver.decide(question)) == f"life_event:{event}"


def test_a_fine_asked_in_a_death_story_is_the_registration(resolver: ServiceResolver) -> None:
    asked = resolver.decide("พ่อเสียเมื่อสัปดาห์ก่อน ยังไม่ได้ไปแจ้ง ต้องเสียค่าปรับไหม")
    assert decided(asked) == "service:death_registration"


@pytest.mark.parametrize("question", ["ใช้อะไรบ้าง", "what do we bring?"])
def test_a_bare_follow_up_after_a_checklist_is_its_first_step(
    resolver: ServiceResolver, question: str
) -> None:
    assert decided(resolver.decide(question, slot_event="divorce")) == "service:divorce_registration"


@pytest.mark.parametrize(
    ("question", "current"),
    [("ต้องใช้ใบหย่าด้วยไหม", "name_change"), ("ทำบัตรต้องเอาใบเกิดไปด้วยไหม", "id_card_new")],
)
def test_a_paper_by_its_nickname_is_a_document_to_bring(
    resolver: ServiceResolver, question: str, current: str
) -> None:
    assert decided(resolver.decide(question, slot_id=current)) == f"service:{current}"


def test_five_years_of_another_matter_is_no_licence() -> None:
    assert "ใบขับขี่" not in normalise("ภาษีรถขาดต่อ 5 ปี ทำไง")


def test_a_temporary_licence_changed_for_five_years_is_its_renewal(resolver: ServiceResolver) -> None:
    asked = resolver.decide("ใบขับขี่ 2 ปีใกล้หมด ต้องต่อเป็น 5 ปีที่ไหน")
    assert decided(asked) == "service:driving_license_renew"
