// Chuxin's small script: no inline script anywhere (the Content Security Policy forbids it).
document.addEventListener("DOMContentLoaded", () => {
  // Tree rows: flip the toggle's state once htmx has loaded a unit's children.
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const button = event.detail.elt;
    if (button && button.classList && button.classList.contains("tree-toggle")) {
      button.setAttribute("aria-expanded", "true");
      button.textContent = "−";
      button.disabled = true;
    }
  });
  // Auto-submitting filter selects (a plain submit button stays for no-JS use).
  document.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
});
