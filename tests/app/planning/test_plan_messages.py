"""The planner's findings in plain German (and English): every code of the scheduler has a sentence
that names people, blocks and café tables as the pages do, counts rounds from 1, shows no internal id."""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

import scheduler
from scheduler.explain import Note, diagnose, explain_plan
from scheduler.validate import Violation

from netzwerktreffen import create_app
from netzwerktreffen.planning import message_table
from netzwerktreffen.planning import messages as plan_messages
from netzwerktreffen.planning import service as planning
from netzwerktreffen.planning.messages import Names

ID = re.compile(r"\b[rbtp]\d+\b")  # r12, b4, t5 (and the scheduler's p17)
SCHEDULER = Path(scheduler.__file__).parent

RANA, JONAS, ANNA = "r12", "r13", "r14"
PEOPLE = {RANA: "Rana Haddad", JONAS: "Jonas Berg", ANNA: "Anna Weber"}
SPEED, CAFE, TABLE, OTHER_TABLE = "b4", "b5", "t5", "t6"


@pytest.fixture(scope="module")
def plain_app(tmp_path_factory):
    """The app without a database: messages need only translations."""
    folder = tmp_path_factory.mktemp("messages")
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'unused.sqlite'}",
                      "OUTBOX_DIR": str(folder / "outbox")})
    with app.test_request_context():
        yield app


@pytest.fixture
def names(plain_app):
    blocks = {SPEED: SimpleNamespace(title="Speed Networking", group_size=2, rounds=3),
              CAFE: SimpleNamespace(title="Pro-Action-Café", group_size=2, rounds=3)}
    tables = {TABLE: SimpleNamespace(number="7", question="Wie gelingt Kinderbetreuung während der Sprachkurse?"),
              OTHER_TABLE: SimpleNamespace(number="8", question="Anerkennung beschleunigen")}
    return Names(PEOPLE, blocks, tables)


def clean(text: str) -> None:
    """No internal id, no 0-based round, no English developer text."""
    assert not ID.search(text), text
    assert "Runde 0" not in text and "round" not in text.lower(), text
    for english in ("pauses", "table t", "speaks", "share", "locked", "present"):
        assert english not in text, text


def codes_in(path: Path, pattern: str) -> set[str]:
    return set(re.findall(pattern, path.read_text()))


# --------------------------------------------------------------------------
# The table covers every code the scheduler can report


def test_every_scheduler_code_has_a_sentence():
    validator = codes_in(SCHEDULER / "validate.py", r'self\.add\("([a-z-]+)"') \
        | codes_in(SCHEDULER / "validate.py", r'Violation\(\s*"([a-z-]+)"') \
        | {"same-organisation", "avoid", "no-common-language"}
    infeasible = codes_in(SCHEDULER / "speed.py", r'code="([a-z-]+)"') \
        | codes_in(SCHEDULER / "cafe" / "start.py", r'code="([a-z-]+)"') \
        | {"lock-absent", "lock-host", "lock-conflict", "lock-language", "lock-cafe"}
    notes = codes_in(SCHEDULER / "explain.py", r'Note\("([a-z-]+)"') \
        | codes_in(SCHEDULER / "explain.py", r'"(pause-[a-z-]+|revisit-[a-z-]+)"')
    brief = {"pause-no-language", "pause-colleagues", "pause-all-met", "pause-few-partners", "pause-group-size",
             "revisit-language", "revisit-seats", "overfull-table", "coverage-missed", "few-partners",
             "no-language", "colleagues", "cafe-revisits", "cafe-seats", "cafe-language-seats", "cafe-no-language",
             "host-language", "lock-absent", "lock-forbidden", "lock-repeat", "lock-too-large", "lock-unfillable",
             "lock-too-many-larger", "lock-host", "lock-conflict", "lock-language", "lock-cafe", "absent-paused",
             "pause-rounds", "cafe-pauses"}
    wanted = validator | infeasible | notes | brief
    assert len(validator) >= 20 and len(infeasible) >= 8
    missing = sorted(code for code in wanted if code not in message_table.MESSAGES)
    assert not missing


# --------------------------------------------------------------------------
# Validator findings (planning.explain keeps its signature)


VIOLATIONS = [  # code, participants
    ("same-organisation", (RANA, JONAS)), ("avoid", (RANA, JONAS)), ("no-common-language", (RANA, JONAS)),
    ("repeat", (RANA, JONAS)), ("group-size", (RANA,)), ("missing-participant", (RANA,)),
    ("seated-twice", (RANA,)), ("absent-seated", (RANA,)), ("absent-paused", (RANA,)),
    ("lock-broken", (RANA, JONAS)), ("host-away", (RANA,)), ("seats-exceeded", (RANA, JONAS)),
    ("table-language", (RANA,)), ("too-many-larger-groups", ()), ("fixed-round-changed", ()),
    ("unknown-participant", ("r999",)), ("unknown-table", ()), ("round-count", ()), ("pause-rounds", ()),
    ("cafe-pauses", ()), ("unknown-block", ()), ("missing-block", ()), ("wrong-round-shape", ()),
]


@pytest.mark.parametrize("code,people", VIOLATIONS)
def test_violation_sentences_name_people_and_count_rounds_from_one(names, code, people):
    violation = Violation(code, SPEED, 0, people, f"{SPEED} round 0: {' and '.join(people)} something in English")
    text = planning.explain(violation, PEOPLE)  # the signature another developer calls
    assert text.startswith("Runde 1: "), text
    clean(text)
    for pid in people:
        if pid in PEOPLE and code not in ("seats-exceeded",):
            assert PEOPLE[pid] in text
    with_blocks = plan_messages.explain_violation(violation, names)
    assert with_blocks.startswith("Speed Networking, Runde 1: ")
    clean(with_blocks)


def test_old_sentence_kept_for_colleagues():
    violation = Violation("same-organisation", SPEED, 0, (RANA, JONAS), "")
    assert planning.explain(violation, PEOPLE) == "Runde 1: Rana Haddad und Jonas Berg arbeiten in derselben Organisation."


def test_violation_without_round_and_unknown_person(names):
    text = planning.explain(Violation("missing-participant", SPEED, None, ("r77",), "b4: r77 is present"), PEOPLE)
    assert text.startswith("Eine nicht mehr angemeldete Person ist anwesend")
    clean(text)


def test_unknown_code_never_shows_the_scheduler_text(names):
    violation = Violation("something-new", SPEED, 2, (RANA,), "b4 round 2: r12 broke a brand-new rule")
    text = planning.explain(violation, PEOPLE)
    assert text.startswith("Runde 3: ") and "brand-new" not in text
    clean(text)


# --------------------------------------------------------------------------
# No plan can exist (scheduler.Infeasible)


INFEASIBLE = [  # code, block, round, participants, numbers, words the sentence must contain
    ("cafe-seats", CAFE, 1, (), {"tables": 3, "seats": 15, "people": 19}, ["15 Plätzen", "19 Anwesende"]),
    ("cafe-language-seats", CAFE, 0, (RANA,), {"tables": [TABLE], "seats": 2, "people": 4},
     ["Tisch 7 („Wie gelingt", "2 freie Plätze", "4 Gäste"]),
    ("cafe-no-language", CAFE, 0, (RANA,), {"languages": ["de", "en"]}, ["Deutsch und Englisch"]),
    ("host-language", CAFE, None, (RANA,), {"table": TABLE, "language": "en"}, ["Gastgeber", "Englisch", "Tisch 7"]),
    ("lock-absent", SPEED, 2, (RANA,), {}, ["festgelegt", "nicht teil"]),
    ("lock-forbidden", SPEED, 1, (RANA, JONAS), {"reason": "same-organisation"}, ["derselben Organisation"]),
    ("lock-forbidden", SPEED, 1, (RANA, JONAS), {"reason": "avoid"}, ["nicht zusammensitzen"]),
    ("lock-forbidden", SPEED, 1, (RANA, JONAS), {"reason": "no-common-language"}, ["keine gemeinsame Sprache"]),
    ("lock-repeat", SPEED, 1, (RANA, JONAS), {}, ["früheren Runde"]),
    ("lock-too-large", SPEED, 0, (RANA, JONAS, ANNA), {}, ["höchstens 3"]),
    ("lock-unfillable", SPEED, 0, (RANA, JONAS), {}, ["weitere Personen"]),
    ("lock-too-many-larger", SPEED, 0, (), {"larger": 3}, ["3 größere Gruppen", "höchstens 1"]),
    ("lock-host", CAFE, 0, (RANA,), {"table": TABLE}, ["Gastgeber", "Tisch 7"]),
    ("lock-conflict", CAFE, 0, (RANA,), {"table": TABLE}, ["zwei verschiedenen Tischen"]),
    ("lock-language", CAFE, 0, (RANA,), {"table": TABLE}, ["Sprache nicht"]),
    ("lock-cafe", CAFE, 0, (RANA,), {"table": TABLE}, ["Tisch 7"]),
]


@pytest.mark.parametrize("code,block,round_,people,numbers,words", INFEASIBLE)
def test_infeasible_sentences(names, code, block, round_, people, numbers, words):
    error = scheduler.Infeasible(f"{block} round {round_}: r12 something", code=code, block=block, round=round_,
                                 participants=people, numbers=numbers)
    found = plan_messages.explain_infeasible(error, names)
    text = found.message
    clean(text)
    title = "Speed Networking" if block == SPEED else "Pro-Action-Café"
    assert text.startswith(title)
    if round_ is not None:
        assert f"Runde {round_ + 1}:" in text
    for pid in people:
        assert PEOPLE[pid] in text
    for word in words:
        assert word in text, (word, text)
    assert found.advice and found.severity == plan_messages.ERROR
    assert found.people == [int(pid[1:]) for pid in people]


def test_advice_says_what_to_do(names):
    def advice(code, **numbers):
        error = scheduler.Infeasible("", code=code, block=CAFE, round=0, participants=(RANA,), numbers=numbers)
        return plan_messages.explain_infeasible(error, names).advice
    assert "Plätze" in advice("cafe-seats", tables=2, seats=8, people=12)
    assert "Dolmetscher" in advice("cafe-no-language", languages=["de"])
    assert "Festlegung" in advice("lock-forbidden", reason="avoid")
    assert "Sprache" in advice("host-language", table=TABLE, language="en")


def test_long_lists_of_people_are_cut(plain_app):
    people = {f"r{k}": f"Person {k}" for k in range(30)}
    found = plan_messages.describe("cafe-no-language", Names(people), block=None, rounds=[0],
                                   participants=list(people), numbers={"languages": ["en"]})
    assert "Person 9" in found.text and "Person 10," not in found.text and "20 weitere Personen" in found.text


# --------------------------------------------------------------------------
# explain_plan and diagnose notes


NOTES = [  # code, block, round, participants, numbers, words
    ("pause-no-language", SPEED, 0, (RANA,), {"partners": 0, "rounds": 3, "languages": ["ar"]},
     ["Rana Haddad hat Pause", "nur Arabisch", "Dolmetscher", "Sprache"]),
    ("pause-colleagues", SPEED, 1, (RANA,), {"partners": 0, "rounds": 3, "languages": ["de"]},
     ["derselben Organisation", "nicht mit"]),
    ("pause-all-met", SPEED, 2, (RANA,), {"partners": 2, "rounds": 3, "languages": ["de"]},
     ["schon alle getroffen", "Wiederholungen"]),
    ("pause-few-partners", SPEED, 2, (RANA,), {"partners": 2, "rounds": 3, "languages": ["de"]},
     ["nur 2 mögliche", "3 Runden", "größere Gruppen"]),
    ("pause-group-size", SPEED, 1, (RANA,), {"partners": 5, "rounds": 3, "languages": ["de"]},
     ["Gruppen dieser Runde sind voll", "größere Gruppen"]),
    ("revisit-language", CAFE, 2, (RANA,), {"table": TABLE, "tables": 1, "rounds": 3, "languages": ["ar"]},
     ["ein zweites Mal an Tisch 7", "Arabisch", "Dolmetscher"]),
    ("revisit-seats", CAFE, 1, (RANA,), {"table": OTHER_TABLE, "tables": 3, "rounds": 3, "languages": ["de"]},
     ["Tisch 8 („Anerkennung beschleunigen“)", "mehr Plätze"]),
    ("overfull-table", CAFE, 1, (RANA,), {"table": TABLE, "extra": 2, "guests": 6, "language": "ar",
                                         "only_here": 1}, ["2 Gäste mehr", "Arabisch", "weiteren Tisch"]),
    ("coverage-missed", SPEED, None, (RANA,), {"rule": 0, "missing": 1, "at_least": 2}, ["Regel 1"]),
    ("coverage-missed", SPEED, None, (RANA,), {"rule": 1, "missing": 1, "at_least": 1, "reason": "capacity",
                                               "people": 10, "asked": 10, "rounds": 4, "achievable": 8},
     ["Regel 2", "10 Personen brauchen zusammen 10", "in 4 Runden sind höchstens 8", "Zahl der Runden"]),
    ("coverage-missed", SPEED, None, (RANA,), {"rule": 0, "missing": 2, "at_least": 2, "reason": "forbidden",
                                               "matching": 3, "possible": 0},
     ["2 Personen zu wenig", "Von den 3 Personen", "nur 0 treffen", "„nicht mit“ der Person"]),
    ("coverage-missed", SPEED, None, (RANA,), {"rule": 0, "missing": 1, "at_least": 1, "reason": "none-present"},
     ["Niemand, den die Regel verlangt", "weitere Personen"]),
    ("coverage-missed", SPEED, None, (RANA,), {"rule": 0, "missing": 1, "at_least": 1, "reason": "plan"},
     ["Möglich wäre es gewesen", "Festlegung"]),
    ("no-language", SPEED, None, (RANA,), {"partners": 0, "rounds": 3, "languages": ["ar"]},
     ["nur Arabisch", "allen 3 Runden Pause", "Dolmetscher"]),
    ("colleagues", SPEED, None, (RANA,), {"partners": 0, "rounds": 3, "languages": ["de"]}, ["niemandem"]),
    ("few-partners", SPEED, None, (RANA,), {"partners": 1, "rounds": 3, "languages": ["de"]},
     ["nur 1 mögliche", "Pause"]),
    ("cafe-revisits", CAFE, None, (RANA,), {"tables": 1, "rounds": 3, "languages": ["ar"]},
     ["nur 1 Café-Tisch bei", "zweites Mal", "Arabisch"]),
]


@pytest.mark.parametrize("code,block,round_,people,numbers,words", NOTES)
def test_note_sentences(names, code, block, round_, people, numbers, words):
    note = Note(code, block, round_, people, "English text with r12 and b4", numbers)
    [found] = plan_messages.explain_notes([note], names)
    text = found.message
    clean(text)
    for pid in people:
        assert PEOPLE[pid] in text
    for word in words:
        assert word in text, (word, text)
    assert found.severity == plan_messages.WARNING and found.advice


def test_pauses_of_one_person_merge_into_one_line(names):
    notes = [Note("pause-no-language", SPEED, r, (RANA,), "", {"partners": 0, "rounds": 3, "languages": ["ar"]})
             for r in range(3)]
    notes.append(Note("pause-all-met", SPEED, 2, (JONAS,), "", {"partners": 1, "rounds": 3, "languages": ["de"]}))
    found = plan_messages.explain_notes(notes, names)
    assert len(found) == 2
    assert found[0].where == "Speed Networking, alle 3 Runden"
    assert found[1].where == "Speed Networking, Runde 3"
    two = plan_messages.explain_notes(notes[:2], names)
    assert two[0].where == "Speed Networking, Runden 1 und 2"


def test_diagnose_groups_people_with_the_same_reason(names):
    notes = [Note("cafe-revisits", CAFE, None, (pid,), "", {"tables": 2, "rounds": 3, "languages": ["de"]})
             for pid in (RANA, JONAS, ANNA)]
    [found] = plan_messages.explain_notes(notes, names, by="reason")
    assert "Rana Haddad, Jonas Berg und Anna Weber sprechen" in found.text and "werden" in found.text


def test_real_scheduler_notes_and_refusals(names):
    """The scheduler's own notes and Infeasible errors come out clean, with names."""
    people = [{"id": f"r{k}", "name": f"Person {k}", "organisation": f"Org {k}", "sector": "x",
               "languages": ["de"]} for k in range(20, 26)]
    people.append({"id": RANA, "name": "Rana Haddad", "organisation": "Org R", "sector": "x", "languages": ["ar"]})
    instance = scheduler.parse_instance({
        "format": "netzwerktreffen-instance/1", "participants": people,
        "blocks": [{"id": SPEED, "kind": "speed-networking", "rounds": 3, "group_size": 2},
                   {"id": CAFE, "kind": "pro-action-cafe", "rounds": 3,
                    "tables": [{"id": TABLE, "seats": 8, "language": "de", "host": "r20"},
                               {"id": OTHER_TABLE, "seats": 8, "host": "r21"}]}]})
    all_names = Names({**PEOPLE, **{p["id"]: p["name"] for p in people}}, names.blocks, names.tables)
    for note_list in (diagnose(instance),):
        for found in plan_messages.explain_notes(note_list, all_names, by="reason"):
            clean(found.message)
    from scheduler.solve import solve
    result = solve(instance, time_limit=3)
    explained = plan_messages.explain_notes(explain_plan(instance, result.plan), all_names)
    pauses = [e for e in explained if e.code == "pause-no-language"]
    assert len(pauses) == 1 and pauses[0].where == "Speed Networking, alle 3 Runden"
    assert "Rana Haddad hat Pause" in pauses[0].text
    for found in explained:
        clean(found.message)
    # too few café seats: no plan at all
    small = scheduler.parse_instance({
        "format": "netzwerktreffen-instance/1", "participants": people,
        "blocks": [{"id": CAFE, "kind": "pro-action-cafe", "rounds": 2,
                    "tables": [{"id": TABLE, "seats": 3}, {"id": OTHER_TABLE, "seats": 3}]}]})
    with pytest.raises(scheduler.Infeasible) as caught:
        solve(small, time_limit=2)
    found = plan_messages.explain_infeasible(caught.value, all_names)
    assert found.code == "cafe-seats" and "6 Plätzen" in found.text and "7 Anwesende" in found.text
    clean(found.message)


def test_instance_error_names_the_person_not_the_field(names):
    instance = {"participants": [{"id": RANA, "name": "Rana Haddad"}], "blocks": [{"id": SPEED}]}
    found = plan_messages.explain_instance_error(scheduler.InstanceError("participants[0].sector: missing"),
                                                 names, instance)
    assert "Rana Haddad" in found.message and "sector" not in found.message
    found = plan_messages.explain_instance_error(scheduler.InstanceError("blocks[0].rounds: must be >= 1"),
                                                 names, instance)
    assert found.where == "Speed Networking" and "rounds" not in found.message
    found = plan_messages.explain_instance_error(scheduler.InstanceError("weights.pause: not a number"), names, instance)
    clean(found.message) or None
    assert "weights" not in found.message


def test_english(names):
    with force_locale("en"):
        note = Note("pause-no-language", SPEED, 0, (RANA,), "", {"partners": 0, "rounds": 3, "languages": ["ar"]})
        [found] = plan_messages.explain_notes([note], names)
        assert "Rana Haddad" in found.message and "Arabic" in found.message
        assert "Runde" not in found.message and "Round 1" in found.where
        text = planning.explain(Violation("same-organisation", SPEED, 0, (RANA, JONAS), ""), PEOPLE)
        assert text == "Round 1: Rana Haddad and Jonas Berg work in the same organisation."
