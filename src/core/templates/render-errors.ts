import { RenderError } from './renderer.js';

/** Required parameters were not given; `missing` names them. */
export class MissingParametersError extends RenderError {
  constructor(readonly missing: string[]) {
    super(`missing required parameters: ${missing.join(', ')}`);
  }
}

/** The template (by uuid or name) does not exist in the project. */
export class TemplateNotFoundError extends RenderError {
  constructor(readonly templateId: string) {
    super(`template ${templateId} was not found`);
  }
}
