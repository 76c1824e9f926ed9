// Token Embeddings: the menu and contents buttons open their drawers on a phone or a
// tablet. pydata-sphinx-theme opens its sidebar drawers from the *first*
// .primary-toggle / .secondary-toggle of the page, which sits in the top bar that
// course.css hides; the buttons a reader sees (in the article's header) pass their tap
// on to it. Checked by tests/site_checker.py at 390 and 1100 px.
document.addEventListener("DOMContentLoaded", () => {
  for (const kind of ["primary", "secondary"]) {
    const [opener, ...visible] = document.querySelectorAll(`.${kind}-toggle`);
    for (const button of visible) {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        opener.click();
      });
    }
  }
});
