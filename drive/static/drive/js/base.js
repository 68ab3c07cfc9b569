// Progressive enhancement for every page: without JavaScript the forms still work.
document.documentElement.classList.add("js");
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
// A "Print" button (data-print) prints the page; no inline handlers (Content-Security-Policy).
document.querySelectorAll("button[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
