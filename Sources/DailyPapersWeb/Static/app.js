// Progressive enhancement for upvotes: without this script the vote form posts and the page reloads;
// with it, the same form is sent with fetch and the button and count update in place.
"use strict";
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.classList.contains("vote")) return;
  if (!form.querySelector("input[name=csrf]")) return; // signed out: let the browser go to the log-in page
  event.preventDefault();
  const button = form.querySelector("button");
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
      const status = form.querySelector(".vote-status");
      if (status) status.textContent = result.error || "The vote was not recorded.";
      return;
    }
    form.querySelector("input[name=vote]").value = result.voted ? "0" : "1";
    button.setAttribute("aria-pressed", result.voted ? "true" : "false");
    form.querySelector(".count").textContent = String(result.upvotes);
    const status = form.querySelector(".vote-status");
    if (status) status.textContent = result.voted ? "Upvoted" : "Upvote removed";
  } catch (e) {
    form.submit();
  } finally {
    button.disabled = false;
  }
});
