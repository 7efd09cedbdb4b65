"""The parser against the real report, and each malformed-input path."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from pledgebot.cli import main
from pledgebot.corpus import parse_report, read_pledges, read_sections, records_dir, write_records
from pledgebot.errors import CorpusError
from pledgebot.reports import profile

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "corpus" / "localizing-the-global-compacts-2023.txt"

EXPECTED_2022 = {
    "São Paulo", "Arua", "San José", "Accra", "Paris", "Beira", "FAMSI", "Bogotá", "Montréal", "Beirut",
    "eThekweni", "Barranquilla", "Mechelen", "Nador", "Lampedusa", "Braga", "Gaziantep", "Zürich", "Germany",
    "C40–MMC", "Milan and Freetown", "Boston",
}  # fmt: skip


@pytest.fixture(scope="module")
def corpus():
    return parse_report(REPORT)


@pytest.fixture(scope="module")
def lines():
    return REPORT.read_text(encoding="utf-8").splitlines()


def by_title(corpus, fragment):
    found = [p for p in corpus.pledges if fragment.lower() in p.title.lower()]
    assert len(found) == 1, (fragment, [p.title for p in found])
    return found[0]


def test_54_submissions_with_their_types(corpus):
    subs = [p for p in corpus.pledges if p.year == 2023]
    assert len(subs) == 54
    assert Counter(p.pledge_type for p in subs) == {"Mirror": 34, "GCM only": 5, "GCR only": 14, "IDP": 1}


def test_every_2022_action_once(corpus):
    actions = [p for p in corpus.pledges if p.year == 2022]
    assert len(actions) == 23
    counts = Counter(p.submitter for p in actions)
    assert counts.pop("Boston") == 2
    assert set(counts) == EXPECTED_2022 - {"Boston"}
    assert all(n == 1 for n in counts.values())
    assert all(p.pledge_type is None for p in actions)


def test_2022_countries_come_from_the_participants_list(corpus):
    country = {p.submitter: p.country for p in corpus.pledges if p.year == 2022}
    assert country["Accra"] == "Ghana"
    assert country["eThekweni"] == "South Africa"
    assert country["Nador"] == "Morocco"
    assert country["Gaziantep"] == "Türkiye"


def test_highlighted_2023_actions_merge_into_submissions(corpus):
    laguna = [p for p in corpus.pledges if p.submitter == "Laguna Province"]
    assert len(laguna) == 1
    assert laguna[0].priorities == (5,) and not laguna[0].priorities_inferred
    amman = [p for p in corpus.pledges if p.submitter == "Amman"]
    assert len(amman) == 1 and amman[0].priorities == (2,)
    assert amman[0].gcm_objectives == (2,) and 13 in amman[0].sdgs


def test_other_pledges_get_inferred_priorities(corpus):
    for p in corpus.pledges:
        assert p.priorities, p.id
        assert all(1 <= n <= 8 for n in p.priorities)
    inferred = [p for p in corpus.pledges if p.priorities_inferred]
    assert len(inferred) == 54 - 7


def test_buenos_aires_descriptions_attach_to_the_right_titles(corpus):
    women = by_title(corpus, "Nosotras Conectadas")
    electoral = by_title(corpus, "Electoral Registry")
    assert "technology sector" in women.description and "Migrant Electoral Guide" not in women.description
    assert "Migrant Electoral Guide" in electoral.description and "L’Oreal" not in electoral.description
    assert women.pledge_type == "Mirror" and electoral.pledge_type == "GCM only"
    assert women.quotes and women.quotes[0].speaker == "Horacio Rodriguez Larreta"


def test_descriptions_are_clean(corpus):
    for p in corpus.pledges:
        d = p.description
        assert "©" not in d and "Photo:" not in d, p.id
        assert "](#)" not in d and "[here]" not in d and "\\$" not in d, p.id
        assert "“" not in d[:1] and "Mayor of" not in d, p.id
        assert "*" not in d, p.id
        assert "Tlaxcala elimina" not in d and "بتنفيذ" not in d, p.id


def test_quotes_are_kept_apart_with_their_speaker(corpus):
    salt_lake = [p for p in corpus.pledges if p.submitter == "Salt Lake County"]
    assert sum(len(p.quotes) for p in salt_lake) == 1
    language = next(p for p in salt_lake if "Language Services" in p.title)  # the quote is about language access
    assert language.quotes[0].speaker == "Jenny Wilson"
    rennes = [p for p in corpus.pledges if p.submitter == "Rennes"][0]
    assert not rennes.quotes and "Salt Lake" not in rennes.description
    eurocities = [p for p in corpus.pledges if p.submitter == "Eurocities"][0]
    assert eurocities.quotes and eurocities.quotes[0].speaker == "Katharina Bamberg"


def test_line_ranges_contain_the_title(corpus, lines):
    for p in corpus.pledges:
        assert 1 <= p.source.line_start <= p.source.line_end <= len(lines)
        span = " ".join(lines[p.source.line_start - 1 : p.source.line_end])
        words = re.findall(r"\w+", p.title)[:6]
        assert all(w in span for w in words), (p.id, p.title)


def test_fields_read_from_the_report(corpus):
    kampala = [p for p in corpus.pledges if p.submitter == "Kampala"][0]
    assert (kampala.start_year, kampala.end_year) == (2024, 2027)
    assert kampala.joint_with and kampala.joint_with.startswith("2023-nairobi-")
    zurich_tyre = by_title(corpus, "Zürich and Tyre")
    assert zurich_tyre.joint_with and zurich_tyre.joint_with.startswith("2023-tyre-")
    assert by_title(corpus, "One Stop Migration").mayor == "Ramil Laurel Hernandez"
    assert by_title(corpus, "Children's Climate Academy").gcf_supported
    assert not by_title(corpus, "Expanding Welcoming Week").gcf_supported
    dunaivtsi = [p for p in corpus.pledges if p.submitter == "Dunaivtsi"][0]
    assert {"Dunavtzi", "Dunavitsi"} <= set(dunaivtsi.aliases)
    assert dunaivtsi.pledge_type == "IDP" and dunaivtsi.country == "Ukraine"
    anvita = [p for p in corpus.pledges if p.submitter == "ANVITA"][0]
    assert anvita.submitter_kind == "organization"
    assert [p for p in corpus.pledges if p.submitter == "Salt Lake County"][0].submitter_kind == "region"
    sao = [p for p in corpus.pledges if p.submitter == "São Paulo" and p.year == 2023][0]
    assert "Sao Paulo" in sao.aliases


def test_sections_cover_the_narrative(corpus):
    text = {s.id: s.text for s in corpus.sections}
    joined = " ".join(text.values())
    assert "only 1.2% of total international humanitarian assistance" in joined
    assert "34 mirror pledges, 5 GCM only pledges, 15 GCR only pledges, 2 IDP pledges" in joined
    assert "Medellín, Colombia, used its GCF grant" in joined
    assert any(s.heading[-1].startswith("3. Protecting") for s in corpus.sections)
    for s in corpus.sections:
        assert "](#)" not in s.text and "©" not in s.text


def test_ids_are_stable_and_unique(corpus):
    again = parse_report(REPORT)
    assert [p.id for p in corpus.pledges] == [p.id for p in again.pledges]
    assert len({p.id for p in corpus.pledges}) == len(corpus.pledges)
    assert all(re.fullmatch(r"20(22|23)-[a-z0-9-]+", p.id) for p in corpus.pledges)


def test_committed_records_are_current(corpus):
    committed = read_pledges(records_dir(ROOT / "corpus") / "pledges.jsonl")
    assert [p.to_dict() for p in committed] == [p.to_dict() for p in corpus.pledges]


# -- malformed input ---------------------------------------------------------------------------------


def _cli(tmp_path, report_text: bytes | None, capsys, monkeypatch):
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    report = corpus_dir / "report.txt"
    if report_text is not None:
        report.write_bytes(report_text)
    (corpus_dir / "pledges.jsonl").write_text('{"previous": true}\n')
    monkeypatch.setenv("PLEDGEBOT_CORPUS_DIR", str(corpus_dir))
    monkeypatch.setenv("PLEDGEBOT_REPORT", str(report))
    code = main(["corpus", "build"])
    err = capsys.readouterr().err
    assert (corpus_dir / "pledges.jsonl").read_text() == '{"previous": true}\n'  # untouched
    return code, err


def test_missing_report(tmp_path, capsys, monkeypatch):
    code, err = _cli(tmp_path, None, capsys, monkeypatch)
    assert code == 1 and "report.txt" in err and "not found" in err


def test_empty_report(tmp_path, capsys, monkeypatch):
    code, err = _cli(tmp_path, b"\n  \n", capsys, monkeypatch)
    assert code == 1 and "report.txt:1" in err and "empty" in err


def test_undecodable_report(tmp_path, capsys, monkeypatch):
    code, err = _cli(tmp_path, b"2022 ACTIONS\nfine\n\xff\xfe bad\n", capsys, monkeypatch)
    assert code == 1 and "report.txt:3" in err and "UTF-8" in err


def test_report_without_its_headings(tmp_path, capsys, monkeypatch):
    code, err = _cli(tmp_path, b"just some text\n", capsys, monkeypatch)
    assert code == 1 and "report.txt:" in err and "2022 ACTIONS" in err


def test_unknown_pledge_type_names_its_line(tmp_path, capsys, monkeypatch):
    text = REPORT.read_text(encoding="utf-8").replace("TYPE OF PLEDGE: GCR Only", "TYPE OF PLEDGE: Sideways", 1)
    line = text.splitlines().index("TYPE OF PLEDGE: Sideways") + 1
    code, err = _cli(tmp_path, text.encode(), capsys, monkeypatch)
    assert code == 1 and f"report.txt:{line}:" in err and "Sideways" in err


def test_title_without_description(tmp_path, capsys, monkeypatch):
    lines = REPORT.read_text(encoding="utf-8").splitlines()
    idx = next(i for i, ln in enumerate(lines) if ln.startswith("PROJECT DESCRIPTION: The City of Athens"))
    del lines[idx]
    code, err = _cli(tmp_path, "\n".join(lines).encode(), capsys, monkeypatch)
    assert code == 1 and "has no PROJECT DESCRIPTION" in err and "Athens" in err


def test_a_lost_submitter_heading_is_an_error_not_a_move(tmp_path, capsys, monkeypatch):
    # Without its heading a submitter's pledges would fall under the one above; each names its own city.
    lines = REPORT.read_text(encoding="utf-8").splitlines()
    heading = next(i for i, ln in enumerate(lines) if ln.isupper() and len(ln.split()) == 1 and i > len(lines) // 2)
    del lines[heading]
    code, err = _cli(tmp_path, "\n".join(lines).encode(), capsys, monkeypatch)
    assert code == 1 and "report.txt:" in err and "submitter heading missing" in err, err


def test_malformed_records_file_names_its_line(tmp_path, corpus):
    pledges = write_records(corpus, tmp_path) / "pledges.jsonl"
    rows = pledges.read_text().splitlines()
    rows[4] = rows[4][:40]
    pledges.write_text("\n".join(rows) + "\n")
    with pytest.raises(CorpusError, match=r"pledges\.jsonl:5: malformed record"):
        read_pledges(pledges)


# -- publishing: both files together or not at all ---------------------------------------------------------


def _pair(corpus_dir: Path) -> tuple[int, int]:
    folder = records_dir(corpus_dir)
    return len(read_pledges(folder / "pledges.jsonl")), len(read_sections(folder / "sections.jsonl"))


def test_a_publish_replaces_the_pair_and_cleans_up(tmp_path, corpus):
    from pledgebot.corpus.report import Corpus

    first = write_records(corpus, tmp_path)
    smaller = Corpus(corpus.pledges[:5], corpus.sections[:2], corpus.priorities)
    second = write_records(smaller, tmp_path)
    assert second != first and not first.exists() and _pair(tmp_path) == (5, 2)
    assert write_records(smaller, tmp_path) == second  # the same records: the same folder, nothing rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CURRENT", second.name]


def test_a_publish_that_fails_midway_leaves_the_previous_pair(tmp_path, corpus, monkeypatch):
    from pledgebot.corpus import jsonl
    from pledgebot.corpus.report import Corpus

    write_records(corpus, tmp_path)
    real = jsonl.atomic_write_text

    def crash_on_sections(path, text):
        if path.name == "sections.jsonl":
            raise OSError("No space left on device")
        real(path, text)

    monkeypatch.setattr(jsonl, "atomic_write_text", crash_on_sections)
    with pytest.raises(OSError, match="No space"):
        write_records(Corpus(corpus.pledges[:5], corpus.sections[:2], corpus.priorities), tmp_path)
    assert _pair(tmp_path) == (len(corpus.pledges), len(corpus.sections))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left


@pytest.mark.parametrize(("pointer", "why"), [(b"\xff\xfe", "cannot be read"), (b"../../etc", "names no records")])
def test_a_bad_pointer_is_an_error_naming_it(tmp_path, corpus, pointer, why):
    write_records(corpus, tmp_path)
    (tmp_path / "CURRENT").write_bytes(pointer)
    with pytest.raises(CorpusError, match=why) as err:
        records_dir(tmp_path)
    assert "CURRENT" in str(err.value)


def test_records_without_a_pointer_are_read_in_place(tmp_path, corpus):
    folder = write_records(corpus, tmp_path / "published")
    for name in ("pledges.jsonl", "sections.jsonl"):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    assert records_dir(tmp_path) == tmp_path and _pair(tmp_path) == (len(corpus.pledges), len(corpus.sections))


@pytest.mark.slow
def test_killing_corpus_build_never_tears_the_pair(tmp_path):
    """kill -9 at several moments of a real `pledgebot corpus build`: the live records are always one build's."""
    import os
    import signal
    import subprocess
    import sys
    import time

    def contents(corpus_dir: Path) -> tuple[str, str]:
        folder = records_dir(corpus_dir)
        return (folder / "pledges.jsonl").read_text(), (folder / "sections.jsonl").read_text()

    report, corpus_dir = tmp_path / "report.txt", tmp_path / "corpus"
    env = dict(os.environ, PLEDGEBOT_CORPUS_DIR=str(corpus_dir), PLEDGEBOT_REPORT=str(report))
    cmd = [sys.executable, "-m", "pledgebot.cli", "corpus", "build"]
    builds = []
    # two reports whose records differ in both files: the whole build of each, published in turn
    for text in (REPORT.read_text(encoding="utf-8"), REPORT.read_text(encoding="utf-8").replace("refugee", "réfugié")):
        report.write_text(text, encoding="utf-8")
        assert subprocess.run(cmd, env=env, capture_output=True, timeout=120, check=False).returncode == 0
        builds.append(contents(corpus_dir))
    assert builds[0][0] != builds[1][0] and builds[0][1] != builds[1][1]
    report.write_text(REPORT.read_text(encoding="utf-8"), encoding="utf-8")  # back to the first: kill its publish
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 2.0, 2.5, 3.0):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert contents(corpus_dir) in builds  # whole: both files of one build, the old one or the new one
    assert subprocess.run(cmd, env=env, capture_output=True, timeout=120, check=False).returncode == 0
    assert contents(corpus_dir) == builds[0]
    assert sorted(p.name for p in corpus_dir.iterdir())[0] == "CURRENT" and len(list(corpus_dir.iterdir())) == 2


def test_pledges_cli_filters(capsys):
    assert main(["pledges", "--json", "--country", "Argentina"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert {r["submitter"] for r in rows} == {"Buenos Aires", "Quilmes"} and len(rows) == 3
    assert main(["pledges", "--year", "2023", "--type", "gcr only"]) == 0
    out = capsys.readouterr().out
    assert "14 of 77 pledges" in out
    assert main(["pledges", "--country", "Atlantis"]) == 1
    assert "unknown country 'Atlantis'" in capsys.readouterr().err


def test_an_editions_layout_comes_from_its_profile(tmp_path):
    """The part headings, the submissions' year and the priorities are the profile's, not the parser's: a
    next edition with its own heading parses with a profile saying so, and fails, naming the line, without."""
    text = REPORT.read_text(encoding="utf-8").replace(
        "CALL TO LOCAL ACTION: 2023 SUBMISSIONS", "CALL TO LOCAL ACTION: 2024 SUBMISSIONS"
    )
    text = re.sub(r"(?m)^2023 Action", "2024 Action", text)  # the edition's own highlighted actions
    report = tmp_path / "next-edition.txt"
    report.write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError, match=r"next-edition\.txt:\d+: expected a heading matching .*2023 SUBMISSIONS"):
        parse_report(report)
    lgc = profile("lgc-2023")
    parts = tuple(
        replace(p, heading=p.heading.replace("2023", "2024"), name=p.name.replace("2023", "2024"))
        if p.role == "submissions"
        else p
        for p in lgc.layout.parts
    )
    edition = replace(lgc, id="next", years=(2022, 2024), layout=replace(lgc.layout, parts=parts))
    corpus = parse_report(report, edition=edition)
    submitted = [p for p in corpus.pledges if p.year == 2024]
    assert len(submitted) == 54 and {p.report for p in corpus.pledges} == {"next"}
    assert all(p.source.section.startswith("Call to Local Action: 2024 Submissions › ") for p in submitted)
    with pytest.raises(CorpusError, match="expected the 9 priorities, found 8"):
        parse_report(report, edition=replace(edition, priorities=9))


def test_a_subregion_named_inside_a_region_holds_no_country_the_records_place_elsewhere(corpus):
    # "Middle East" is part of "Middle East and North Africa": a country whose pledges the records put in
    # Europe (Türkiye) is not one of its places, or "pledges from the Middle East" would list Europe's
    from pledgebot.places import default_gazetteer

    gaz = default_gazetteer()
    region_of = {p.country: p.region for p in corpus.pledges}
    for sub, countries in gaz.subregions.items():
        for region in (r for r in gaz.regions if sub.lower() in r.lower() and sub != r):
            assert all(region_of.get(c, region) == region for c in countries), (sub, region)
