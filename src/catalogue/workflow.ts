import type { FormPage } from '../forms/form-page.js';
import type { InputsetEntry } from './runtime-input.js';
import type { PipelineTarget } from './pipeline-target.js';

/** A workflow as the bot uses it, normalised once from either IDP envelope. */
export interface Workflow {
  id: string;
  title: string;
  description: string | undefined;
  /** File it was read from, relative to the manifests directory. */
  file: string;
  envelope: 'backstage' | 'harness';
  owner: string | undefined;
  lifecycle: string | undefined;
  tags: string[];
  /** `spec.presentation.customCreateButtonText` (IDP 2.0). */
  submitLabel: string | undefined;
  pages: FormPage[];
  pipeline: PipelineTarget;
  inputset: InputsetEntry[];
  /** The trigger step's id, as `${{ steps.<id>.output.url }}` refers to it. */
  triggerStepId: string;
  /** Index of the trigger step in `spec.steps`. */
  triggerStepIndex: number;
  /** `spec.output.links`: a URL or a catalog entity reference (not used to run the pipeline). */
  outputLinks: { title: string; url?: string; entityRef?: string }[];
}
