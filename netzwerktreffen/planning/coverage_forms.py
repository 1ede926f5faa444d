"""The form for a coverage rule: "Jede Person aus [Bereichen] trifft mindestens [k] Personen aus [Bereichen]".

The fields take any input; ``rule_data`` reads it and ``coverage.rule_problems`` says in German what is
wrong (so a typed letter or a foreign block gets a sentence, never a form library's English)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField

from netzwerktreffen.core.models import Meeting
from netzwerktreffen.planning.coverage import RuleData, speed_blocks
from netzwerktreffen.web.fields import Form, MultiCheckboxField

ALL_BLOCKS = "alle"


class CoverageRuleForm(Form):
    block = SelectField(_l("Gilt für"), validate_choice=False)
    who = MultiCheckboxField(_l("Jede Person aus"), validate_choice=False)
    at_least = StringField(_l("trifft mindestens"), default="1",
                           description=_l("Zahl von 1 bis 10: so viele verschiedene Personen …"))
    meets = MultiCheckboxField(_l("… aus diesen Bereichen"), validate_choice=False,
                               description=_l("Derselbe Bereich darf auf beiden Seiten stehen; niemand trifft "
                                              "sich dabei selbst."))


def rule_form(meeting: Meeting, rule=None) -> CoverageRuleForm:
    """The form with the meeting's speed-networking blocks and sectors; filled from ``rule`` when given."""
    form = CoverageRuleForm()
    form.block.choices = [(ALL_BLOCKS, str(_l("alle Speed-Networking-Blöcke")))] + [
        (str(b.id), b.title) for b in speed_blocks(meeting)]
    sectors = [(s.key, s.display_name) for s in meeting.sectors]
    form.who.choices = sectors
    form.meets.choices = sectors
    if rule is not None and not form.is_submitted():
        form.block.data = str(rule.block_id) if rule.block_id else ALL_BLOCKS
        form.who.data = list(rule.who_sectors)
        form.meets.data = list(rule.meets_sectors)
        form.at_least.data = str(rule.at_least)
    return form


def rule_data(form: CoverageRuleForm) -> RuleData:
    """What the organiser entered; an unreadable number or block becomes one the service refuses."""
    text = (form.at_least.data or "").strip()
    block = (form.block.data or ALL_BLOCKS).strip()
    return RuleData(who=list(form.who.data or []), meets=list(form.meets.data or []),
                    at_least=int(text) if text.isdigit() and len(text) < 4 else 0,
                    block_id=None if block == ALL_BLOCKS else (int(block) if block.isdigit() and len(block) < 10
                                                                else -1))
