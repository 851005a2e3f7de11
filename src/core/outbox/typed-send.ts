/**
 * Sends built from a seed 004 typed template named by type and locale (Logto's connector and any
 * other send path that names a template type): the template is chosen the way Logto does (type in
 * the locale, in the project's default language, then Generic), rendered now with the given
 * variables, and the result goes through the one send path. With no template of the type or
 * Generic, a built-in text carries the code and link, so a person waiting for a code still gets it.
 */
import { isMailroomError, MailroomError } from '../errors.js';
import { RenderError } from '../templates/renderer.js';
import type { RenderedTypedTemplate } from '../templates/typed-templates.js';
import type { TemplateType } from '../templates/typed-types.js';
import { formatMailbox, parseMailbox } from './address.js';
import type { Accepted, AcceptRequest } from './accept.js';

export interface TypedSend {
  source: string;
  to: string;
  templateType: TemplateType;
  locale: string | null;
  variables: Record<string, unknown>;
  /** Codes and links are what a person is waiting for: such mail is claimed first. */
  priority?: number;
}

export interface TypedContentDeps {
  render(projectId: string, templateType: TemplateType, locale: string | null, variables: Record<string, unknown>): Promise<RenderedTypedTemplate>;
  /** The project's default sender address, which a template's sendFrom name is put in front of. */
  defaultSender(projectId: string): Promise<string | null>;
}

/** What a typed template gives a send: content, and a sender and reply-to the request may override. */
export interface TypedContent {
  subject: string;
  html: string | null;
  text: string | null;
  from: string | null;
  replyTo: string | null;
}

export type RenderTypedContent = (
  projectId: string,
  request: { templateType: TemplateType; locale: string | null; variables: Record<string, unknown> },
  /** The request field that named the template, for errors (Logto's `type`, Resend's `template.id`, …). */
  field: string,
) => Promise<TypedContent>;

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The built-in email for a type with no template: the code and/or the link, nothing else. */
export function builtInTypedEmail(variables: Record<string, unknown>): { subject: string; html: string } | undefined {
  const code = typeof variables.code === 'string' || typeof variables.code === 'number' ? String(variables.code) : undefined;
  const link = typeof variables.link === 'string' ? variables.link : undefined;
  if (!code && !link) return undefined;
  const parts: string[] = [];
  if (code) parts.push(`<p>Your verification code is:</p><p style="font-size:24px;font-weight:bold;letter-spacing:4px">${escapeHtml(code)}</p>`);
  if (link) parts.push(`<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`);
  parts.push('<p>If you did not ask for this, ignore this email.</p>');
  return { subject: code ? `Your verification code: ${code}` : 'Your sign-in link', html: parts.join('') };
}

export function createTypedContent(deps: TypedContentDeps): RenderTypedContent {
  /** Logto's sendFrom is a display name; an address given there is taken as it is. */
  async function sender(projectId: string, sendFrom: string | null): Promise<string | null> {
    if (!sendFrom) return null;
    if (sendFrom.includes('@')) return sendFrom;
    const fallback = await deps.defaultSender(projectId);
    return fallback ? formatMailbox({ name: sendFrom, address: parseMailbox('sendFrom', fallback).address }) : null;
  }

  return async function content(projectId, request, field) {
    try {
      const rendered = await deps.render(projectId, request.templateType, request.locale, request.variables);
      // Logto's replyTo is a name as often as an address; only an address can become Reply-To.
      const replyTo = rendered.replyTo?.includes('@') ? rendered.replyTo : null;
      return { subject: rendered.subject, html: rendered.html, text: rendered.text, from: await sender(projectId, rendered.sendFrom), replyTo };
    } catch (error) {
      if (error instanceof RenderError) {
        throw new MailroomError('RENDER_FAILED', `${field}: the ${request.templateType} email template could not be rendered: ${error.message}`, {
          field,
          templateType: request.templateType,
        });
      }
      if (!isMailroomError(error) || error.code !== 'NOT_FOUND') throw error;
      const builtIn = builtInTypedEmail(request.variables);
      if (!builtIn) {
        throw new MailroomError('TEMPLATE_INVALID', `${field}: no ${request.templateType} or Generic email template exists, and there is no code or link for the built-in one`, {
          field,
          templateType: request.templateType,
        });
      }
      return { ...builtIn, text: null, from: null, replyTo: null };
    }
  };
}

/** Logto's connector: one address, one typed template, through the one send path. */
export function createTypedSend(deps: { accept(projectId: string, request: AcceptRequest): Promise<Accepted> }) {
  return {
    /** Renders and queues one email; answers the outbox id. */
    async send(projectId: string, request: TypedSend): Promise<string> {
      const accepted = await deps.accept(projectId, {
        source: request.source,
        to: [{ email: request.to }],
        content: { kind: 'typed', templateType: request.templateType, locale: request.locale, variables: request.variables },
        fields: { template: 'type' },
        locale: request.locale,
        transactional: true,
        ...(request.priority !== undefined ? { priority: request.priority } : {}),
      });
      return accepted.ids[0]!;
    },
  };
}

export type TypedTemplateSend = ReturnType<typeof createTypedSend>;
