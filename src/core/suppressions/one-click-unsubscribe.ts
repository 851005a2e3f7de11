import { MailroomError } from '../errors.js';
import type { ProjectService } from '../projects/projects.js';
import type { SuppressionService } from './suppressions.js';
import { verifyUnsubscribe } from './unsubscribe-link.js';

const invalidLink = () => new MailroomError('INVALID_UNSUBSCRIBE_LINK', 'this unsubscribe link is not valid');

/** RFC 8058 one-click unsubscribe: a valid signed link suppresses the address for that project. */
export function createOneClickUnsubscribe(deps: { projects: ProjectService; suppressions: SuppressionService }) {
  return {
    /** Checks a link without acting on it (the confirmation page). */
    async verify(link: { project: string; email: string; sig: string }): Promise<void> {
      const project = await deps.projects.getProject(link.project).catch(() => undefined);
      if (!project || !verifyUnsubscribe(project.signingSecret, project.id, link.email, link.sig)) throw invalidLink();
    },
    async unsubscribe(link: { project: string; email: string; sig: string }): Promise<void> {
      await this.verify(link);
      await deps.suppressions.add(link.project, { email: link.email, reason: 'unsubscribed', detail: 'one-click unsubscribe (RFC 8058)' });
    },
  };
}

export type OneClickUnsubscribe = ReturnType<typeof createOneClickUnsubscribe>;
