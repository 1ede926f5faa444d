"""The organisers' page of ideas for next time: the topic suggestions grouped and counted, and the feedback
figures (``afterwards.ideas``). Reading only: the form that takes suggestions over as café questions or programme
points of a later meeting posts to ``meetings.series_views`` (as does the form that creates the next meeting)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from netzwerktreffen.afterwards import ideas
from netzwerktreffen.web.auth import organiser_meeting, organisers_only

bp = organisers_only(Blueprint("ideas", __name__, url_prefix="/organisation/treffen/<slug>/ideen"))


@bp.route("/")
def index(slug: str):
    meeting = organiser_meeting(slug)
    targets = ideas.later_meetings(meeting, current_user)
    return render_template("ideas/index.html", meeting=meeting, tab="ideas", groups=ideas.suggestion_groups(meeting),
                           summary=ideas.feedback_summary(meeting), stop_words=sorted(ideas.STOP_WORDS),
                           targets=targets,
                           with_cafe={m.slug for m in targets if any(b.is_cafe for b in m.blocks)})
