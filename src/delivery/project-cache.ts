import type { Clock } from '../core/clock.js';
import type { Project } from '../core/projects/types.js';

/** Project settings change rarely; workers re-read them every few seconds rather than per message. */
export function createProjectCache(deps: { getProject: (id: string) => Promise<Project>; clock: Clock; ttlMs?: number }) {
  const ttl = deps.ttlMs ?? 5000;
  const entries = new Map<string, { project: Promise<Project>; until: number }>();
  return {
    get(id: string): Promise<Project> {
      const now = deps.clock.now();
      const hit = entries.get(id);
      if (hit && hit.until > now) return hit.project;
      const project = deps.getProject(id);
      entries.set(id, { project, until: now + ttl });
      project.catch(() => entries.delete(id));
      return project;
    },
  };
}

export type ProjectCache = ReturnType<typeof createProjectCache>;
