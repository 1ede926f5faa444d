"""The message table: every code of the scheduler (validator, infeasibility, explain/diagnose notes)
as a sentence for the organiser and what they can do about it (see ``messages``)."""
from __future__ import annotations

from typing import Callable

from flask_babel import gettext as _
from flask_babel import ngettext

from netzwerktreffen.planning.names import Facts, join, languages_or

# --------------------------------------------------------------------------
# The table: code -> (sentence, what the organiser can do)

Message = Callable[[Facts], tuple[str, str]]


def _lock_forbidden(f: Facts) -> tuple[str, str]:
    reason = f.n("reason", "")
    if reason == "same-organisation":
        text = _("Eine Festlegung setzt %(a)s und %(b)s zusammen, die in derselben Organisation arbeiten.",
                 a=f.a, b=f.b)
    elif reason == "avoid":
        text = _("Eine Festlegung setzt %(a)s und %(b)s zusammen, die nicht zusammensitzen sollen "
                 "(Angabe „nicht mit“).", a=f.a, b=f.b)
    else:
        text = _("Eine Festlegung setzt %(a)s und %(b)s zusammen, die keine gemeinsame Sprache haben.",
                 a=f.a, b=f.b)
    return text, _("Entfernen Sie die Festlegung.")


def _coverage(f: Facts) -> tuple[str, str]:
    text = ngettext("%(a)s trifft eine Person zu wenig, die Regel %(rule)s verlangt (verlangt: %(at_least)s).",
                    "%(a)s trifft %(num)s Personen zu wenig, die Regel %(rule)s verlangt (verlangt: %(at_least)s).",
                    f.n("missing"), a=f.a, rule=f.n("rule") + 1, at_least=f.n("at_least"))
    reason = f.n("reason", "")
    invite = _("Laden Sie weitere Personen aus diesen Bereichen ein oder lockern Sie die Regel.")
    if reason == "none-present":
        return text + " " + _("Niemand, den die Regel verlangt, ist da, wenn die Person da ist."), invite
    if reason == "few-present":
        return text + " " + _("Nur %(matching)s Personen, die die Regel verlangt, sind da, wenn die Person da ist.",
                              matching=f.n("matching")), invite
    if reason == "forbidden":
        return (text + " " + _("Von den %(matching)s Personen, die die Regel verlangt, darf die Person nur "
                               "%(possible)s treffen (dieselbe Organisation, keine gemeinsame Sprache oder "
                               "„nicht mit“).", matching=f.n("matching"), possible=f.n("possible")),
                _("Prüfen Sie Organisation, Sprachen und die Angabe „nicht mit“ der Person."))
    if reason == "capacity":
        return (text + " " + _("Zu wenige für alle: %(people)s Personen brauchen zusammen %(asked)s solche "
                               "Gespräche, in %(rounds)s Runden sind höchstens %(achievable)s möglich.",
                               people=f.n("people"), asked=f.n("asked"), rounds=f.n("rounds"),
                               achievable=f.n("achievable")),
                _("Erhöhen Sie die Zahl der Runden, laden Sie weitere Personen aus diesen Bereichen ein oder "
                  "lockern Sie die Regel."))
    if reason == "plan":
        return (text + " " + _("Möglich wäre es gewesen; der Plan hat es verfehlt."),
                _("Planen Sie mit mehr Rechenzeit neu oder setzen Sie die beiden mit einer Festlegung zusammen."))
    return text, _("Erhöhen Sie die Zahl der Runden oder lockern Sie die Regel.")


def _overfull(f: Facts) -> tuple[str, str]:
    extra, guests, only = f.n("extra"), f.n("guests"), f.n("only_here")
    text = ngettext("%(table)s hat einen Gast mehr als bei gleichmäßiger Verteilung (%(guests)s Gäste).",
                    "%(table)s hat %(num)s Gäste mehr als bei gleichmäßiger Verteilung (%(guests)s Gäste).",
                    extra, table=f.table, guests=guests)
    short = f.numbers.get("short") or []
    if only and f.language:
        text += " " + ngettext("%(people)s spricht nur die Sprache dieses Tisches (%(language)s).",
                               "%(people)s sprechen nur die Sprache dieses Tisches (%(language)s).",
                               only, people=f.people, language=f.language)
        advice = _("Bieten Sie einen weiteren Tisch auf %(language)s an oder stellen Sie einen anderen Tisch "
                   "auf %(language)s um; oder tragen Sie bei diesen Personen eine weitere Sprache ein.",
                   language=f.language)
    elif short:
        tables = join([f.names.table(key) for key in short])
        text += " " + ngettext("Denn %(tables)s bekommt kaum Gäste: nur wenige sprechen %(languages)s.",
                               "Denn %(tables)s bekommen kaum Gäste: nur wenige sprechen %(languages)s.",
                               len(short), tables=tables, languages=languages_or(f.numbers.get("short_languages")))
        advice = ngettext("Stellen Sie %(tables)s auf eine Sprache um, die mehr Gäste sprechen (z. B. Deutsch), oder "
                          "lassen Sie seine Sprache offen.",
                          "Stellen Sie %(tables)s auf eine Sprache um, die mehr Gäste sprechen (z. B. Deutsch), oder "
                          "lassen Sie ihre Sprache offen.", len(short), tables=tables)
    else:
        advice = _("Bieten Sie einen weiteren Tisch an, geben Sie den anderen Tischen mehr Plätze oder planen "
                   "Sie mit mehr Rechenzeit neu.")
    return text, advice


MESSAGES: dict[str, Message] = {
    # ---- validator: a plan breaks a rule -------------------------------------------------------
    "same-organisation": lambda f: (
        _("%(a)s und %(b)s arbeiten in derselben Organisation.", a=f.a, b=f.b), ""),
    "avoid": lambda f: (
        _("%(a)s und %(b)s sollen nicht zusammensitzen.", a=f.a, b=f.b), ""),
    "no-common-language": lambda f: (
        _("%(a)s und %(b)s haben keine gemeinsame Sprache.", a=f.a, b=f.b), ""),
    "repeat": lambda f: (
        _("%(a)s und %(b)s treffen sich ein zweites Mal.", a=f.a, b=f.b), ""),
    "group-size": lambda f: (
        _("Eine Gruppe hat die falsche Größe (%(people)s).", people=f.people), ""),
    "too-many-larger-groups": lambda f: (
        _("Es gibt mehr größere Gruppen als nötig."), ""),
    "missing-participant": lambda f: (
        _("%(a)s ist anwesend, aber nirgends eingeteilt.", a=f.a),
        _("Planen Sie neu oder setzen Sie die Person von Hand ein.")),
    "seated-twice": lambda f: (
        _("%(a)s ist mehrfach eingeteilt.", a=f.a), ""),
    "absent-seated": lambda f: (
        _("%(a)s ist eingeteilt, aber nicht anwesend.", a=f.a),
        _("Planen Sie neu; die Anmeldung hat sich geändert.")),
    "absent-paused": lambda f: (
        _("%(a)s hat laut Plan Pause, ist aber nicht anwesend.", a=f.a),
        _("Planen Sie neu; die Anmeldung hat sich geändert.")),
    "unknown-participant": lambda f: (
        _("Im Plan steht eine Person, die nicht (mehr) angemeldet ist."),
        _("Planen Sie neu.")),
    "lock-broken": lambda f: (
        _("Eine Festlegung wird nicht eingehalten (%(people)s).", people=f.people), ""),
    "host-away": lambda f: (
        _("%(a)s ist Gastgeberin oder Gastgeber und muss am eigenen Tisch bleiben.", a=f.a), ""),
    "seats-exceeded": lambda f: (
        _("An einem Tisch sitzen mehr Personen, als Plätze da sind."), ""),
    "table-language": lambda f: (
        _("%(a)s spricht die Sprache des Tisches nicht.", a=f.a), ""),
    "unknown-table": lambda f: (
        _("Im Plan steht ein Café-Tisch, den es nicht (mehr) gibt."), _("Planen Sie neu.")),
    "fixed-round-changed": lambda f: (
        _("Eine bereits stattgefundene Runde wurde verändert."), ""),
    "round-count": lambda f: (
        _("Der Plan hat eine andere Zahl von Runden als der Block."), _("Planen Sie neu.")),
    "pause-rounds": lambda f: (
        _("Die Pausen im Plan passen nicht zur Zahl der Runden."), _("Planen Sie neu.")),
    "cafe-pauses": lambda f: (
        _("Im Pro-Action-Café gibt es keine Pausen; der Plan nennt welche."), _("Planen Sie neu.")),
    "unknown-block": lambda f: (
        _("Der Plan enthält einen Block, den es im Treffen nicht (mehr) gibt."), _("Planen Sie neu.")),
    "missing-block": lambda f: (
        _("Ein Block des Treffens fehlt im Plan."), _("Planen Sie neu.")),
    "wrong-round-shape": lambda f: (
        _("Die Runden eines Blocks haben im Plan die falsche Form."), _("Planen Sie neu.")),

    # ---- explain_plan: who could not be fully served in a plan ---------------------------------
    "pause-no-language": lambda f: (
        _("%(a)s hat Pause: spricht nur %(languages)s, und niemand sonst in dieser Runde spricht das.",
          a=f.a, languages=f.langs),
        _("Tragen Sie bei der Person eine weitere Sprache ein, falls sie eine spricht, laden Sie jemanden ein, "
          "der %(languages)s spricht, oder melden Sie eine Dolmetscherin oder einen Dolmetscher als Begleitung an.",
          languages=f.langs_or)),
    "pause-colleagues": lambda f: (
        _("%(a)s hat Pause: alle Anwesenden mit einer gemeinsamen Sprache arbeiten in derselben Organisation "
          "oder stehen bei „nicht mit“.", a=f.a),
        _("Prüfen Sie die Organisation und die Angabe „nicht mit“ der Person oder tragen Sie eine weitere "
          "Sprache ein.")),
    "pause-all-met": lambda f: (
        _("%(a)s hat Pause: hat in diesem Block schon alle getroffen, die infrage kommen.", a=f.a),
        _("Erlauben Sie Wiederholungen in diesem Block, verringern Sie die Zahl der Runden oder tragen Sie "
          "bei der Person eine weitere Sprache ein.")),
    "pause-few-partners": lambda f: (
        _("%(a)s hat Pause: nur %(partners)s mögliche Gesprächspartner:innen für %(rounds)s Runden "
          "(gemeinsame Sprache, andere Organisation, nicht bei „nicht mit“).",
          a=f.a, partners=f.n("partners"), rounds=f.n("rounds")),
        _("Erlauben Sie größere Gruppen oder Wiederholungen in diesem Block, tragen Sie bei der Person eine "
          "weitere Sprache ein oder prüfen Sie ihre Angabe „nicht mit“.")),
    "pause-group-size": lambda f: (
        _("%(a)s hat Pause: die Gruppen dieser Runde sind voll, und keine, in die die Person passt, hat "
          "noch Platz.", a=f.a),
        _("Erlauben Sie größere Gruppen in diesem Block oder planen Sie mit mehr Rechenzeit neu.")),
    "revisit-language": lambda f: (
        _("%(a)s sitzt ein zweites Mal an %(table)s: spricht nur die Sprache von %(tables)s Tischen bei "
          "%(rounds)s Runden.", a=f.a, table=f.table, tables=f.n("tables"), rounds=f.n("rounds")),
        _("Stellen Sie einen weiteren Café-Tisch auf %(languages)s um oder lassen Sie seine Sprache offen, "
          "tragen Sie bei der Person eine weitere Sprache ein oder melden Sie eine Dolmetscherin oder einen "
          "Dolmetscher als Begleitung an.", languages=f.langs_or)),
    "revisit-seats": lambda f: (
        _("%(a)s sitzt ein zweites Mal an %(table)s: die anderen Tische in den Sprachen der Person waren in "
          "dieser Runde voll oder schon gleichmäßig besetzt.", a=f.a, table=f.table),
        _("Geben Sie den Café-Tischen mehr Plätze oder bieten Sie einen weiteren Tisch an.")),
    "overfull-table": _overfull,
    "coverage-missed": _coverage,

    # ---- diagnose: before planning, what will make the plan worse --------------------------------
    "no-language": lambda f: (
        ngettext("%(people)s spricht nur %(languages)s – niemand sonst in diesem Block spricht das. "
                 "Die Person wird in allen %(rounds)s Runden Pause haben.",
                 "%(people)s sprechen nur %(languages)s – niemand sonst in diesem Block spricht das. "
                 "Sie werden in allen %(rounds)s Runden Pause haben.",
                 f.count, people=f.people, languages=f.langs, rounds=f.n("rounds")),
        _("Tragen Sie eine weitere Sprache ein, falls die Person eine spricht, nehmen Sie die Sprache in die "
          "Sprachen des Treffens auf und laden Sie jemanden ein, der %(languages)s spricht, oder melden Sie "
          "eine Dolmetscherin oder einen Dolmetscher als Begleitung an.", languages=f.langs_or)),
    "colleagues": lambda f: (
        ngettext("%(people)s darf mit niemandem zusammensitzen: alle mit einer gemeinsamen Sprache arbeiten in "
                 "derselben Organisation oder stehen bei „nicht mit“. Die Person wird in allen %(rounds)s Runden "
                 "Pause haben.",
                 "%(people)s dürfen mit niemandem zusammensitzen: alle mit einer gemeinsamen Sprache arbeiten in "
                 "derselben Organisation oder stehen bei „nicht mit“. Sie werden in allen %(rounds)s Runden "
                 "Pause haben.", f.count, people=f.people, rounds=f.n("rounds")),
        _("Prüfen Sie Organisation und die Angabe „nicht mit“ oder tragen Sie eine weitere Sprache ein.")),
    "few-partners": lambda f: (
        ngettext("%(people)s hat nur %(partners)s mögliche Gesprächspartner:innen für %(rounds)s Runden und wird "
                 "in manchen Runden Pause haben.",
                 "%(people)s haben nur je %(partners)s mögliche Gesprächspartner:innen für %(rounds)s Runden und "
                 "werden in manchen Runden Pause haben.",
                 f.count, people=f.people, partners=f.n("partners"), rounds=f.n("rounds")),
        _("Erlauben Sie größere Gruppen oder Wiederholungen in diesem Block, verringern Sie die Zahl der Runden "
          "oder tragen Sie eine weitere Sprache ein.")),
    "cafe-revisits": lambda f: (
        ngettext("%(people)s spricht die Sprache von nur %(tables)s bei %(rounds)s Runden und wird "
                 "einen Tisch ein zweites Mal besuchen.",
                 "%(people)s sprechen die Sprache von nur %(tables)s bei %(rounds)s Runden und "
                 "werden einen Tisch ein zweites Mal besuchen.",
                 f.count, people=f.people, rounds=f.n("rounds"),
                 tables=ngettext("%(num)s Café-Tisch", "%(num)s Café-Tischen", f.n("tables"))),
        _("Bieten Sie mindestens so viele Tische in %(languages)s (oder ohne feste Sprache) an, wie es Runden "
          "gibt, oder verringern Sie die Zahl der Runden.", languages=f.langs_or)),
    "cafe-host-missing": lambda f: (
        _("%(table)s hat keine Gastgeberin und keinen Gastgeber mehr: %(host)s nimmt nicht am Café teil "
          "(abgemeldet oder nicht für diesen Block angemeldet).", table=f.table, host=f.numbers.get("host") or "–"),
        _("Wählen Sie eine neue Gastgeberin oder einen neuen Gastgeber für diesen Tisch oder entfernen Sie den "
          "Tisch.")),
    "cafe-no-common-language": lambda f: (
        ngettext("%(people)s teilt mit kaum jemandem eine Sprache, und kein Café-Tisch wird in %(languages)s "
                 "geführt: sie oder er sitzt mit Menschen am Tisch, mit denen es keine gemeinsame Sprache gibt.",
                 "%(people)s teilen mit kaum jemandem eine Sprache, und kein Café-Tisch wird in ihren Sprachen "
                 "geführt: sie sitzen mit Menschen am Tisch, mit denen es keine gemeinsame Sprache gibt.",
                 f.count, people=f.people, languages=f.langs_or),
        _("Stellen Sie einen Tisch auf %(languages)s um, melden Sie eine Dolmetscherin oder einen Dolmetscher "
          "als Begleitung an oder tragen Sie eine weitere Sprache ein.", languages=f.langs_or)),

    # ---- no plan can exist (Infeasible, and diagnose's "impossible") ---------------------------
    "cafe-seats": lambda f: (
        _("%(tables)s Café-Tische mit zusammen %(seats)s Plätzen reichen nicht für %(people)s Anwesende.",
          tables=f.n("tables"), seats=f.n("seats"), people=f.n("people")),
        _("Fügen Sie Tische hinzu oder geben Sie den Tischen im Raum mehr Plätze.")),
    "cafe-language-seats": lambda f: (
        ngettext("%(tables)s, die einzigen Tische in der Sprache von %(names)s, haben nur %(seats)s freie Plätze "
                 "für %(num)s Gast, der nur dort sitzen kann.",
                 "%(tables)s, die einzigen Tische in der Sprache von %(names)s, haben nur %(seats)s freie Plätze "
                 "für %(num)s Gäste, die nur dort sitzen können.",
                 f.n("people"), tables=f.tables, names=f.people, seats=f.n("seats")),
        _("Geben Sie diesen Tischen mehr Plätze, stellen Sie einen weiteren Tisch auf eine Sprache dieser Gäste "
          "um oder tragen Sie bei ihnen eine weitere Sprache ein.")),
    "cafe-no-language": lambda f: (
        ngettext("%(people)s spricht keine Sprache der Café-Tische (%(languages)s).",
                 "%(people)s sprechen keine Sprache der Café-Tische (%(languages)s).",
                 f.count, people=f.people, languages=f.langs),
        _("Stellen Sie einen Tisch auf eine Sprache der Person um oder lassen Sie seine Sprache offen, tragen "
          "Sie bei der Person eine weitere Sprache ein oder melden Sie eine Dolmetscherin oder einen Dolmetscher "
          "als Begleitung an.")),
    "host-language": lambda f: (
        _("%(a)s ist Gastgeber:in von %(table)s, spricht aber nicht dessen Sprache (%(language)s).",
          a=f.a, table=f.table, language=f.language),
        _("Stellen Sie den Tisch auf eine Sprache der Gastgeberin oder des Gastgebers um, tragen Sie die Sprache "
          "bei der Person ein oder wählen Sie eine andere Person als Gastgeber:in.")),
    "lock-absent": lambda f: (
        ngettext("%(people)s ist für diese Runde festgelegt, nimmt aber nicht teil.",
                 "%(people)s sind für diese Runde festgelegt, nehmen aber nicht teil.",
                 f.count, people=f.people),
        _("Entfernen Sie die Festlegung oder tragen Sie die Person für diesen Block ein.")),
    "lock-forbidden": _lock_forbidden,
    "lock-repeat": lambda f: (
        _("Eine Festlegung setzt %(a)s und %(b)s zusammen, die sich in einer früheren Runde schon getroffen "
          "haben.", a=f.a, b=f.b),
        _("Entfernen Sie die Festlegung oder erlauben Sie Wiederholungen in diesem Block.")),
    "lock-too-large": lambda f: (
        _("Festlegungen setzen %(people)s in eine Gruppe; so groß darf eine Gruppe nicht werden.",
          people=f.people) if not f.group_size else
        _("Festlegungen setzen %(people)s in eine Gruppe; Gruppen haben höchstens %(max)s Personen.",
          people=f.people, max=f.group_size + 1),
        _("Entfernen Sie eine der Festlegungen oder erlauben Sie größere Gruppen.")),
    "lock-unfillable": lambda f: (
        _("Die festgelegte Gruppe mit %(people)s braucht weitere Personen, aber niemand Anwesendes darf mit "
          "allen zusammensitzen.", people=f.people),
        _("Entfernen Sie die Festlegung oder prüfen Sie Sprachen, Organisationen und „nicht mit“.")),
    "lock-too-many-larger": lambda f: (
        _("Festlegungen verlangen %(larger)s größere Gruppen; möglich sind hier höchstens %(max)s.",
          larger=f.n("larger"), max=max((f.group_size or 2) - 1, 0)),
        _("Entfernen Sie Festlegungen, die Gruppen vergrößern.")),
    "lock-host": lambda f: (
        _("%(a)s ist an %(table)s festgelegt, ist aber Gastgeber:in eines anderen Tisches.", a=f.a, table=f.table),
        _("Entfernen Sie die Festlegung.")),
    "lock-conflict": lambda f: (
        _("%(a)s ist in dieser Runde an zwei verschiedenen Tischen festgelegt.", a=f.a),
        _("Entfernen Sie eine der beiden Festlegungen.")),
    "lock-language": lambda f: (
        _("%(a)s ist an %(table)s festgelegt, spricht aber dessen Sprache nicht.", a=f.a, table=f.table),
        _("Entfernen Sie die Festlegung oder ändern Sie die Sprache des Tisches.")),
    "lock-cafe": lambda f: (
        _("Die Festlegung von %(a)s an %(table)s lässt sich nicht einhalten.", a=f.a, table=f.table),
        _("Entfernen Sie die Festlegung.")),
    "infeasible": lambda f: (
        _("Für diesen Block gibt es keinen gültigen Plan."),
        _("Prüfen Sie Festlegungen, Tische, Plätze und Sprachen.")),
    "timeout": lambda f: (
        _("In der Rechenzeit wurde kein Plan gefunden."),
        _("Bitte geben Sie mehr Rechenzeit.")),

    # ---- the scheduler refuses the meeting's data (InstanceError) -------------------------------
    "instance-participant": lambda f: (
        _("Die Angaben von %(a)s lassen sich nicht planen.", a=f.a),
        _("Prüfen Sie die Anmeldung (Bereich, Sprachen, Themen) und speichern Sie sie neu.")),
    "instance-block": lambda f: (
        _("Dieser Block lässt sich so nicht planen."),
        _("Prüfen Sie Rundenzahl, Gruppengröße und Tische des Blocks.")),
    "instance": lambda f: (
        _("Die Angaben des Treffens lassen sich nicht planen."),
        _("Prüfen Sie Blöcke, Tische und Anmeldungen.")),

    # ---- what only the app knows (plan_check) --------------------------------------------------
    "room-too-few-tables": lambda f: (
        ngettext("Bis zu %(groups)s Gruppen (%(people)s Personen), im Raum „%(room)s“ steht aber nur %(num)s Tisch: "
                 "Platz %(first)s bis %(last)s hat keinen Tisch.",
                 "Bis zu %(groups)s Gruppen (%(people)s Personen), im Raum „%(room)s“ stehen aber nur %(num)s Tische: "
                 "Platz %(first)s bis %(last)s hat keinen Tisch.", f.n("tables"),
                 people=f.n("people"), groups=f.n("groups"), room=f.n("room", ""),
                 first=f.n("first", ""), last=f.n("last", "")) if f.n("first") != f.n("last") else
        ngettext("Bis zu %(groups)s Gruppen (%(people)s Personen), im Raum „%(room)s“ steht aber nur %(num)s Tisch: "
                 "Platz %(first)s hat keinen Tisch.",
                 "Bis zu %(groups)s Gruppen (%(people)s Personen), im Raum „%(room)s“ stehen aber nur %(num)s Tische: "
                 "Platz %(first)s hat keinen Tisch.", f.n("tables"),
                 people=f.n("people"), groups=f.n("groups"), room=f.n("room", ""), first=f.n("first", "")),
        _("Fügen Sie dem Raum Tische hinzu oder wählen Sie für den Block einen größeren Raum. Plätze ohne Tisch "
          "sind im Rundenplan und auf den Ausdrucken markiert.")),
    "round-extra-spots": lambda f: (
        ngettext("%(groups)s Gruppen, im Raum „%(room)s“ stehen aber nur %(tables)s Tische: Platz %(first)s ist "
                 "ein Zusatzplatz, der nicht im Raumplan steht.",
                 "%(groups)s Gruppen, im Raum „%(room)s“ stehen aber nur %(tables)s Tische: Platz %(first)s bis "
                 "%(last)s sind %(num)s Zusatzplätze, die nicht im Raumplan stehen.", f.n("extra"),
                 groups=f.n("groups"), room=f.n("room", ""), tables=f.n("tables"), first=f.n("first", ""),
                 last=f.n("last", "")),
        _("Stellen Sie dafür Tische auf (Raumplan und Tischkarten nennen sie „Zusatzplatz“), fügen Sie dem Raum "
          "Tische hinzu oder wählen Sie für den Block einen größeren Raum und planen Sie neu.")),
    "room-small-tables": lambda f: (
        _("Im Raum „%(room)s“ haben %(numbers)s weniger als %(size)s Plätze; so groß werden hier Gruppen.",
          room=f.n("room", ""), numbers=f.n("numbers", ""), size=f.n("size")),
        _("Geben Sie diesen Tischen mehr Plätze oder verkleinern Sie die Gruppen.")),
    "cafe-table-no-place": lambda f: (
        _("%(tables)s steht an keinem Tisch im Raum; geplant wird mit %(seats)s Plätzen.",
          tables=f.tables, seats=f.n("seats")),
        _("Ordnen Sie dem Café-Tisch einen Tisch im Raum zu; dann gelten dessen Plätze.")),
    "cafe-language-unused": lambda f: (
        _("%(table)s ist auf %(language)s, aber außer der Gastgeberin oder dem Gastgeber spricht niemand im "
          "Café %(language)s – der Tisch bleibt leer.", table=f.table, language=f.language),
        _("Stellen Sie den Tisch auf eine andere Sprache um (z. B. Deutsch) oder lassen Sie seine Sprache offen.")),
}

# What every code is: refused (no plan, or the plan breaks a rule) or a plan that is worse.
WARNING_CODES = {
    "pause-no-language", "pause-colleagues", "pause-all-met", "pause-few-partners", "pause-group-size",
    "revisit-language", "revisit-seats", "overfull-table", "coverage-missed",
    "no-language", "colleagues", "few-partners", "cafe-revisits", "cafe-no-common-language", "cafe-host-missing",
    "room-too-few-tables", "round-extra-spots", "room-small-tables", "cafe-table-no-place", "cafe-language-unused",
}
