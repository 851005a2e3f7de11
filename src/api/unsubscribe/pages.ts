/**
 * What a recipient sees after clicking "unsubscribe": a confirmation, a done
 * page, and a page for a link that is not valid (tampered, truncated, or for a
 * project that no longer exists). Self-contained HTML (inline styles, no
 * scripts, no external assets), in the reader's language where we have it.
 */
import { html, type Html } from '../shared/html.js';

const messages = {
  en: {
    confirmTitle: 'Unsubscribe',
    confirmText: (email: string) => html`Stop sending email to <strong>${email}</strong>?`,
    confirmHint: 'You will no longer receive these messages at this address.',
    button: 'Unsubscribe',
    doneTitle: 'You are unsubscribed',
    doneText: (email: string) => html`<strong>${email}</strong> will not receive these messages any more.`,
    doneHint: 'You can close this page.',
    invalidTitle: 'This link does not work',
    invalidText: 'The unsubscribe link is incomplete, has been changed, or has expired.',
    invalidHint: 'Open the link again from the latest email you received, or reply to that email to ask to be removed.',
  },
  fr: {
    confirmTitle: 'Se désabonner',
    confirmText: (email: string) => html`Ne plus envoyer d’e-mails à <strong>${email}</strong> ?`,
    confirmHint: 'Vous ne recevrez plus ces messages à cette adresse.',
    button: 'Se désabonner',
    doneTitle: 'Vous êtes désabonné',
    doneText: (email: string) => html`<strong>${email}</strong> ne recevra plus ces messages.`,
    doneHint: 'Vous pouvez fermer cette page.',
    invalidTitle: 'Ce lien ne fonctionne pas',
    invalidText: 'Le lien de désabonnement est incomplet, a été modifié ou a expiré.',
    invalidHint: 'Ouvrez à nouveau le lien depuis le dernier e-mail reçu, ou répondez à cet e-mail pour demander à être retiré.',
  },
  de: {
    confirmTitle: 'Abmelden',
    confirmText: (email: string) => html`Keine E-Mails mehr an <strong>${email}</strong> senden?`,
    confirmHint: 'Sie erhalten diese Nachrichten an dieser Adresse nicht mehr.',
    button: 'Abmelden',
    doneTitle: 'Sie sind abgemeldet',
    doneText: (email: string) => html`<strong>${email}</strong> erhält diese Nachrichten nicht mehr.`,
    doneHint: 'Sie können diese Seite schließen.',
    invalidTitle: 'Dieser Link funktioniert nicht',
    invalidText: 'Der Abmeldelink ist unvollständig, wurde verändert oder ist abgelaufen.',
    invalidHint: 'Öffnen Sie den Link erneut aus der letzten E-Mail oder antworten Sie auf diese E-Mail, um entfernt zu werden.',
  },
  es: {
    confirmTitle: 'Darse de baja',
    confirmText: (email: string) => html`¿Dejar de enviar correos a <strong>${email}</strong>?`,
    confirmHint: 'Ya no recibirá estos mensajes en esta dirección.',
    button: 'Darse de baja',
    doneTitle: 'Se ha dado de baja',
    doneText: (email: string) => html`<strong>${email}</strong> ya no recibirá estos mensajes.`,
    doneHint: 'Puede cerrar esta página.',
    invalidTitle: 'Este enlace no funciona',
    invalidText: 'El enlace para darse de baja está incompleto, ha sido modificado o ha caducado.',
    invalidHint: 'Abra de nuevo el enlace desde el último correo recibido, o responda a ese correo para pedir que le retiren.',
  },
} as const;

export type Language = keyof typeof messages;
type Messages = (typeof messages)[Language];

/** The first language of Accept-Language that we have, else English. */
export function languageOf(acceptLanguage: string | undefined): Language {
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', q] = part.trim().split(';q=');
      return { tag: tag.toLowerCase().split('-')[0]!, q: q === undefined ? 1 : Number(q) };
    })
    .filter((w) => w.tag && w.q > 0)
    .sort((a, b) => b.q - a.q);
  return (wanted.find((w) => w.tag in messages)?.tag as Language | undefined) ?? 'en';
}

const css = `body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f6f7f9;color:#1d2433;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.5;padding:20px;box-sizing:border-box}
main{background:#fff;border:1px solid #e3e6eb;border-radius:10px;max-width:460px;width:100%;padding:32px;box-shadow:0 1px 3px rgba(0,0,0,.04)}
h1{font-size:1.35rem;margin:0 0 12px}p{margin:0 0 12px}.hint{color:#5b6475;font-size:.93rem}
.icon{width:44px;height:44px;border-radius:50%;display:flex;align-items:center;justify-content:center;font-size:1.4rem;margin-bottom:14px}
.ok{background:#e3f4e8;color:#1f7a3a}.bad{background:#fde8e7;color:#b42318}.ask{background:#e6ecfd;color:#2544b8}
button{font:inherit;font-weight:600;padding:10px 20px;border-radius:6px;border:1px solid #3b5bdb;background:#3b5bdb;color:#fff;cursor:pointer;margin-top:8px}
button:focus-visible{outline:3px solid #9db0ff;outline-offset:2px}`;

function shell(lang: Language, title: string, content: Html): string {
  return html`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title><style>${css}</style></head>
<body><main>${content}</main></body></html>`.value;
}

const m = (lang: Language): Messages => messages[lang];

export function confirmPage(lang: Language, email: string, action: string): string {
  const t = m(lang);
  return shell(
    lang,
    t.confirmTitle,
    html`<div class="icon ask" aria-hidden="true">✉</div><h1>${t.confirmTitle}</h1><p>${t.confirmText(email)}</p><p class="hint">${t.confirmHint}</p>
<form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${t.button}</button></form>`,
  );
}

export function donePage(lang: Language, email: string): string {
  const t = m(lang);
  return shell(lang, t.doneTitle, html`<div class="icon ok" aria-hidden="true">✓</div><h1>${t.doneTitle}</h1><p role="status">${t.doneText(email)}</p><p class="hint">${t.doneHint}</p>`);
}

export function invalidPage(lang: Language): string {
  const t = m(lang);
  return shell(lang, t.invalidTitle, html`<div class="icon bad" aria-hidden="true">!</div><h1>${t.invalidTitle}</h1><p role="alert">${t.invalidText}</p><p class="hint">${t.invalidHint}</p>`);
}
