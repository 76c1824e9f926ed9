// Token Embeddings: search results quote the page's text without its math. Sphinx's
// search (searchtools.js) builds each snippet from the page's HTML, where an equation
// is still its TeX source; this drops the math before that text is taken.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
  const original = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(".math, mjx-container").forEach((el) => el.replaceWith(" … "));
    return original(doc.documentElement.outerHTML, anchor);
  };
});
