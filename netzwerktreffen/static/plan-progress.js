/* The planning job's progress panel (templates/plans/index.html): polls the job's status until it ends. */
(function () {
  const box = document.getElementById("progress");
  const offline = document.getElementById("progress-offline");
  // numbers as the page's language writes them, like the server's number and percent filters: 351,0 and
  // 18,75 % (German), 351.0 and 18.75% (English); a plain space instead of Intl's no-break space
  const lang = document.documentElement.lang || "de";
  const format = (x, options) => (x === null || x === undefined) ? "–"
    : new Intl.NumberFormat(lang, options).format(Number(x)).replace(/[\u00a0\u202f]/g, " ");
  const fmt = (x, d) => format(x, {minimumFractionDigits: d, maximumFractionDigits: d});
  const percent = (x) => format(x, {style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1});
  // the gap in words; the server sends it only where the bound means something (quality.meaningful_gap)
  const gapBox = document.getElementById("gap");
  const gapText = (gap) => (gap === null || gap === undefined) ? gapBox.dataset.noBound
    : (Number(gap) === 0 ? gapBox.dataset.optimal : gapBox.dataset.proven.replace("{gap}", percent(gap)));
  let failures = 0;
  async function poll() {
    let data;
    try {
      // no-store: every answer comes from the server, never from a cache
      const response = await fetch(box.dataset.url, {headers: {"Accept": "application/json"}, cache: "no-store",
                                                     credentials: "same-origin"});
      if (response.redirected) { window.location.reload(); return; }  // logged out: the page asks to log in
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      data = await response.json();
    } catch (error) {
      // a failed poll (server restarting, network gone) must not freeze the panel: try again, slower
      failures += 1;
      offline.hidden = false;
      setTimeout(poll, Math.min(10000, 700 * 2 ** failures));
      return;
    }
    failures = 0;
    offline.hidden = true;
    document.getElementById("elapsed").textContent = fmt(data.elapsed, 1) + " s";
    document.getElementById("remaining").textContent = fmt(data.remaining, 1) + " s";
    document.getElementById("best").textContent = fmt(data.best_score, 1);
    document.getElementById("bound").textContent = fmt(data.bound, 1);
    gapBox.textContent = gapText(data.gap);
    document.getElementById("progress-bar").value = Math.min(100, 100 * data.elapsed / data.time_limit);
    if (data.status === "queued" || data.status === "running") { setTimeout(poll, 700); }
    else if (data.status !== "failed" && data.version_url) { window.location = data.version_url; }
    else { window.location.reload(); }  // failed: the page says why (and links a kept draft)
  }
  poll();
})();
