import { comparableEmail } from '../core/addresses.js';
import type { DeliveryStore, HandOff, RenderResults } from '../core/delivery/types.js';
import type { OutboxMessage } from '../core/outbox/types.js';
import type { Project } from '../core/projects/types.js';
import { RenderError, type EmailRenderer, type RenderedEmail } from '../core/templates/renderer.js';
import { buildMail } from './build-mime.js';
import type { PreparedMail } from './transports/transport.js';

export interface ReadyToSend {
  message: OutboxMessage;
  project: Project;
  to: string;
  mail: PreparedMail['mail'];
}

export interface RenderDeps {
  store: DeliveryStore;
  renderer: EmailRenderer;
  publicUrl: string;
  fallbackSender: string;
}

/**
 * The render step for one project's claimed messages: resolve user recipients to
 * their primary address now (not when accepted), skip suppressed addresses,
 * render (the renderer adds the text part), build the nodemailer message. Nothing is written here.
 */
export async function renderBatch(deps: RenderDeps, project: Project, messages: readonly OutboxMessage[]) {
  const results: RenderResults = { skips: [], renderErrors: [], handOffs: [] };
  const ready = new Map<string, ReadyToSend>();
  const userIds = messages.flatMap((m) => (m.recipientUserId ? [m.recipientUserId] : []));
  const users = await deps.store.lookupUsers(project.id, userIds);

  const addressed: { message: OutboxMessage; to: string }[] = [];
  for (const message of messages) {
    if (message.recipientEmail) {
      addressed.push({ message, to: message.recipientEmail });
      continue;
    }
    const user = message.recipientUserId ? users.get(message.recipientUserId) : undefined;
    if (!user) results.skips.push({ id: message.id, reason: 'user_deleted' });
    else if (!user.primaryEmail) results.skips.push({ id: message.id, reason: 'user_has_no_primary_email' });
    else addressed.push({ message, to: user.primaryEmail });
  }

  const suppressed = await deps.store.suppressedAmong(project.id, addressed.map((a) => a.to));
  // A broadcast's messages share their content, and without a template or variables nothing in it is
  // personal: rendered (and its text part made) once per content in the batch, not once per recipient.
  const shared = new Map<string, { message: OutboxMessage; rendered: RenderedEmail }>();
  const samePlainContent = (a: OutboxMessage, b: OutboxMessage) => a.subject === b.subject && a.html === b.html && a.text === b.text;
  for (const { message, to } of addressed) {
    if (suppressed.has(comparableEmail(to))) {
      results.skips.push({ id: message.id, reason: 'suppressed' });
      continue;
    }
    const user = message.recipientUserId ? users.get(message.recipientUserId) : undefined;
    try {
      const personal = message.templateId !== null || Object.keys(message.variables).length > 0;
      const reused = personal ? undefined : shared.get(message.contentId);
      const rendered = reused && samePlainContent(reused.message, message) ? reused.rendered : await deps.renderer.render({
        projectId: project.id,
        subject: message.subject,
        html: message.html,
        text: message.text,
        templateId: message.templateId,
        variables: message.variables,
        locale: message.locale ?? user?.locale ?? project.settings.defaultLocale ?? null,
        recipient: { email: to, userId: message.recipientUserId, displayName: user?.displayName ?? null },
      });
      if (!personal && !reused) shared.set(message.contentId, { message, rendered });
      const handOff: HandOff = { id: message.id, subject: rendered.subject, html: rendered.html, text: rendered.text };
      const mail = buildMail({ message, project, to, ...handOff, publicUrl: deps.publicUrl, fallbackSender: deps.fallbackSender });
      results.handOffs.push(handOff);
      ready.set(message.id, { message, project, to, mail });
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      results.renderErrors.push({ id: message.id, reason: error.message });
    }
  }
  return { results, ready };
}
