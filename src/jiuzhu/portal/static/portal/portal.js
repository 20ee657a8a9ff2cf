// The member rows of the public forms: the first one shown, the next one on "添加一名家庭成员".
document.addEventListener("click", (e) => {
  const add = e.target.closest("[data-add-member]");
  if (!add) { return; }
  e.preventDefault();
  const next = document.querySelector(".member[hidden]");
  if (next) { next.hidden = false; next.querySelector("input, select").focus(); }
  if (!document.querySelector(".member[hidden]")) { add.hidden = true; }
});
