// Small progressive enhancements; every page works without them.
document.documentElement.classList.add("js");

document.addEventListener("change", (event) => {
  // The language menu submits itself; without JS its button does.
  const select = event.target.closest("select[data-autosubmit]");
  if (select) select.form.submit();
});
