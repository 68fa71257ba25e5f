"""Cross-validation folds of nlu.benchmark: grouped folds never split copies of one sentence."""

from __future__ import annotations

from nlu.benchmark import duplicate_groups, fold_splits


def test_duplicate_groups_fold_spelling_variants_of_one_sentence() -> None:
    texts = [
        "เช็คยอด ๑๒๓ บาท",  # Thai digits
        "เช็คยอด  123 บาท ",  # extra spaces
        "เช็ค\u200bยอด 123 บาท",  # zero-width space
        "Internet ช้า",
        "internet ช้า",  # case
        "สมัครโปรเน็ต",
    ]
    groups = duplicate_groups(texts)
    assert groups[0] == groups[1] == groups[2]
    assert groups[3] == groups[4]
    assert len({groups[0], groups[3], groups[5]}) == 3


def test_grouped_folds_keep_every_copy_on_one_side_and_cover_all_rows() -> None:
    base = [f"ข้อความที่ {i} เรื่องบิล" for i in range(30)] + [f"โปรเน็ตแบบที่ {i}" for i in range(30)]
    labels_base = ["billing"] * 30 + ["promotions"] * 30
    texts = base + base[:20]  # twenty sentences appear twice
    labels = labels_base + labels_base[:20]
    groups = duplicate_groups(texts)
    splits = fold_splits(texts, labels, folds=5, seed=42, group_duplicates=True)
    assert sorted(i for _, test in splits for i in test) == list(range(len(texts)))
    for train, test in splits:
        assert not {groups[i] for i in train} & {groups[i] for i in test}
    plain = fold_splits(texts, labels, folds=5, seed=42)
    straddling = sum(bool({groups[i] for i in tr} & {groups[i] for i in te}) for tr, te in plain)
    assert straddling > 0  # plain folds do put copies on both sides: the reason for grouping
