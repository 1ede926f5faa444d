/* Changing a plan by hand (templates/plans/show.html): every change is checked before it is saved. */
(function () {
  const form = document.getElementById("change-form");
  const out = document.getElementById("change-result");
  const blockSelect = document.getElementById("c-block");
  const roundSelect = document.getElementById("c-round");
  function showRounds() {  // only the chosen block's own rounds
    let first = null, keep = false;
    for (const group of roundSelect.querySelectorAll("optgroup")) {
      const mine = group.dataset.block === blockSelect.value;
      group.hidden = !mine;
      group.disabled = !mine;
      if (mine) { first = group.querySelector("option"); keep = group.contains(roundSelect.selectedOptions[0]); }
    }
    if (!keep && first) { first.selected = true; }
  }
  blockSelect.addEventListener("change", showRounds);
  showRounds();
  let latest = 0;
  async function check() {
    const mine = ++latest;
    const response = await fetch(form.dataset.check, {method: "POST", body: new FormData(form)});
    const data = await response.json();
    if (mine !== latest) { return; }  // a newer change is being checked
    out.innerHTML = "";
    const box = document.createElement("div");
    box.className = "flash " + (data.ok ? "flash-success" : "flash-error");
    if (data.ok) {
      box.textContent = form.dataset.ok;
      if (data.score_text) {  // what the change costs or gains: "−25 Punkte"
        const score = document.createElement("strong");
        score.className = "score-change" + (data.score_change < 0 ? " score-loss" : data.score_change > 0 ? " score-gain" : "");
        score.textContent = data.score_text;
        box.append(" ", score);
      }
    }
    else {
      const list = document.createElement("ul");
      for (const v of data.violations) { const li = document.createElement("li"); li.textContent = v.message; list.appendChild(li); }
      box.appendChild(list);
    }
    out.appendChild(box);
    document.getElementById("c-save").disabled = !data.ok;
  }
  form.addEventListener("change", check);
})();
