/** Pieces shared by the template editors: field errors at their line, JSON fields, the preview frame. */
import { invalidField, isMailroomError } from '../core/errors.js';
import { html, type Html } from '../api/shared/html.js';
import { flash } from './layout.js';

/** A save refused by core: which field, which line (LiquidJS reports `line:N`), and the message. */
export interface FieldProblem {
  field: string;
  line: number | null;
  message: string;
}

export function problemOf(error: unknown): FieldProblem | undefined {
  if (!isMailroomError(error) || error.kind !== 'invalid') return undefined;
  const field = typeof error.details?.field === 'string' ? error.details.field : '';
  const line = /line:(\d+)/.exec(error.message);
  return { field, line: line ? Number(line[1]) : null, message: error.message };
}

/** The error under a field, quoting the line it names. */
export function fieldError(problem: FieldProblem | undefined, field: string, source: string): Html {
  if (!problem || !(problem.field === field || problem.field.startsWith(`${field}.`))) return html``;
  const id = `${field.replace(/\W/g, '-')}-error`;
  const quoted = problem.line !== null ? source.split('\n')[problem.line - 1] : undefined;
  return html`<div class="field-error" id="${id}" role="alert">${problem.line !== null ? html`<strong>Line ${problem.line}:</strong> ` : ''}${problem.message}${
    quoted !== undefined ? html`<pre class="mono small" style="margin:4px 0 0">${problem.line}│ ${quoted}</pre>` : ''
  }</div>`;
}

export function parseJsonField<T>(field: string, text: string | undefined, fallback: T): T {
  if (!text || !text.trim()) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw invalidField(field, `is not valid JSON (${(error as Error).message})`);
  }
}

/** Rendered output for the preview pane: the HTML in a sandboxed srcdoc frame, never in the console page. */
export function previewPane(result: { subject: string; html: string | null; text?: string | null } | { error: string }): Html {
  if ('error' in result) return html`<div id="preview">${flash(result.error, 'error')}</div>`;
  return html`<div id="preview"><p><strong>Subject:</strong> <span data-testid="preview-subject">${result.subject}</span></p>
${result.html !== null ? html`<iframe class="mail" title="Preview" sandbox srcdoc="${result.html}"></iframe>` : html`<pre class="source">${result.text ?? ''}</pre>`}</div>`;
}
