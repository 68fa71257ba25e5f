"""`python -m knowledge` as people and scripts use it: JSON and table output, --batch, seed/export/import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-embeddings")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "knowledge", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=240,
        check=False,
    )


def test_search_json_is_a_ranked_list_of_id_and_score(cache_dir: Path) -> None:
    proc = run(
        "search", "ต่อใบขับขี่ใช้อะไรบ้าง", "--top", "3", "--json", "--from-seed", "--cache-dir", str(cache_dir)
    )
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    assert [set(h) for h in hits] == [{"id", "score"}] * 3
    assert hits[0]["id"] == "driving_license_renew"
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert "31/31" in proc.stderr  # building the index shows progress on stderr, not stdout


def test_search_table_for_people(cache_dir: Path) -> None:
    proc = run("search", "ทำพาสปอร์ตครั้งแรกใช้อะไรบ้าง", "--from-seed", "--cache-dir", str(cache_dir))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:3] == ["#", "id", "score"]
    assert "passport_new" in lines[1] and "ทำหนังสือเดินทาง" in lines[1]
    assert lines[-1].startswith("-- confident")


def test_batch_prints_one_json_list_per_question(cache_dir: Path, tmp_path: Path) -> None:
    questions = [
        "ต่อใบขับขี่ใช้อะไรบ้าง",
        "",
        "😀😀",
        "บัตรประชาชนหาย",
        "'; DROP TABLE kb_services; --",
        "x" * 10_000,
    ]
    batch = tmp_path / "questions.txt"
    batch.write_text("\n".join(questions) + "\n", encoding="utf-8")
    proc = run("search", "--batch", str(batch), "--top", "2", "--from-seed", "--cache-dir", str(cache_dir))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(questions)
    results = [json.loads(line) for line in lines]
    assert results[0][0]["id"] == "driving_license_renew"
    assert results[1] == []  # empty line: no results, no crash
    assert results[3][0]["id"] == "id_card_lost"
    assert all(len(r) <= 2 for r in results)


def test_batch_from_stdin_with_bm25_only() -> None:
    proc = run(
        "search", "--batch", "-", "--backend", "none", "--from-seed", "--json", stdin="ทำบัตรประชาชนหาย\n"
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip())[0]["id"] == "id_card_lost"


def test_search_without_a_question_is_a_usage_error() -> None:
    proc = run("search", "--from-seed", "--backend", "none")
    assert proc.returncode == 2 and "question" in proc.stderr


def test_seed_export_import_through_the_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    first = run("--url", url, "seed")
    assert first.returncode == 0, first.stderr
    assert "31 created" in first.stderr and "31 published" in first.stderr
    second = run("--url", url, "seed")
    assert "0 created, 0 updated, 31 unchanged" in second.stderr
    out = tmp_path / "export"
    assert run("--url", url, "export", str(out)).returncode == 0
    assert len(list(out.glob("*.yml"))) == 31
    (out / "passport_new.yml").write_text(
        (out / "passport_new.yml").read_text(encoding="utf-8").replace("1,000 บาท", "1,100 บาท"),
        encoding="utf-8",
    )
    imported = run("--url", url, "import", str(out), "--publish")
    assert imported.returncode == 0, imported.stderr
    assert "1 updated" in imported.stderr and "1 published" in imported.stderr
    found = run("--url", url, "search", "พาสปอร์ตราคาเท่าไร", "--backend", "none", "--json")
    assert json.loads(found.stdout)[0]["id"] == "passport_new"


def test_import_of_a_bad_file_fails_cleanly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x_y.yml").write_text("id: x_y\ntitle_th: ก\nagency_level: mars\n", encoding="utf-8")
    proc = run("--url", url, "import", str(bad))
    assert proc.returncode == 2
    assert "x_y.yml" in proc.stderr and "agency_level" in proc.stderr and "Traceback" not in proc.stderr


def test_search_on_an_empty_database_loads_the_seed_first(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    proc = run("--url", url, "search", "บัตรประชาชนหาย", "--backend", "none", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "loaded 31 seed services" in proc.stderr
    assert json.loads(proc.stdout)[0]["id"] == "id_card_lost"
