// Progressive enhancement for upvotes and saves: without this script the form posts and the page reloads;
// with it, the same form is sent with fetch and the button (and the vote count) update in place.
"use strict";
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const isVote = form.classList.contains("vote"), isSave = form.classList.contains("save");
  if (!isVote && !isSave) return;
  if (!form.querySelector("input[name=csrf]")) return; // signed out: let the browser go to the log-in page
  event.preventDefault();
  const button = form.querySelector("button");
  const status = form.querySelector(".vote-status");
  button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
    });
    const result = await response.json();
    if (!response.ok) {
      if (status) status.textContent = result.error || "That was not recorded.";
      return;
    }
    if (isVote) {
      form.querySelector("input[name=vote]").value = result.voted ? "0" : "1";
      button.setAttribute("aria-pressed", result.voted ? "true" : "false");
      form.querySelector(".count").textContent = String(result.upvotes);
      if (status) status.textContent = result.voted ? "Upvoted" : "Upvote removed";
    } else {
      form.querySelector("input[name=save]").value = result.saved ? "0" : "1";
      button.setAttribute("aria-pressed", result.saved ? "true" : "false");
      button.title = result.saved ? "Remove from your saved papers" : "Save for later";
      button.querySelector("[aria-hidden]").textContent = result.saved ? "★" : "☆";
      button.querySelector(".label").textContent = result.saved ? " Saved" : " Save";
    }
  } catch (e) {
    form.submit();
  } finally {
    button.disabled = false;
  }
});
