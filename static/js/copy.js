// Copy buttons: <button class="copy-button" data-copy-target="ID" data-copied="…"> copies the
// text of the element with that id (a <textarea>) and says so for a moment. A file of its own:
// the Content-Security-Policy forbids inline scripts. Without it, the text can still be selected.
"use strict";

for (const button of document.querySelectorAll(".copy-button[data-copy-target]")) {
  const label = button.textContent;
  button.addEventListener("click", async () => {
    const source = document.getElementById(button.dataset.copyTarget);
    try {
      await navigator.clipboard.writeText(source.value ?? source.textContent);
    } catch {
      source.select(); // the clipboard is refused (plain HTTP): select it for Ctrl+C
      return;
    }
    button.textContent = button.dataset.copied;
    setTimeout(() => { button.textContent = label; }, 2000);
  });
}
