"""``fireenforce ledger …``: JSON for programs, text for officers, one-line errors with exit 2
(bad case, missing, read-only, locked or newer-schema database), verify's exit 1."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from fireenforce.cli import main
from ledgerkit import OTHER_OFFICE, case, resident_id, uscc


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["ledger", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "office.db")
    assert run(capsys, "init", "--db", path)[0] == 0
    return path


def write_case(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_the_loop_from_the_command_line(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "record", write_case(tmp_path, case(1)), "--db", db, "--officer", "王某", "--format", "json")
    rec = json.loads(out)
    assert code == 0 and rec["status"] == "open" and rec["documents"][0]["number"] == "西北街消检查字〔2026〕第1号"
    code, out, _ = run(capsys, "due", "--db", db, "--on", "2026-06-01", "--format", "json")
    due = json.loads(out)
    assert due == [{"finding": rec["finding"], "subject": {"id": uscc(1)[:6] + "*" * 8 + uscc(1)[-4:],
                    "name": "某某超市1号店", "weak": False}, "item": "EV-BLOCK", "deadline": rec["deadline"],
                    "last_step": rec["decision"]["step"], "office": "北街街道消防安全办公室", "overdue": True,
                    "place": {"name": "某某超市", "address": "西峰区北街"}, "applied_on": None,
                    "reinspect_by": "2026-05-09"}]  # three working days after 05-06: Saturday 05-09 is one (调休上班)
    code, out, _ = run(capsys, "reinspect", rec["finding"], "--officer", "王某", "--db", db, "--on", "2026-06-01", "--not-rectified",
                       "--format", "json")
    nxt = json.loads(out)
    assert code == 0 and nxt["finding"] == rec["finding"] and nxt["action"] != rec["action"]
    code, out, _ = run(capsys, "history", uscc(1), "--db", db, "--format", "json")
    assert [h["rectified"] for h in json.loads(out)] == [False, False]
    code, out, _ = run(capsys, "reinspect", rec["finding"], "--officer", "王某", "--db", db, "--on", "2026-07-01", "--rectified",
                       "--format", "json")
    closed = json.loads(out)
    assert {k: closed[k] for k in ("finding", "status", "closed_on")} == \
        {"finding": rec["finding"], "status": "closed", "closed_on": "2026-07-01"}
    number = closed["reinspection"]["documents"][0]["number"]
    assert number == "西北街消检查字〔2026〕第3号" and closed["reinspection"]["rectified"] is True
    code, out, _ = run(capsys, "render", rec["finding"], "--db", db, "--document", "inspection_record", "--number",
                       number, "--format", "text")
    assert code == 0 and number in out and "检查类别：复查" in out and "复查结果：已改正。" in out
    assert "检查时间：2026年7月1日" in out and "予以整改销号" in out
    code, out, _ = run(capsys, "show", rec["finding"], "--db", db)
    assert code == 0 and "已整改销号" in out and uscc(1) not in out
    code, out, _ = run(capsys, "verify", "--db", db)
    assert code == 0 and out.startswith("ledger intact")


def test_text_output_for_the_officer(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "record", write_case(tmp_path, case(2)), "--db", db, "--officer", "王某")
    assert code == 0 and "文书：消防监督检查记录 西北街消检查字〔2026〕第1号" in out and "整改期限" in out


def test_export_and_import_round_trip(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rec = json.loads(run(capsys, "record", write_case(tmp_path, case(3)), "--db", db, "--officer", "王某", "--format", "json")[1])
    run(capsys, "reinspect", rec["finding"], "--officer", "王某", "--db", db, "--on", "2026-05-09", "--not-rectified")
    exported = tmp_path / "out.jsonl"
    assert run(capsys, "export", "--db", db, "--out", str(exported))[0] == 0
    copy = str(tmp_path / "copy.db")
    code, out, _ = run(capsys, "import", str(exported), "--db", copy)
    assert code == 0 and out.startswith(f"{len(exported.read_text().splitlines())} events")
    again = run(capsys, "export", "--db", copy)[1]
    assert again == exported.read_text(encoding="utf-8")
    code, _, err = run(capsys, "import", str(exported), "--db", copy)
    assert code == 2 and "not empty" in err


def test_backup_is_a_working_ledger(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "record", write_case(tmp_path, case(4)), "--db", db, "--officer", "王某")
    target = str(tmp_path / "backup.db")
    assert run(capsys, "backup", target, "--db", db)[0] == 0
    assert run(capsys, "export", "--db", target)[1] == run(capsys, "export", "--db", db)[1]
    code, _, err = run(capsys, "backup", target, "--db", db)
    assert code == 2 and "exists" in err


def test_a_backup_into_a_missing_folder_is_one_line(db: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "backup", str(tmp_path / "no-such-dir" / "backup.db"), "--db", db)
    one_line_error(code, err, "no-such-dir")
    assert not (tmp_path / "no-such-dir").exists()


def test_history_of_one_office_as_known_on_a_day(db: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "record", write_case(tmp_path, case(5)), "--db", db, "--officer", "王某")
    run(capsys, "record", write_case(tmp_path, case(5, on="2026-05-20", office=OTHER_OFFICE)), "--db", db, "--officer", "王某")
    code, out, _ = run(capsys, "history", uscc(5), "--db", db, "--office", OTHER_OFFICE["name"], "--format", "json")
    assert code == 0 and [h["date"] for h in json.loads(out)] == ["2026-05-20"]
    code, out, _ = run(capsys, "history", uscc(5), "--db", db, "--on", "2026-05-10", "--format", "json")
    assert code == 0 and [h["date"] for h in json.loads(out)] == ["2026-05-03"]
    code, _, err = run(capsys, "history", uscc(5), "--db", db, "--office", "西街")
    one_line_error(code, err, "--office", "西街")


@pytest.mark.parametrize("argv, option", [
    (("due", "--on", "2026-05-01", "--wait", "-1"), "--wait"),
    (("due", "--on", "2026-05-01", "--within", "-2"), "--within"),
])
def test_negative_waits_and_days_are_refused(db: str, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...],
                                             option: str) -> None:
    with pytest.raises(SystemExit) as info:  # argparse's own one-line error
        run(capsys, *argv, "--db", db)
    one_line_error(info.value.code, capsys.readouterr().err, f"argument {option}: must be at least 0, not -")


def one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("fireenforce: error: ") and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err


def test_a_bad_case_is_refused(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = case(5)
    bad["subject"]["id"] = uscc(5)[:-1] + ("0" if uscc(5)[-1] != "0" else "1")
    code, out, err = run(capsys, "record", write_case(tmp_path, bad), "--db", db, "--officer", "王某")
    one_line_error(code, err, "subject.id", "check digit")
    assert uscc(5)[6:14] not in err
    assert run(capsys, "export", "--db", db)[1] == ""


def test_a_missing_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "due", "--on", "2026-05-01", "--db", str(tmp_path / "none.db"))
    one_line_error(code, err, "no ledger there", "ledger init")
    assert not (tmp_path / "none.db").exists()


def test_a_file_that_is_not_a_ledger(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sqlite3.connect(tmp_path / "other.db").execute("CREATE TABLE t (x)").connection.commit()
    code, _, err = run(capsys, "due", "--on", "2026-05-01", "--db", str(tmp_path / "other.db"))
    one_line_error(code, err, "not a fireenforce ledger")


def test_a_read_only_database(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///file:{db}?mode=ro&uri=true"
    assert run(capsys, "due", "--on", "2026-05-01", "--db", url)[0] == 0  # reading works
    code, _, err = run(capsys, "record", write_case(tmp_path, case(6)), "--db", url, "--officer", "王某")
    one_line_error(code, err, "read-only")


def test_a_locked_database(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, _, err = run(capsys, "record", write_case(tmp_path, case(7)), "--db", db, "--officer", "王某", "--wait", "0.2")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    one_line_error(code, err, "locked")


def test_a_newer_schema(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    code, _, err = run(capsys, "due", "--on", "2026-05-01", "--db", db)
    one_line_error(code, err, "9999", "newer")


def test_verify_exit_1_names_the_broken_event(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "record", write_case(tmp_path, case(8)), "--db", db, "--officer", "王某")
    with sqlite3.connect(db) as conn:
        event = conn.execute("SELECT id FROM events WHERE office_seq = 2").fetchone()[0]
        conn.execute("UPDATE events SET payload = '{}' WHERE id = ?", (event,))
    code, out, _ = run(capsys, "verify", "--db", db)
    assert code == 1 and event in out and "edited" in out


def test_the_url_comes_from_the_environment(db: str, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FIREENFORCE_DB", db)
    assert run(capsys, "verify")[1].startswith("ledger intact: 0 events")


def test_documents_issued_through_the_ledger_carry_their_numbers(db: str, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    rec = json.loads(run(capsys, "record", write_case(tmp_path, case(10)), "--db", db, "--officer", "王某", "--format", "json")[1])
    code, out, _ = run(capsys, "render", rec["finding"], "--document", "inspection_record", "--format", "text",
                       "--db", db)
    assert code == 0 and rec["documents"][0]["number"] in out and "〔2026〕第____号" not in out
    nxt = json.loads(run(capsys, "reinspect", rec["finding"], "--officer", "王某", "--db", db, "--on", "2026-05-20", "--not-rectified",
                         "--format", "json")[1])
    for doc in nxt["documents"]:
        code, out, err = run(capsys, "render", rec["finding"], "--document", doc["type"], "--format", "text",
                             "--db", db, *(["--fine", "6000"] if "penalty" in doc["type"] else []))
        assert code == 0, err
        assert doc["number"] in out
    code, _, err = run(capsys, "render", rec["finding"], "--document", "referral_letter", "--db", db)
    one_line_error(code, err, "referral_letter", "issued:")


def test_options_that_would_be_ignored_are_refused(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_case(tmp_path, case(11))
    one_line_error(*run(capsys, "record", path, "--db", db, "--officer", "王某", "--reason", "理由")[::2], "reason", "--step")
    rec = json.loads(run(capsys, "record", path, "--db", db, "--officer", "王某", "--format", "json")[1])
    code, _, err = run(capsys, "reinspect", rec["finding"], "--officer", "王某", "--db", db, "--on", "2026-05-05", "--rectified",
                       "--fine", "6000")
    one_line_error(code, err, "fine", "rectified")
    code, _, err = run(capsys, "due", "--db", db, "--on", "2026-06-01", "--office", "北街办")
    one_line_error(code, err, "--office", "北街办", "北街街道消防安全办公室")
    path = write_case(tmp_path, case(15))
    code, _, err = run(capsys, "record", path, "--db", db, "--officer", "王某", "--source", "k1")
    assert code == 0 and run(capsys, "record", path, "--db", db, "--officer", "王某", "--source", "k1")[0] == 0
    code, _, err = run(capsys, "record", write_case(tmp_path, case(12)), "--db", db, "--officer", "王某", "--source", "k1")
    one_line_error(code, err, "--source k1", "recorded already")


def test_a_refused_import_leaves_no_database_behind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"seq": 1}\n', encoding="utf-8")
    target = tmp_path / "new.db"
    one_line_error(*run(capsys, "import", str(bad), "--db", str(target))[::2], "bad.jsonl:1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]


def test_the_read_only_url_is_shown_readably(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///file:{db}?mode=ro&uri=true"
    code, _, err = run(capsys, "record", write_case(tmp_path, case(13)), "--db", url, "--officer", "王某")
    one_line_error(code, err, "read-only", f"file:{db}")
    assert "%3A" not in err


def test_history_says_what_each_reinspection_found(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rec = json.loads(run(capsys, "record", write_case(tmp_path, case(14)), "--db", db, "--officer", "王某", "--format", "json")[1])
    code, out, _ = run(capsys, "reinspect", rec["finding"], "--officer", "王某", "--db", db, "--on", "2026-05-04", "--not-rectified")
    assert code == 0 and "未届满" in out and "不作新的处置" in out
    run(capsys, "reinspect", rec["finding"], "--officer", "王某", "--db", db, "--on", "2026-05-10", "--not-rectified")
    lines = run(capsys, "history", uscc(14), "--db", db)[1].splitlines()
    assert len(lines) == 2 and "复查未整改（2026-05-10）" in lines[0] and "尚未复查（整改期限" in lines[1]
    assert not any("未整改或未复查" in line for line in lines)


def test_recording_the_same_conduct_while_its_finding_is_open_is_one_line_exit_2(
        db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_case(tmp_path, case(16, item="EB-CHARGE", subject={
        "kind": "individual", "name": "张某", "id": resident_id(16), "address": "西峰区北街某小区5号楼"}))
    rec = json.loads(run(capsys, "record", path, "--db", db, "--officer", "王某", "--format", "json")[1])
    code, out, err = run(capsys, "record", path, "--db", db, "--officer", "王某")
    one_line_error(code, err, "open_finding:", rec["finding"], f"deadline {rec['deadline']} has passed",  # by today
                   f"fireenforce ledger reinspect {rec['finding']}", "--separate REASON")
    assert out == "" and resident_id(16) not in err
    code, out, _ = run(capsys, "record", path, "--db", db, "--officer", "王某", "--separate", "同楼另一处楼道", "--format", "json")
    assert code == 0 and json.loads(out)["finding"] != rec["finding"]


def test_a_subject_id_is_corrected_from_the_command_line_and_history_says_so(
        db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rec = json.loads(run(capsys, "record", write_case(tmp_path, case(17)), "--db", db, "--officer", "王某", "--format", "json")[1])
    other = case(18, item="EB-PARK")
    run(capsys, "record", write_case(tmp_path, other), "--db", db, "--officer", "王某")
    event = json.loads(run(capsys, "show", rec["finding"], "--db", db, "--format", "json")[1])["events"][0]["id"]
    code, _, err = run(capsys, "correct", event, "--db", db, "--reason", "录入错误", "--set", f"subject_id={uscc(18)}")
    one_line_error(code, err, "subject_merge:", "某某超市18号店", "--merge")
    assert uscc(18) not in err
    code, _, err = run(capsys, "correct", event, "--db", db, "--reason", "录入错误", "--set", "subject_id=12345")
    one_line_error(code, err, "changes.subject_id")
    code, out, _ = run(capsys, "correct", event, "--db", db, "--reason", "代码录入错误", "--set", f"subject_id={uscc(19)}")
    assert code == 0 and out.startswith("更正已记录：E-")
    for who in (uscc(17), uscc(19)):
        code, out, _ = run(capsys, "history", who, "--db", db)
        assert code == 0 and f"更正：{rec['finding']} 的证件号由 {uscc(17)[:6]}" in out and "代码录入错误" in out
        assert uscc(17) not in out and uscc(19) not in out
    assert "EV-BLOCK" in run(capsys, "history", uscc(19), "--db", db)[1]
    old = run(capsys, "history", uscc(17), "--db", db)[1].splitlines()  # the link first, then where it went
    assert old[0].startswith("更正：") and old[1] == "该证件号下已无记录：其记录已更正到其他证件号（见上）"
    assert old[2] == f"更正后的证件号 {uscc(19)[:6]}********{uscc(19)[-4:]} 的历史：" and "EV-BLOCK" in old[3]
    assert run(capsys, "verify", "--db", db)[0] == 0
