// Small behaviours that need no framework; htmx does the rest.
document.addEventListener("click", (e) => {
  const t = e.target.closest("[data-confirm]");
  if (t && !window.confirm(t.dataset.confirm)) { e.preventDefault(); }
});
