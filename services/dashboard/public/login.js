// The one-time exchange: the token goes once in the Authorization header; the answer sets a
// session cookie (HttpOnly), so the token is never in a URL, the history or a log.
const form = document.getElementById('login');
const status = document.getElementById('status');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = document.getElementById('token').value.trim();
  const res = await fetch('/auth/session', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  if (res.status === 204) {
    location.assign('/');
    return;
  }
  const body = await res.json().catch(() => ({}));
  status.textContent = body.reason ?? `sign-in failed (${res.status})`;
});
