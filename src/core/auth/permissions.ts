/**
 * Who may do what. A permission is `resource:action`, e.g. `email.blocks:read`.
 * Secret server keys hold every server permission of their project; admin keys
 * also hold project administration; publishable keys hold none (they only open
 * end-user endpoints together with an end-user token); scoped keys hold what
 * they were created with.
 */
export const resources = [
  'emails',
  'email.drafts',
  'email.blocks',
  'email.templates',
  'email.suppressions',
  'users',
  'webhooks',
  'project',
] as const;
export type Resource = (typeof resources)[number];

export const actions = ['read', 'create', 'update', 'delete', 'send'] as const;
export type Action = (typeof actions)[number];

export type Permission = `${Resource}:${Action}`;

export const keyKinds = ['secret', 'admin', 'publishable', 'scoped'] as const;
export type KeyKind = (typeof keyKinds)[number];

const permissionPattern = new RegExp(`^(${resources.map((r) => r.replace('.', '\\.')).join('|')}):(${actions.join('|')}|\\*)$`);

/** `email.blocks:*` grants every action on a resource. */
export function isPermission(value: string): boolean {
  return permissionPattern.test(value);
}

export interface Principal {
  readonly projectId: string;
  readonly keyId: string;
  readonly keyKind: KeyKind;
  readonly permissions: readonly string[];
  /** Set when an end-user token accompanies the request (end-user endpoints). */
  readonly userId?: string;
}

export function hasPermission(principal: Principal, permission: Permission): boolean {
  switch (principal.keyKind) {
    case 'admin':
      return true;
    case 'secret':
      return !permission.startsWith('project:') || permission === 'project:read';
    case 'publishable':
      return false;
    case 'scoped': {
      const resource = permission.slice(0, permission.lastIndexOf(':'));
      return principal.permissions.includes(permission) || principal.permissions.includes(`${resource}:*`);
    }
  }
}
