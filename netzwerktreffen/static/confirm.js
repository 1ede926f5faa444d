/* Buttons with data-confirm="question" ask before they submit (instead of inline onclick handlers,
   which the Content-Security-Policy does not run). */
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) { event.preventDefault(); }
});
