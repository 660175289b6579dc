// The user page (/if/user/): rendered by the server (who you are, the logout link); this module adds its actions.
//
// ACCOUNT LOCKDOWN (self-service) goes here: when an enterprise licence is active, render the
// "Account Lockdown" card with a danger "Lock my account" button into #account-lockdown-slot, and on click call
// startAccountLockdown() from ./api.js (it POSTs {} to /api/v3/core/users/account_lockdown/ and navigates to the
// returned link, or resolves to an error message to show).

export {};
