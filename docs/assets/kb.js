/* The search index separates Chinese words with zero-width spaces (U+200B);
   a reader who copies a search result title must not copy them. */
document.addEventListener("copy", function (event) {
  var text = String(window.getSelection() || "");
  if (text.indexOf("\u200b") === -1 || !event.clipboardData) return;
  event.clipboardData.setData("text/plain", text.replace(/\u200b/g, ""));
  event.preventDefault();
});
