// Review screen: pointing at a mark in the text lights up the form rows it fed, and the other way round;
// the blank extra meeting shows its fields only once ticked. The page works without this script.
(() => {
  const marks = document.querySelectorAll("mark.fact[data-facts]");
  const rows = document.querySelectorAll("[data-fact]");
  const light = (ids, on) => {
    marks.forEach((mark) => {
      if (mark.dataset.facts.split(" ").some((id) => ids.includes(id))) mark.classList.toggle("is-linked", on);
    });
    rows.forEach((row) => { if (ids.includes(row.dataset.fact)) row.classList.toggle("is-linked", on); });
  };
  marks.forEach((mark) => {
    const ids = mark.dataset.facts.split(" ");
    mark.addEventListener("mouseenter", () => light(ids, true));
    mark.addEventListener("mouseleave", () => light(ids, false));
    mark.addEventListener("click", () => {
      const row = document.querySelector(`[data-fact="${ids[0]}"]`);
      if (row) row.scrollIntoView({ behavior: "smooth", block: "center" });
    });
  });
  rows.forEach((row) => {
    row.addEventListener("focusin", () => light([row.dataset.fact], true));
    row.addEventListener("focusout", () => light([row.dataset.fact], false));
    row.addEventListener("mouseenter", () => light([row.dataset.fact], true));
    row.addEventListener("mouseleave", () => light([row.dataset.fact], false));
  });
  document.querySelectorAll(".meeting-review--extra").forEach((box) => {
    const tick = box.querySelector(".include input[type=checkbox]");
    const sync = () => box.classList.toggle("is-included", tick.checked);
    tick.addEventListener("change", sync);
    sync();
  });
})();
