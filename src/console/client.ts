/**
 * The console's only script besides htmx (served as /console/assets/console.js):
 * sends the CSRF token with htmx requests, and turns the server's event stream
 * into htmx triggers, so parts of a page marked `hx-trigger="mr-emails from:body"`
 * refresh themselves when mail changes.
 */
export const consoleJs = `
(function () {
  var meta = document.querySelector('meta[name="csrf-token"]');
  document.body.addEventListener('htmx:configRequest', function (event) {
    if (meta) event.detail.headers['x-csrf-token'] = meta.getAttribute('content');
  });
  if (!document.body.hasAttribute('data-live') || typeof EventSource === 'undefined') return;
  var source = new EventSource('/console/events');
  ['emails', 'email.templates', 'email.blocks'].forEach(function (name) {
    source.addEventListener(name, function () {
      htmx.trigger(document.body, 'mr-' + name.replace('.', '-'));
    });
  });
  // Whatever changed before the stream was open (or while it was reconnecting) is read once now.
  source.addEventListener('open', function () {
    document.body.setAttribute('data-live', 'open');
    htmx.trigger(document.body, 'mr-emails');
  });
})();
`;
