// The user page (/if/user/): rendered by the server (who you are, the logout link, and the Account Lockdown card
// when an enterprise licence is active); this module wires the card's button.
import { startAccountLockdown } from "./api.js";

const button = document.getElementById("lock-my-account");
const error = document.getElementById("account-lockdown-error");
if (button) {
  button.addEventListener("click", async () => {
    button.disabled = true;
    // Self-service: no user in the body; the flow that opens asks for the reason and confirms.
    const message = await startAccountLockdown();
    if (message) {
      error.textContent = message;
      error.hidden = false;
      button.disabled = false;
    }
  });
}
