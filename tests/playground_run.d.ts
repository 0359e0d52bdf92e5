// Types of playground/run.js (plain JavaScript, loaded by browsers as it is) for the tests.
export const EXAMPLES: Record<"hello" | "trap" | "loop" | "add", string>;
export interface RunInput {
  source: string | Uint8Array;
  args?: string[];
  stdin?: string;
  files?: Record<string, string>;
  fuel?: number;
  timeout?: number;
  entry?: string;
}
export interface RunOutput {
  imports: string[];
  exports: string[];
  stdout: string;
  stderr: string;
  exitCode?: number;
  results?: string;
  called?: string;
  fuelUsed?: number;
  error?: { kind: string; message: string; stack: string[] };
}
export function runModule(lib: unknown, input: RunInput): Promise<RunOutput>;
