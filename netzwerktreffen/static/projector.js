/* The projector's round clock (templates/projector/clock.html): runs on its own from the agenda
   (ablauf.json). The page hands over the agenda's address, the key for the state kept in the browser
   and the texts in data-config of <div id="projector-data">. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("projector-data").dataset.config);
  const URL_AGENDA = config.agenda;
  const KEY = config.key;
  const T = config.text;
  let agenda = null;
  // state kept in the browser: offset (ms added to the agenda), pause start, sound
  const saved = JSON.parse(localStorage.getItem(KEY) || "{}");
  let offset = saved.offset || 0, pausedAt = saved.pausedAt || null, sound = !!saved.sound;
  let lastIndex = null, lastOver = null;
  const $ = id => document.getElementById(id);
  function save() { localStorage.setItem(KEY, JSON.stringify({offset, pausedAt, sound})); }
  function clock() { return (pausedAt || Date.now()) - offset; }  // agenda time now
  const pad = n => String(n).padStart(2, "0");
  function mmss(ms) { const s = Math.max(0, Math.ceil(ms / 1000)); return pad(Math.floor(s / 60)) + ":" + pad(s % 60); }
  // the meeting's clock is Europe/Berlin's, whatever time zone the projector laptop is set to
  const BERLIN = new Intl.DateTimeFormat("de-DE", {hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "Europe/Berlin"});
  function hhmm(ms) { return BERLIN.format(new Date(ms)); }

  async function load() {
    try {
      const response = await fetch(URL_AGENDA, {headers: {"Accept": "application/json"}});
      if (response.ok) { agenda = await response.json(); lastIndex = null; }
    } catch (e) { /* offline: keep the agenda we have */ }
  }

  function current() {
    const t = clock(), rounds = agenda.rounds;
    for (let i = 0; i < rounds.length; i++) {
      if (t < rounds[i].start) { return {i, before: true}; }
      if (t < rounds[i].end) { return {i, before: false}; }
      if (i + 1 < rounds.length && t < rounds[i + 1].start) { return {i, gap: true}; }
    }
    return {i: rounds.length, done: true};
  }

  let audio = null;
  function beep() {
    if (!sound) { return; }
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.35, 0.7].forEach(function (at) {
        const o = audio.createOscillator(), g = audio.createGain();
        o.frequency.value = 880; o.connect(g); g.connect(audio.destination);
        g.gain.setValueAtTime(0.3, audio.currentTime + at); g.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + at + 0.3);
        o.start(audio.currentTime + at); o.stop(audio.currentTime + at + 0.32);
      });
    } catch (e) { /* no audio */ }
  }

  function showSpots(round) {
    const box = $("spots");
    box.innerHTML = "";
    const n = round.spots.length;
    const fs = n > 80 ? 1.5 : n > 50 ? 1.9 : n > 30 ? 2.4 : n > 15 ? 3 : 3.8;
    box.style.setProperty("--fs", fs + "vh");
    box.style.setProperty("--col", (n > 80 ? 13 : n > 50 ? 16 : n > 30 ? 19 : n > 15 ? 23 : 30) + "vw");
    for (const spot of round.spots) {
      const div = document.createElement("div");
      div.className = "spot";
      const b = document.createElement("b"); b.textContent = spot.label; div.appendChild(b);
      div.appendChild(document.createTextNode(spot.names.join(" · ") || "–"));
      if (spot.question) { const q = document.createElement("span"); q.className = "q"; q.textContent = spot.question; div.appendChild(q); }
      box.appendChild(div);
    }
  }

  // a round: "Runde 2 von 8"; a programme point (talk, break, …): its title
  function labelOf(item) { return item.kind === "programme" ? item.block : T.round.replace("N", item.round).replace("M", item.rounds); }

  function tick() {
    $("now").textContent = hhmm(Date.now());
    if (!agenda) { return; }
    if (!agenda.rounds.length) { $("round").textContent = "–"; return; }
    const c = current(), t = clock();
    document.body.classList.toggle("paused", !!pausedAt);
    $("state").textContent = (pausedAt ? T.paused + " · " : "") + (offset ? T.shifted + " " + Math.round(offset / 60000) + " " + T.min : "");
    if (c.done) {
      $("round").textContent = T.done; $("block").textContent = ""; $("left").textContent = "";
      $("question").textContent = ""; $("spots").innerHTML = ""; $("progress").value = 1;
      document.body.classList.remove("ending");
      return;
    }
    const round = agenda.rounds[c.i];
    const over = !!c.gap;
    const label = labelOf(round);
    if (c.before) {
      $("round").textContent = T.next + ": " + label;
      $("left").textContent = mmss(round.start - t);
      $("progress").value = 0;
    } else if (over) {
      const following = agenda.rounds[c.i + 1];
      $("round").textContent = round.kind === "programme" ? T.next + ": " + labelOf(following) : T.over;
      $("left").textContent = mmss(following.start - t);
      $("progress").value = 1;
    } else {
      $("round").textContent = label;
      $("left").textContent = mmss(round.end - t);
      $("progress").value = (t - round.start) / (round.end - round.start);
    }
    const what = round.kind === "programme" ? round.programme : round.block;  // a talk: its kind, then who speaks
    $("block").textContent = what + " · " + hhmm(round.start + offset) + " – " + hhmm(round.end + offset);
    $("question").textContent = round.kind === "programme" ? (round.who || "") : (round.question || "");
    document.body.classList.toggle("ending", !c.before && !over && round.end - t < 60000);
    const shown = over ? agenda.rounds[c.i + 1] : round;
    if (lastIndex !== agenda.rounds.indexOf(shown)) { showSpots(shown); lastIndex = agenda.rounds.indexOf(shown); }
    if (over && lastOver !== c.i && !pausedAt) {
      document.body.classList.remove("over"); void document.body.offsetWidth; document.body.classList.add("over");
      beep();
    }
    if (!over) { document.body.classList.remove("over"); }
    lastOver = over ? c.i : null;
  }

  function shiftTo(agendaTime) { offset = (pausedAt || Date.now()) - agendaTime; save(); lastIndex = null; tick(); }
  function startNow() {  // the current (or first) round starts now
    if (!agenda || !agenda.rounds.length) { return; }
    const c = current(); const i = Math.min(c.done ? agenda.rounds.length - 1 : (c.gap ? c.i + 1 : c.i), agenda.rounds.length - 1);
    shiftTo(agenda.rounds[i].start);
  }
  function step(direction) {
    if (!agenda) { return; }
    const c = current();
    let i = c.done ? agenda.rounds.length : c.i + (c.gap ? 1 : 0);
    i = Math.max(0, Math.min(agenda.rounds.length - 1, i + direction));
    shiftTo(agenda.rounds[i].start);
  }
  function pause() {
    if (pausedAt) { offset += Date.now() - pausedAt; pausedAt = null; $("b-pause").textContent = T.pause; }
    else { pausedAt = Date.now(); $("b-pause").textContent = T.resume; }
    save(); tick();
  }
  function toggleSound() { sound = !sound; $("b-sound").textContent = sound ? T.soundOff : T.soundOn; save(); if (sound) { beep(); } }
  function fullscreen() { if (document.fullscreenElement) { document.exitFullscreen(); } else { document.documentElement.requestFullscreen().catch(function () {}); } }

  $("b-start").addEventListener("click", startNow);
  $("b-prev").addEventListener("click", function () { step(-1); });
  $("b-next").addEventListener("click", function () { step(1); });
  $("b-pause").addEventListener("click", pause);
  $("b-sound").addEventListener("click", toggleSound);
  $("b-full").addEventListener("click", fullscreen);
  document.addEventListener("keydown", function (event) {
    if (event.target.tagName === "BUTTON" && (event.key === " " || event.key === "Enter")) { return; }
    if (event.key === " ") { event.preventDefault(); pause(); }
    else if (event.key === "ArrowRight") { step(1); }
    else if (event.key === "ArrowLeft") { step(-1); }
    else if (event.key === "s" || event.key === "S") { startNow(); }
    else if (event.key === "m" || event.key === "M") { toggleSound(); }
    else if (event.key === "f" || event.key === "F") { fullscreen(); }
    else if (event.key === "0") { offset = 0; pausedAt = null; save(); lastIndex = null; tick(); }
  });
  $("b-pause").textContent = pausedAt ? T.resume : T.pause;
  $("b-sound").textContent = sound ? T.soundOff : T.soundOn;
  // more spots than fit on the screen: page through them every 8 seconds
  setInterval(function () {
    const box = $("spots");
    if (box.scrollHeight <= box.clientHeight + 4) { box.scrollTop = 0; return; }
    const next = box.scrollTop + box.clientHeight;
    box.scrollTop = next >= box.scrollHeight - 4 ? 0 : next;
  }, 8000);
  load().then(tick);
  setInterval(tick, 250);
  setInterval(load, 60000);
})();
