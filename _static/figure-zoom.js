// Token Embeddings: a figure opens full size when clicked (a new tab showing the image
// file itself), and a line under it says so where the screen is narrow. Checked by
// tests/site_checker.py.
document.addEventListener("DOMContentLoaded", () => {
  for (const img of document.querySelectorAll("main .cell_output img, main figure img")) {
    if (img.closest("a")) continue;
    const link = document.createElement("a");
    link.href = img.getAttribute("src");
    link.target = "_blank";
    link.rel = "noopener";
    link.title = "Open the figure full size";
    link.className = "figure-zoom";
    img.replaceWith(link);
    link.appendChild(img);
    const hint = document.createElement("span"); // shown on narrow screens only
    hint.className = "figure-zoom-hint";
    hint.textContent = "Tap the figure to open it full size.";
    link.after(hint);
  }
});
