/* The check-in list (templates/checkin/index.html): filters the people while typing. */
(function () {
  const input = document.getElementById("q");
  const items = Array.from(document.querySelectorAll("#day-list .day-person"));
  const none = document.getElementById("day-none");
  input.addEventListener("input", function () {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const li of items) {
      const hit = words.every(w => li.dataset.search.includes(w));
      li.hidden = !hit; if (hit) { shown++; }
    }
    none.hidden = shown > 0 || items.length === 0;
  });
})();
