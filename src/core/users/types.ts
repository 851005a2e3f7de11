/** An end user of a project's app: a recipient the send APIs accept by id. */
export interface User {
  id: string;
  projectId: string;
  primaryEmail: string | null;
  primaryEmailVerified: boolean;
  displayName: string | null;
  locale: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface UserPatch {
  primaryEmail?: string | null;
  primaryEmailVerified?: boolean;
  displayName?: string | null;
  locale?: string | null;
}

export interface UserStore {
  insertUser(user: User): Promise<void>;
  getUser(projectId: string, id: string): Promise<User | undefined>;
  /** Newest first; `after` is the last (createdAt, id) of the previous page. */
  listUsers(projectId: string, options: { limit: number; after?: { createdAt: number; id: string } }): Promise<User[]>;
  updateUser(projectId: string, id: string, patch: UserPatch, at: number): Promise<User | undefined>;
  deleteUser(projectId: string, id: string): Promise<boolean>;
  /** The given ids that exist in the project, with their locale. */
  findUsers(projectId: string, ids: readonly string[]): Promise<Array<{ id: string; locale: string | null }>>;
  /** Every user id of the project (for all_users sends). */
  allUserIds(projectId: string): Promise<Array<{ id: string; locale: string | null }>>;
}
