"""The proven gap on the plan page and in the progress panel: a percentage only where the bound means
something (quality.meaningful_gap), plain words where it does not, per block and for the whole plan."""
from __future__ import annotations

import html
import math
import re

import pytest

import scheduler
from scheduler.speed import speed_bound
from scheduler.values import PairValues
from netzwerktreffen.core.extensions import db
from netzwerktreffen.core.models import PlanningJob
from netzwerktreffen.planning import quality
from netzwerktreffen.planning import scheduler_io as scheduling
from netzwerktreffen.planning import service as planning

NO_BOUND_PLAN = {"de": "Für diesen Plan gibt es noch keine aussagekräftige Schranke: die Prozentzahl wäre irreführend.",
                 "en": "There is no meaningful bound for this plan yet: a percentage would be misleading."}
NO_BOUND_BLOCK = {"de": "Für diesen Block gibt es noch keine aussagekräftige Schranke: die Prozentzahl wäre irreführend.",
                  "en": "There is no meaningful bound for this block yet: a percentage would be misleading."}
GAUGE = {"de": "Punkte im Verhältnis zur oberen Schranke", "en": "Score relative to the upper bound"}
PROVEN = {"de": "Nachweislich höchstens {} unter dem Bestmöglichen", "en": "Provably at most {} below the best possible"}


# --------------------------------------------------------------------------
# The rule


@pytest.mark.parametrize("score, bound, shown", [
    (968.5, 1000.0, 0.032),  # 3.15 % rounded up: "at most" stays true
    (1000.0, 1000.0, 0.0),
    (1010.0, 1000.0, None),  # a plan above the bound: the bound was made for another instance
    (750.0, 1000.0, 0.25),  # the edge is still shown
    (749.0, 1000.0, None),  # a gap this large says nothing about the plan
    (100.0, None, None),  # no bound (yet)
    (None, 1000.0, None),
    (0.0, 0.0, None),  # a trivial bound: a share of zero means nothing
    (-5.0, -1.0, None),
    (10.0, math.inf, None),
    (-20.0, 10.0, None),  # a negative score under a positive bound: over 100 %
])
def test_meaningful_gap(score, bound, shown):
    assert quality.meaningful_gap(score, bound) == (None if shown is None else pytest.approx(shown))


def test_block_bounds_give_each_block_the_whole_plans_slack():
    assert quality.block_bounds(110.0, {"a": 60.0, "b": 40.0}) == {"a": 70.0, "b": 50.0}
    assert quality.block_bounds(110.0, {"a": 100.0}) == {"a": 110.0}
    assert quality.block_bounds(None, {"a": 60.0, "b": 40.0}) == {"a": None, "b": None}
    # a block's own bound (e.g. speed_bound) where it is tighter; alone where the plan has none
    assert quality.block_bounds(110.0, {"a": 60.0, "b": 40.0}, {"a": 65.0}) == {"a": 65.0, "b": 50.0}
    assert quality.block_bounds(110.0, {"a": 60.0, "b": 40.0}, {"a": 90.0}) == {"a": 70.0, "b": 50.0}
    assert quality.block_bounds(None, {"a": 60.0, "b": 40.0}, {"a": 90.0}) == {"a": 90.0, "b": None}
    # a bound below what the block already scores holds for another instance: no bound
    assert quality.block_bounds(90.0, {"a": 60.0, "b": 40.0}, {"b": 30.0}) == {"a": None, "b": None}


def test_inferred_block_bounds_hold_on_every_plan(published_meeting):
    """The inferred bound of a block is never below what the block scores in any valid plan of the same
    instance (here: the hand-written plan and the optimiser's, each judged by the other's bound)."""
    meeting = published_meeting()
    version = meeting.plan_versions[-1]
    solved = planning.solve_meeting(meeting, time_limit=3)
    for bound_from, plan in ((solved.version, version.plan), (solved.version, solved.version.plan)):
        scores = {k: row["score"] for k, row in scheduler.check(version.instance, plan)["blocks"].items()}
        own = {k: row["score"] for k, row in
               scheduler.check(version.instance, bound_from.plan)["blocks"].items()}
        for block_id, bound in quality.block_bounds(bound_from.bound, own).items():
            assert bound >= scores[block_id] - 1e-6


# --------------------------------------------------------------------------
# The plan page


def versions_with_bounds(meeting):
    """Three drafts of the same plan: a tight bound (the whole plan 3.15 % below it), a bound that is
    tight for the bigger block and says nothing for the smaller one, and no bound at all."""
    version = meeting.plan_versions[-1]
    blocks = {k: row["score"] for k, row in scheduler.check(version.instance, version.plan)["blocks"].items()}
    small, big = sorted(blocks, key=blocks.get)
    assert 0 < blocks[small] < blocks[big]
    total = sum(blocks.values())
    slack = total / 6  # the bigger block 1/7 or less below its bound, the smaller one more than 25 %
    assert slack / (slack + blocks[small]) > quality.MEANINGFUL_GAP >= slack / (slack + blocks[big])
    made = {}
    for name, bound in (("tight", total / (1 - 0.0315)), ("mixed", total + slack), ("none", None)):
        made[name] = planning.store_version(meeting, version.instance, dict(version.plan), source="import",
                                            bound=bound)
    return made, small, big, blocks, slack


def gap_texts(page: str) -> tuple[str, dict[str, str]]:
    """The whole plan's gap and each block's (by block title), as the page shows them."""
    text = lambda s: " ".join(html.unescape(re.sub(r"<[^>]+>", "", s)).split())  # noqa: E731
    whole = text(re.search(r'<dd id="plan-gap">(.*?)</dd>', page, re.S).group(1))
    blocks = {text(title): text(gap) for title, gap in
              re.findall(r'<section class="card plan-block">\s*<h2>(.*?)</h2>.*?<p class="hint block-gap">(.*?)</p>',
                         page, re.S)}
    return whole, blocks


@pytest.mark.parametrize("lang", ["de", "en"])
def test_plan_page_shows_the_proven_gap_only_where_it_means_something(logged_in, published_meeting, lang):
    meeting = published_meeting()
    made, small, big, blocks, slack = versions_with_bounds(meeting)
    title = {scheduling.block_key(b): b.title for b in meeting.blocks}
    url = f"/organisation/treffen/{meeting.slug}/plan/v{{}}?lang={lang}"

    page = logged_in.get(url.format(made["tight"].number)).get_data(as_text=True)
    assert GAUGE[lang] in page
    whole, per_block = gap_texts(page)
    assert whole == PROVEN[lang].format("3,2 %" if lang == "de" else "3.2%")
    assert set(per_block) == set(title.values())
    assert all(text.startswith(PROVEN[lang].split("{}")[0]) for text in per_block.values())

    whole, per_block = gap_texts(logged_in.get(url.format(made["mixed"].number)).get_data(as_text=True))
    big_gap = math.ceil(1000 * slack / (slack + blocks[big])) / 10
    assert per_block[title[big]] == PROVEN[lang].format(
        f"{big_gap:.1f} %".replace(".", ",") if lang == "de" else f"{big_gap:.1f}%")
    assert per_block[title[small]] == NO_BOUND_BLOCK[lang]
    assert "%" in whole  # the whole plan is 1/7 below its bound: worth saying

    # without the plan's bound only the speed block has one of its own, and here it says nothing either
    parsed = scheduler.parse_instance(made["none"].instance)
    speed = next(b for b in parsed.blocks if isinstance(b, scheduler.SpeedBlock))
    own = speed_bound(parsed, speed, PairValues(parsed))
    assert quality.meaningful_gap(blocks[speed.id], own) is None
    page = logged_in.get(url.format(made["none"].number)).get_data(as_text=True)
    whole, per_block = gap_texts(page)
    assert whole == NO_BOUND_PLAN[lang]
    assert set(per_block.values()) == {NO_BOUND_BLOCK[lang]}
    assert "%" not in whole + "".join(per_block.values())
    assert GAUGE[lang] not in page  # no chart of the score against a bound that says nothing


@pytest.mark.parametrize("lang", ["de", "en"])
def test_versions_list_says_which_versions_have_a_meaningful_bound(logged_in, published_meeting, lang):
    meeting = published_meeting()
    made, *_ = versions_with_bounds(meeting)
    page = html.unescape(logged_in.get(f"/organisation/treffen/{meeting.slug}/plan/?lang={lang}").get_data(as_text=True))
    rows = {int(n): row for n, row in re.findall(r"<tr>\s*<td><a [^>]*>Version (\d+)</a></td>(.*?)</tr>",
                                                 page, re.S)}
    short = {"de": ("höchstens 3,2 % darunter", "noch keine aussagekräftige Schranke"),
             "en": ("at most 3.2% below", "no meaningful bound yet")}[lang]
    assert short[0] in rows[made["tight"].number]
    assert short[1] in rows[made["none"].number] and "%" not in re.sub(r"<[^>]+>", "", rows[made["none"].number])


# --------------------------------------------------------------------------
# The progress panel


@pytest.mark.parametrize("score, bound, gap", [(968.5, 1000.0, 0.032), (300.0, 1000.0, None), (300.0, None, None)])
def test_progress_answer_sends_a_gap_only_where_the_bound_means_something(logged_in, published_meeting,
                                                                           score, bound, gap):
    meeting = published_meeting()
    job = PlanningJob(meeting=meeting, time_limit=30, status="running", best_score=score, bound=bound)
    db.session.add(job)
    db.session.commit()
    answer = logged_in.get(f"/organisation/treffen/{meeting.slug}/plan/lauf/{job.id}").get_json()
    assert answer["best_score"] == score and answer["bound"] == bound
    assert answer["gap"] == (None if gap is None else pytest.approx(gap))


@pytest.mark.parametrize("lang", ["de", "en"])
def test_progress_panel_carries_its_words_in_the_page_language(logged_in, published_meeting, lang):
    meeting = published_meeting()
    db.session.add(PlanningJob(meeting=meeting, time_limit=30, status="running"))
    db.session.commit()
    page = logged_in.get(f"/organisation/treffen/{meeting.slug}/plan/?lang={lang}").get_data(as_text=True)
    gap = re.search(r'<dd id="gap"(.*?)>', page, re.S).group(1)
    words = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', html.unescape(gap)))
    assert words["no-bound"] == NO_BOUND_PLAN[lang]
    assert words["proven"] == PROVEN[lang].format("{gap}")
    assert words["optimal"] == {"de": "Nachweislich das Bestmögliche", "en": "Provably the best possible"}[lang]


# --------------------------------------------------------------------------
# In a real browser


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 390])
def test_gap_words_in_the_browser_fit_the_page(app, live_server, browser_page, published_meeting, organiser,
                                               width, tmp_path):
    """The plan page's gap sentences and the progress panel's (written by its script with Intl.NumberFormat)
    in a real browser, at a desk's and a phone's width: the words are there and nothing sticks out."""
    from browser_helpers import log_in, too_wide
    import os

    meeting = published_meeting()
    made, small, big, *_ = versions_with_bounds(meeting)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, organiser.email)
    shots = os.environ.get("GAP_SCREENSHOTS")  # a folder to look at the pages in
    page.goto(f"{live_server}/organisation/treffen/{meeting.slug}/plan/v{made['mixed'].number}")
    texts = page.locator(".block-gap").all_inner_texts()
    assert NO_BOUND_BLOCK["de"] in texts and any(t.startswith("Nachweislich höchstens") for t in texts)
    assert page.inner_text("#plan-gap").startswith("Nachweislich höchstens")
    wide = too_wide(page)
    assert wide["scroll"] <= wide["viewport"] or not [w for w in wide["wide"] if "gap" in w[1]], wide
    if shots:
        page.screenshot(path=f"{shots}/plan-{width}.png", full_page=True)
    job = PlanningJob(meeting=meeting, time_limit=600, status="running", best_score=968.5, bound=1000.0)
    db.session.add(job)
    db.session.commit()
    page.goto(f"{live_server}/organisation/treffen/{meeting.slug}/plan/")
    from playwright.sync_api import expect
    expect(page.locator("#gap")).to_have_text("Nachweislich höchstens 3,2 % unter dem Bestmöglichen")
    if shots:
        page.screenshot(path=f"{shots}/progress-{width}.png", full_page=True)
    job.bound = 4000.0
    db.session.commit()
    expect(page.locator("#gap")).to_have_text(NO_BOUND_PLAN["de"])
    wide = too_wide(page)
    assert wide["scroll"] <= wide["viewport"], wide
