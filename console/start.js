// The page's start: the login form, the navigation, the endpoint switch, and the first view.
'use strict';

(function () {
  const { $ } = DM;

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const submit = $('login-submit');
    submit.disabled = true;
    $('login-error').textContent = '';
    try {
      const response = await fetch(new URL(DM.API + 'session/login', location.href), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: $('username').value, password: $('password').value }),
        cache: 'no-store',
      });
      if (!response.ok) throw await DM.errorOf(response);
      const s = await response.json();
      sessionStorage.setItem(DM.KEY, JSON.stringify({ session: s.session, username: s.username }));
      await DM.loadEndpoints();
      DM.show('containers');
    } catch (e) {
      $('login-error').textContent = e.message;
    } finally {
      submit.disabled = false;
    }
  });

  $('logout').addEventListener('click', () => DM.endSession('Logged out.'));
  for (const b of $('nav').querySelectorAll('button[data-view]')) b.addEventListener('click', () => DM.show(b.dataset.view));
  $('endpoint').addEventListener('change', () => DM.switchEndpoint($('endpoint').value));
  $('details-close').addEventListener('click', DM.closeDetails);
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape') DM.closeDetails(); });

  if (DM.session()) DM.loadEndpoints().then(() => DM.show('containers')); else DM.showLogin('');
})();
