import type { KeyKind } from '../auth/permissions.js';

export interface ProjectSettings {
  /** Used when a send names no sender. */
  defaultSender?: string;
  defaultLocale?: string;
  /** Per-project SMTP relay that overrides SMTP_URL. */
  smtpUrl?: string;
  dkim?: { domainName: string; keySelector: string; privateKey: string };
  /** Messages per second this project may hand to SMTP. */
  rateLimitPerSecond?: number;
  /** HTTP API requests per minute each key of this project may make (else MAILROOM_RATE_LIMIT_PER_KEY). */
  requestsPerMinute?: number;
}

export interface Project {
  id: string;
  name: string;
  settings: ProjectSettings;
  /** HS256 secret for end-user tokens minted by the app's backend. */
  signingSecret: string;
  createdAt: number;
  updatedAt: number;
}

export interface ApiKey {
  id: string;
  projectId: string;
  kind: KeyKind;
  name: string;
  permissions: string[];
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface StoredApiKey extends ApiKey {
  hash: string;
}

export interface ProjectStore {
  /** Inserts the project and its keys in one transaction. */
  createProject(project: Project, keys: StoredApiKey[]): Promise<void>;
  getProject(id: string): Promise<Project | undefined>;
  listProjects(): Promise<Project[]>;
  updateProject(id: string, patch: { name?: string; settings?: ProjectSettings; updatedAt: number }): Promise<Project | undefined>;
  countProjects(): Promise<number>;
  insertKey(key: StoredApiKey): Promise<void>;
  listKeys(projectId: string): Promise<ApiKey[]>;
  /** Returns false when no live key with that id exists in the project. */
  revokeKey(projectId: string, keyId: string, at: number): Promise<boolean>;
  findKeyByHash(hash: string): Promise<StoredApiKey | undefined>;
  touchKey(keyId: string, at: number): Promise<void>;
}
