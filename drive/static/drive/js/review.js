// The review page folds its themes (<details>): a link to an answer (the summary's links,
// "#q-<code>" after a comment) opens the theme that holds it, then shows the answer.
(function () {
  "use strict";
  function reveal() {
    if (!location.hash) return;
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) return;
    const theme = target.closest("details");
    if (theme && !theme.open) {
      theme.open = true;
      target.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", reveal);
  document.addEventListener("DOMContentLoaded", reveal);
})();
