// Copy buttons: <button data-copy="https://…">. Falls back to selecting nothing when the
// Clipboard API is unavailable (insecure origin); the link stays visible on the page.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button || !navigator.clipboard) return;
  navigator.clipboard.writeText(button.dataset.copy).then(() => {
    const label = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = label; }, 1500);
  });
});
