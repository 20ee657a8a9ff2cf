// Small behaviours that need no framework; htmx does the rest.
document.addEventListener("click", (e) => {
  const t = e.target.closest("[data-confirm]");
  if (t && !window.confirm(t.dataset.confirm)) { e.preventDefault(); }
});
// A form sent by GET (the 测算影响 button beside 保存) leaves its CSRF token out of the address.
document.addEventListener("submit", (e) => {
  const method = (e.submitter && e.submitter.getAttribute("formmethod")) || e.target.getAttribute("method") || "get";
  if (method.toLowerCase() !== "get") { return; }
  const tokens = e.target.querySelectorAll("input[name=csrfmiddlewaretoken]");
  tokens.forEach((input) => { input.disabled = true; });
  setTimeout(() => tokens.forEach((input) => { input.disabled = false; }), 0);
});

// The top menu's headings are <details>: one open at a time, closed by a click elsewhere or Escape.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.navgroup[open]").forEach((group) => {
    if (!group.contains(event.target)) group.removeAttribute("open");
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") document.querySelectorAll("details.navgroup[open]").forEach((g) => g.removeAttribute("open"));
});
document.addEventListener("toggle", (event) => {
  const opened = event.target;
  if (opened.matches && opened.matches("details.navgroup") && opened.open) {
    document.querySelectorAll("details.navgroup[open]").forEach((g) => { if (g !== opened) g.removeAttribute("open"); });
  }
}, true);

// A form field marked data-when-program="a b" is shown only while the programme chosen is one of those (the
// application form: 临时救助类型 for 临时救助, 单人保 for 低保).
function jiuzhuProgramFields(form) {
  const select = form.querySelector("select[name=program]");
  if (!select) return;
  form.querySelectorAll("[data-when-program]").forEach((field) => {
    const wanted = field.getAttribute("data-when-program").split(" ");
    const row = field.closest("p") || field;
    row.hidden = !wanted.includes(select.value);
  });
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form").forEach((form) => {
    if (!form.querySelector("[data-when-program]")) return;
    jiuzhuProgramFields(form);
    form.addEventListener("change", (event) => {
      if (event.target.name === "program") jiuzhuProgramFields(form);
    });
  });
});
