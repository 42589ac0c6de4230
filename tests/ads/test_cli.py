"""``fener ads screen`` and ``fener ads cluster`` as other tools call them."""

import json
import subprocess
import sys

GOOD = [
    {
        "id": "1",
        "text": "ИТНО! Девојки 18-25 за хостеси во Германија, 5000 евра месечно. Viber 070 123 456",
    },
    {
        "id": "2",
        "text": "Хотел Парк Охрид ДООЕЛ вработува рецепционер, договор, плата 32.000 денари. "
        "CV на hr@hotelpark.example.mk",
    },
    {
        "id": 3,
        "text": "Barame rabotnici za Germanija, plata 1800 evra, javete se na 071 234 567",
        "lang": "mk",
        "channel": "facebook_group",
    },
]


def run(*arguments, cwd):
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "fener.cli", "ads", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def write_input(path, extra=b""):
    lines = [json.dumps(ad, ensure_ascii=False).encode() for ad in GOOD]
    path.write_bytes(b"\n".join(lines) + b"\n" + extra)
    return path


def test_screen_writes_the_contract(tmp_path):
    source = write_input(tmp_path / "in.jsonl")
    result = run("screen", str(source), "-o", str(tmp_path / "out.jsonl"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [row["id"] for row in rows] == ["1", "2", "3"]
    first = rows[0]
    assert set(first) >= {"id", "lang", "script", "risk", "label", "indicators", "entities"}
    assert first["label"] == "suspicious" and 0 <= first["risk"] <= 1
    assert first["entities"]["phones"] == ["+38970123456"]
    assert set(first["entities"]) == {"phones", "emails", "urls", "handles", "amounts"}
    for indicator in first["indicators"]:
        assert set(indicator) == {"code", "weight", "evidence"}
        for span in indicator["evidence"]:
            assert GOOD[0]["text"][span["start"] : span["end"]] == span["text"]
    assert rows[1]["label"] == "legitimate"


def test_bad_lines_are_named_and_the_rest_still_processed(tmp_path):
    bad = (
        b'{"id": "4", "text": broken\n'
        b'{"id": "5"}\n'
        b'{"id": "6", "text": "\xff\xfe not utf-8"}\n'
        + b'{"id": "7", "text": "'
        + b"a" * 10_000_000
        + b'"}\n'
        + b'["not", "an", "object"]\n'
        + b'{"id": "9", "text": "   "}\n'
    )
    source = write_input(tmp_path / "in.jsonl", bad)
    result = run("screen", str(source), cwd=tmp_path)
    assert result.returncode == 3
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["1", "2", "3"]
    for expected in (
        "line 4: not valid JSON",
        "line 5: missing or empty 'text'",
        "line 6: not UTF-8",
        "line 7: longer than 1,000,000 bytes",
        "line 8: not a JSON object",
        "line 9: missing or empty 'text'",
        "6 line(s) refused",
    ):
        assert expected in result.stderr


def test_cluster_writes_rows_then_templates(tmp_path):
    template = (
        "Барам работници за {0}, плата {1} евра месечно, сместување и храна обезбедени, "
        "превозот го плаќаме ние. Јавете се на {2}"
    )
    ads = [
        {"id": str(n), "text": template.format(*values)}
        for n, values in enumerate(
            [
                ("Германија", "1.800", "070 111 222"),
                ("Австрија", "2.000", "070 111 222"),
                ("Италија", "1.500", "075 999 888"),
            ]
        )
    ]
    ads.append({"id": "x", "text": "Хотел Парк Охрид вработува рецепционер со искуство."})
    ads.append({"id": "y", "text": "Друга фирма, друг текст, јавете се на 075 999 888"})
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(ad, ensure_ascii=False) for ad in ads) + "\n")
    result = run("cluster", str(source), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    rows, templates = lines[:5], lines[5:]
    assert {row["id"] for row in rows} == {"0", "1", "2", "x", "y"}
    cluster = {row["id"]: row["cluster_id"] for row in rows}
    operation = {row["id"]: row["operation_id"] for row in rows}
    assert cluster["0"] == cluster["1"] == cluster["2"] != cluster["x"]
    assert operation["y"] == operation["0"]  # shares 075 999 888 with ad 2
    assert operation["x"] != operation["0"]
    assert templates[0]["members"] == ["0", "1", "2"]


def test_cluster_refuses_duplicate_ids(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "one"}\n{"id": "a", "text": "two"}\n')
    result = run("cluster", str(source), cwd=tmp_path)
    assert result.returncode == 3
    assert "duplicate id" in result.stderr
    assert len(result.stdout.splitlines()) == 1


def test_a_line_with_an_unpaired_surrogate_is_refused_not_fatal(tmp_path):
    source = write_input(tmp_path / "in.jsonl", b'{"id": "s", "text": "\\ud800 lone"}\n')
    result = run("screen", str(source), cwd=tmp_path)
    assert result.returncode == 3
    assert "line 4: 'text' holds an unpaired surrogate" in result.stderr
    assert len(result.stdout.splitlines()) == 3


def test_one_text_limit_refused_with_a_reason_never_cut(tmp_path):
    from fener.analytics.ads.analysis import MAX_TEXT_CHARACTERS

    filler = "Работа во Скопје, добри услови. " * (MAX_TEXT_CHARACTERS // 32)
    near_limit = filler[: MAX_TEXT_CHARACTERS - 40] + " Viber 070 123 456, без договор."
    too_long = filler + "x" * 100
    assert len(near_limit) <= MAX_TEXT_CHARACTERS < len(too_long)
    lines = [{"id": "near", "text": near_limit}, {"id": "long", "text": too_long}]
    extra = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode() + b"\n"
    source = write_input(tmp_path / "in.jsonl", extra)
    result = run("screen", str(source), cwd=tmp_path)
    assert result.returncode == 3
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in rows] == ["1", "2", "3", "near"]
    # Evidence at the very end of a long text is found: nothing is cut.
    assert rows[3]["entities"]["phones"] == ["+38970123456"]
    assert f"line 5: 'text' longer than {MAX_TEXT_CHARACTERS:,} characters" in result.stderr
