"""The café harvest's form: one notes field per round (under its guiding question), then the next steps."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, TextAreaField
from wtforms.validators import Length

from netzwerktreffen.afterwards.harvest import MAX_TEXT, round_questions
from netzwerktreffen.core.models import CafeTable
from netzwerktreffen.core.text import clean
from netzwerktreffen.web.fields import Form


class HarvestForm(Form):
    """Notes per round (under the round's guiding question) and the next steps."""

    # the list's fields name the one text filter themselves, as web.fields.Form asks of fields inside a FieldList
    notes = FieldList(TextAreaField(filters=[clean], validators=[Length(max=MAX_TEXT)]), min_entries=0)
    next_steps = TextAreaField(_l("Ergebnis: nächste Schritte, wer macht was bis wann, welche Hilfe fehlt noch?"),
                               validators=[Length(max=MAX_TEXT)])

    @classmethod
    def for_table(cls, cafe_table: CafeTable, **kwargs) -> HarvestForm:
        """The form for one table, with one notes field per round, labelled with its guiding question."""
        questions = round_questions(cafe_table.block)
        notes = list(cafe_table.harvest_notes or [])
        notes += [""] * (len(questions) - len(notes))
        form = cls(data={"notes": notes[:len(questions)], "next_steps": cafe_table.harvest_next_steps},
                   prefix=f"t{cafe_table.id}", **kwargs)
        while len(form.notes) < len(questions):  # a submitted form lacking fields gets them back, empty
            form.notes.append_entry("")
        while len(form.notes) > len(questions):  # and one with more than the café has rounds loses them
            form.notes.pop_entry()
        for entry, question in zip(form.notes, questions):
            entry.label.text = question
        return form
