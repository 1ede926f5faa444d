/* "Was Sie uns gesagt haben" (templates/projector/survey.html): the arrow keys, space and page keys
   (a presenter's clicker) turn to the next or previous question. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    const forward = ["ArrowRight", "PageDown", " "].includes(event.key);
    const back = ["ArrowLeft", "PageUp"].includes(event.key);
    const link = document.getElementById(forward ? "next" : back ? "prev" : "");
    if (link) { event.preventDefault(); window.location.href = link.href; }
  });
})();
